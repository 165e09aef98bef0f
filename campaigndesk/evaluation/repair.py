"""Archive files no archive row names. `activity_archive` writes the zip before its transaction
commits and removes it if the transaction fails; a process killed in between (a crash, a power
cut, `kill -9` of a worker) leaves the file behind with the activity still evaluated and no
archive row. Such a file is an orphan: nothing points to it and the next archiving writes its
own. `manage.py verify_archives` reports orphans; `--repair` removes them (`make run` does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from campaigndesk.evaluation.models import Archive

# Archive.file's upload_to.
ARCHIVE_DIR = "archives"
# A younger file may belong to an archiving still in progress (written, not yet committed).
DEFAULT_MIN_AGE = timedelta(minutes=5)


@dataclass(frozen=True)
class Orphan:
    name: str  # storage name, e.g. "archives/activity-7-0a1b2c3d4e5f6a7b.zip"
    size: int
    modified_at: datetime


def orphan_archive_files(*, min_age: timedelta = DEFAULT_MIN_AGE) -> list[Orphan]:
    """Files in the archive directory that no archive row names and that are at least
    `min_age` old, oldest first."""
    if not default_storage.exists(ARCHIVE_DIR):
        return []
    _dirs, files = default_storage.listdir(ARCHIVE_DIR)
    named = set(Archive.objects.values_list("file", flat=True))
    cutoff = timezone.now() - min_age
    orphans = []
    for filename in files:
        name = f"{ARCHIVE_DIR}/{filename}"
        if name in named:
            continue
        modified_at = default_storage.get_modified_time(name)
        if modified_at <= cutoff:
            orphans.append(Orphan(name, default_storage.size(name), modified_at))
    return sorted(orphans, key=lambda orphan: (orphan.modified_at, orphan.name))


def orphan_archive_files_remove(*, min_age: timedelta = DEFAULT_MIN_AGE) -> list[Orphan]:
    """Deletes the orphans; returns what was deleted. A row committed meanwhile keeps its file:
    each name is checked again right before it is deleted."""
    removed = []
    for orphan in orphan_archive_files(min_age=min_age):
        if Archive.objects.filter(file=orphan.name).exists():
            continue
        default_storage.delete(orphan.name)
        removed.append(orphan)
    return removed
