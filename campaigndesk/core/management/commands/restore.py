from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigndesk.core.backup import VENDOR_NAMES, BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database and the files under MEDIA_ROOT with a backup made by `backup`."
        " The backup is checked against its manifest first; a backup of another database vendor"
        " is refused; a database that already holds data is replaced only with --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the .tar.gz written by `manage.py backup`")
        parser.add_argument(
            "--yes",
            "--force",
            dest="yes",
            action="store_true",
            help="replace a database that already holds data (everything in it is lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = backup_restore(path=options["path"], force=options["yes"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        vendor = VENDOR_NAMES.get(restored.vendor, restored.vendor)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {vendor} database ({restored.tables} tables) and"
                f" {restored.media_files} media files from {options['path']}."
            )
        )
        if restored.migrate_needed:
            self.stdout.write(
                "The backup predates migrations of this code; run `manage.py migrate` next: "
                + ", ".join(restored.migrate_needed)
            )
