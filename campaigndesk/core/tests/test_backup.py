"""`manage.py backup` and `manage.py restore`: a backup of the demo installation (with archived
activities, so there are archive files) brings back every row of every table and every media
file byte for byte; a damaged backup, another vendor's backup, or a target that holds data
without --yes is refused before anything is touched."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from campaigndesk.activities.models import Activity
from campaigndesk.core import backup
from campaigndesk.core.demo import seed_demo
from campaigndesk.core.tests.state import snapshot
from campaigndesk.evaluation.models import Archive
from campaigndesk.notifications.services import deliveries_paused

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def installation(media: Path) -> Path:
    """The demo with its history (archived activities have archive files) and a file beside."""
    with deliveries_paused():
        seed_demo()
    (media / "attachments" / "2026").mkdir(parents=True, exist_ok=True)
    (media / "attachments" / "2026" / "签到表.pdf").write_bytes(b"%PDF-1.4 sign-in sheet")
    assert Archive.objects.count() >= 2
    return media


def media_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def take_backup(target: Path) -> Path:
    out = StringIO()
    call_command("backup", "--output", str(target), stdout=out)
    assert str(target) in out.getvalue()
    return target


def restore(path: Path, *options: str) -> str:
    out = StringIO()
    call_command("restore", str(path), *options, stdout=out)
    return out.getvalue()


def refused(path: Path, *options: str) -> str:
    with pytest.raises(CommandError) as raised:
        restore(path, *options)
    return str(raised.value)


def repack(source: Path, target: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of a backup with its members changed by `change` (name → bytes)."""
    members: dict[str, bytes] = {}
    with tarfile.open(source, "r:gz") as tar:
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            assert handle is not None
            members[member.name] = handle.read()
    change(members)
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def test_a_restore_brings_back_every_row_and_every_file(installation: Path, tmp_path: Path) -> None:
    media = installation
    path = take_backup(tmp_path / "backup.tar.gz")
    rows, files = snapshot(), media_hashes(media)
    assert any(name.startswith("archives/") for name in files)

    # Life goes on after the backup: rows change and vanish, files are altered and removed.
    Activity.objects.filter(status="archived").update(title="改掉的标题")
    User.objects.filter(username="sn_staff4").update(email="changed@example.com")
    from campaigndesk.notifications.models import Notification

    Notification.objects.all().delete()
    archive_file = media / Archive.objects.order_by("pk").first().file.name  # type: ignore[union-attr]
    archive_file.write_bytes(b"overwritten")
    (media / "attachments" / "2026" / "签到表.pdf").unlink()
    (media / "stray.txt").write_text("written after the backup")
    assert snapshot() != rows and media_hashes(media) != files

    # The database holds data: a restore replaces all of it, so it asks for --yes first.
    message = refused(path)
    assert "--yes" in message
    assert media_hashes(media) != files  # nothing was touched

    output = restore(path, "--yes")

    assert "Restored" in output
    assert snapshot() == rows
    assert media_hashes(media) == files
    out = StringIO()
    call_command("verify_archives", stdout=out)
    assert f"{Archive.objects.count()} archives checked, 0 altered or missing" in out.getvalue()


