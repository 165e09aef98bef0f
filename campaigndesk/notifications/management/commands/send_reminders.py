import time
from typing import Any

from django.core.management.base import BaseCommand

from campaigndesk.notifications.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send the reminders and escalations that are due (each once per subject and day). "
        "Run it from cron every few minutes, or with --every N to loop."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="keep running, every N seconds (0: once)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            sent = reminders_send()
            self.stdout.write(" ".join(f"{k}={v}" for k, v in sent.items()))
            if not options["every"]:
                return
            time.sleep(options["every"])
