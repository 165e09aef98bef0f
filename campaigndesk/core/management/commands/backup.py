from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigndesk.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and every file under MEDIA_ROOT into one .tar.gz with a manifest"
        " of SHA-256s (safe while the application runs). Default: var/backups/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", "-o", type=Path, help="the .tar.gz to write, or a directory for it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_create(output=options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