def test_the_manifest_names_versions_vendor_migrations_and_each_members_sha256(
    installation: Path, tmp_path: Path
) -> None:
    path = take_backup(tmp_path / "backup.tar.gz")
    with tarfile.open(path, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        members = {
            m.name: hashlib.sha256(tar.extractfile(m).read()).hexdigest()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.name != "manifest.json"
        }
    assert manifest["vendor"] == connection.vendor
    assert manifest["database_file"] in members
    assert manifest["app_version"] and manifest["django_version"].startswith("5.")
    assert "0001_initial" in manifest["migrations"]["activities"]
    assert {e["name"]: e["sha256"] for e in manifest["files"]} == members
    assert "media/attachments/2026/签到表.pdf" in members


def test_a_fresh_empty_database_is_restored_without_yes(installation: Path, tmp_path: Path) -> None:
    path = take_backup(tmp_path / "backup.tar.gz")
    rows = snapshot()
    call_command("flush", "--noinput")
    assert not User.objects.exists()

    restore(path)

    assert snapshot() == rows


def test_a_damaged_backup_is_refused_before_anything_changes(
    installation: Path, tmp_path: Path
) -> None:
    path = take_backup(tmp_path / "backup.tar.gz")
    Activity.objects.filter(status="archived").update(title="备份后的修改")
    rows, files = snapshot(), media_hashes(installation)

    def alter(members: dict[str, bytes]) -> None:
        members["media/attachments/2026/签到表.pdf"] = b"%PDF-1.4 altered"

    damaged = repack(path, tmp_path / "damaged.tar.gz", alter)
    assert "differs from the manifest" in refused(damaged, "--yes")

    def add(members: dict[str, bytes]) -> None:
        members["media/extra.txt"] = b"smuggled in"

    assert "not in the manifest" in refused(repack(path, tmp_path / "extra.tar.gz", add), "--yes")
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert "not a readable backup" in refused(truncated, "--yes")

    assert snapshot() == rows
    assert media_hashes(installation) == files


def test_a_backup_of_another_vendor_is_refused(installation: Path, tmp_path: Path) -> None:
    path = take_backup(tmp_path / "backup.tar.gz")
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    ours = backup.DATABASE_FILES[connection.vendor]

    def relabel(members: dict[str, bytes]) -> None:
        # A consistent backup of the other vendor: right names, right hashes.
        manifest = json.loads(members.pop("manifest.json"))
        members[backup.DATABASE_FILES[other]] = members.pop(ours)
        manifest["vendor"] = other
        manifest["database_file"] = backup.DATABASE_FILES[other]
        for entry in manifest["files"]:
            if entry["name"] == ours:
                entry["name"] = backup.DATABASE_FILES[other]
        members["manifest.json"] = json.dumps(manifest).encode()

    message = refused(repack(path, tmp_path / "other.tar.gz", relabel), "--yes")

    assert f"of a {backup.VENDOR_NAMES[other]} database" in message
    assert f"uses {backup.VENDOR_NAMES[connection.vendor]}" in message


def test_postgresql_gets_the_password_through_the_environment_only() -> None:
    env, args = backup.pg_env_and_args(
        {
            "NAME": "campaigndesk",
            "HOST": "db.internal",
            "PORT": 5433,
            "USER": "desk",
            "PASSWORD": "s3cret-pw",
            "OPTIONS": {},
        }
    )
    assert env["PGPASSWORD"] == "s3cret-pw"
    assert not any("s3cret" in arg for arg in args)
    assert args == [
        "--host",
        "db.internal",
        "--port",
        "5433",
        "--username",
        "desk",
        "--no-password",
        "--dbname",
        "campaigndesk",
    ]


def test_a_backup_taken_while_people_write_holds_whole_changes_only(
    media: Path, tmp_path: Path
) -> None:
    """The application keeps running during a backup: a market head creating proposals (each one
    activity, its budget lines and its audit row in one transaction) neither waits for a lock
    error nor leaves half a proposal in the copy."""
    from datetime import date

    from campaigndesk.activities.models import BudgetLine
    from campaigndesk.activities.services import activity_create
    from campaigndesk.core.models import AuditEntry

    seed_demo(walkthrough=False)
    head = User.objects.get(username="sn_head")
    before = Activity.objects.count()
    errors: list[BaseException] = []
    created = 0
    stop = threading.Event()

    def write() -> None:
        nonlocal created
        try:
            while not stop.is_set() and created < 400:
                activity_create(
                    by=head,
                    data={
                        "title": f"备份期间的草稿{created}",
                        "start_date": date(2031, 5, 1),
                        "end_date": date(2031, 5, 2),
                        "budget": [
                            {"category": "venue", "item": "场地", "amount": "100.00"},
                            {"category": "promotion", "item": "宣传", "amount": "50.00"},
                        ],
                    },
                )
                created += 1
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while created < 5 and writer.is_alive():
            time.sleep(0.01)
        path = take_backup(tmp_path / "during.tar.gz")
    finally:
        stop.set()
        writer.join(60)
    assert errors == []
    written = created

    restore(path, "--yes")

    drafts = Activity.objects.filter(title__startswith="备份期间的草稿")
    # Some of the writes, never all of them (the writer went on after the copy)…
    assert 5 <= drafts.count() <= written
    assert Activity.objects.count() == before + drafts.count()
    # …each one whole: both budget lines and the audit row.
    assert BudgetLine.objects.filter(activity__in=drafts).count() == 2 * drafts.count()
    assert (
        AuditEntry.objects.filter(activity_id__in=drafts.values("pk"), action="create").count()
        == drafts.count()
    )


def test_a_table_of_a_later_migration_never_survives_a_restore_half_forgotten(
    installation: Path, tmp_path: Path
) -> None:
    """After an upgrade the database has tables the backup lacks. SQLite's copy replaces the
    whole file, so they go; pg_restore --clean would leave them (with rows django_migrations no
    longer knows, and the next `migrate` would fail on them), so PostgreSQL refuses, saying how
    to restore into an empty database."""
    path = take_backup(tmp_path / "backup.tar.gz")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE later_migration_table (id integer PRIMARY KEY)")
    try:
        if connection.vendor == "sqlite":
            restore(path, "--yes")
            assert "later_migration_table" not in connection.introspection.table_names()
        else:
            rows = snapshot()
            message = refused(path, "--yes")
            assert "later_migration_table" in message and "empty database" in message
            assert snapshot() == rows
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS later_migration_table")


def test_a_database_copy_that_cannot_be_restored_changes_nothing(
    installation: Path, tmp_path: Path
) -> None:
    """The manifest matches, but the database copy itself is garbage (made so by a broken disk
    before the backup was hashed): the restore fails before the database or a file changes."""
    path = take_backup(tmp_path / "backup.tar.gz")
    Activity.objects.filter(status="archived").update(title="备份后的修改")
    (installation / "stray.txt").write_text("after the backup")
    rows, files = snapshot(), media_hashes(installation)
    ours = backup.DATABASE_FILES[connection.vendor]

    def garble(members: dict[str, bytes]) -> None:
        members[ours] = members[ours][:4096] + b"\0garbage" * 4096
        manifest = json.loads(members["manifest.json"])
        for entry in manifest["files"]:
            if entry["name"] == ours:
                entry["size"] = len(members[ours])
                entry["sha256"] = hashlib.sha256(members[ours]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()

    message = refused(repack(path, tmp_path / "garbled.tar.gz", garble), "--yes")

    assert "The database in the backup cannot be restored" in message
    assert snapshot() == rows
    assert media_hashes(installation) == files


def test_a_backup_of_a_newer_version_is_refused(installation: Path, tmp_path: Path) -> None:
    path = take_backup(tmp_path / "backup.tar.gz")

    def from_the_future(members: dict[str, bytes]) -> None:
        manifest = json.loads(members["manifest.json"])
        manifest["migrations"]["activities"].append("9999_from_a_later_release")
        members["manifest.json"] = json.dumps(manifest).encode()

    message = refused(repack(path, tmp_path / "newer.tar.gz", from_the_future), "--yes")

    assert "newer version" in message and "activities.9999_from_a_later_release" in message
