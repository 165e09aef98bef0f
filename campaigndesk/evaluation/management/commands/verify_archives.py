from typing import Any

from django.core.management.base import BaseCommand, CommandError

from campaigndesk.evaluation.archive import verify_bytes
from campaigndesk.evaluation.models import Archive


class Command(BaseCommand):
    help = "Re-hash every stored archive and its files; exit 1 if any byte changed or is gone."

    def handle(self, *args: Any, **options: Any) -> None:
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
