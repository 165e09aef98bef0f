from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigndesk.evaluation.archive import verify_bytes
from campaigndesk.evaluation.models import Archive
from campaigndesk.evaluation.repair import (
    DEFAULT_MIN_AGE,
    orphan_archive_files,
    orphan_archive_files_remove,
)


class Command(BaseCommand):
    help = (
        "Re-hash every stored archive and its files; exit 1 if any byte changed or is gone."
        " Also reports archive files no archive names (left by an archiving interrupted"
        " before its commit); --repair removes them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair",
            action="store_true",
            help="remove orphan archive files (no archive row names them) before verifying",
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=int(DEFAULT_MIN_AGE.total_seconds()),
            metavar="SECONDS",
            help=(
                "only files at least this old count as orphans (default %(default)s: a younger"
                " one may belong to an archiving in progress; 0 when the app is stopped)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        min_age = timedelta(seconds=max(options["min_age"], 0))
        if options["repair"]:
            for orphan in orphan_archive_files_remove(min_age=min_age):
                self.stdout.write(f"removed orphan {orphan.name} ({orphan.size} bytes)")
        else:
            for orphan in orphan_archive_files(min_age=min_age):
                self.stderr.write(
                    f"orphan {orphan.name} ({orphan.size} bytes): no archive names it;"
                    " remove it with --repair"
                )
        failures = 0
        archives = Archive.objects.select_related("activity").order_by("id")
        for archive in archives:
            try:
                with archive.file.open("rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, OSError) as error:
                problems = [f"missing: {error}"]
            else:
                problems = verify_bytes(data, archive.sha256)
            if problems:
                failures += 1
                for problem in problems:
                    self.stderr.write(
                        f"activity {archive.activity_id} ({archive.file.name}): {problem}"
                    )
            else:
                self.stdout.write(f"ok  activity {archive.activity_id} {archive.sha256}")
        self.stdout.write(f"{archives.count()} archives checked, {failures} altered or missing")
        if failures:
            raise CommandError(f"{failures} archive(s) failed verification")
