"""`manage.py reindex_search`: rebuild the search index from every indexed object."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from campaigndesk.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuilds the full-text search index from every indexed object."

    def handle(self, *args: Any, **options: Any) -> None:
        count = search_rebuild()
        self.stdout.write(f"Indexed {count} documents.")
