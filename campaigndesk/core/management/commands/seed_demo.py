from typing import Any

from django.core.management.base import BaseCommand

from campaigndesk.core.demo import DEMO_PASSWORD, seed_demo
from campaigndesk.notifications.services import deliveries_paused


class Command(BaseCommand):
    help = (
        "Create the contract's demo organisation, users, template and sample drafts (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with deliveries_paused():
            logins = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password: {DEMO_PASSWORD}):")
        )
        for username, display, role in logins:
            self.stdout.write(f"  {username:<20} {display:<8} {role}")
        self.stdout.write("Open http://127.0.0.1:8000 and log in, e.g. as sn_head.")
