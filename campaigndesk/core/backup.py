"""Backup and restore of the whole installation: the database and every file under MEDIA_ROOT
(archives, attachments, exports) in one .tar.gz with a manifest of SHA-256s.

The database copy is taken while the application keeps running: SQLite through its online
backup API (one consistent snapshot even while other connections write), PostgreSQL through
`pg_dump --format=custom` (one transaction snapshot). A restore checks the whole file against
its manifest before it touches anything, refuses another vendor's backup, and replaces the
database in one step (SQLite's backup API, or `pg_restore --single-transaction`), then the
media files.

Layout of the .tar.gz:
    manifest.json           what is below, with each member's size and SHA-256
    database.sqlite3        (SQLite) or database.pgdump (PostgreSQL, pg_dump's custom format)
    media/<path>            every file under MEDIA_ROOT
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be taken or restored; the message says why and what to do."""


@dataclass
class Restored:
    """What a restore did, for the command to report."""

    vendor: str
    tables: int
    media_files: int
    migrate_needed: list[str] = field(default_factory=list)


# --- helpers ------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _app_version() -> str:
    try:
        return metadata.version("campaigndesk")
    except metadata.PackageNotFoundError:  # pragma: no cover - a checkout without install
        return "unknown"


def _vendor(alias: str = DEFAULT_DB_ALIAS) -> str:
    return connections[alias].vendor


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """{app: [migration names]} applied in the database."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app, name in sorted(loader.applied_migrations or {}):
        applied.setdefault(app, []).append(name)
    return applied


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this code ships."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations)


def pg_env_and_args(db: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """libpq connection arguments from a DATABASES entry; the password goes in PGPASSWORD so it
    never shows on a command line (`ps` shows every user's command lines)."""
    env = dict(os.environ)
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    args += ["--no-password", "--dbname", str(db["NAME"])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> str:
    """Runs a PostgreSQL client program; its output, or BackupError with its message."""
    try:
        # The program is pg_dump or pg_restore; its arguments come from settings, no shell.
        result = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed; install the PostgreSQL client of the server's"
            " version (Debian: apt-get install postgresql-client)."
        ) from error
    if result.returncode != 0:
        raise BackupError(
            f"{command[0]} failed (exit {result.returncode}): {result.stderr.strip()}"
        )
    return result.stdout


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        # Symlinks are not followed: a backup holds the files themselves, nothing outside.
        if path.is_file() and not path.is_symlink():
            yield path


# --- taking a backup ----------------------------------------------------------------------------


def _dump_sqlite(alias: str, target: Path) -> None:
    name = str(connections[alias].settings_dict["NAME"])
    source = sqlite3.connect(name, timeout=20)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): a consistent snapshot of the database as of one moment, even with
        # other connections writing (WAL lets them go on meanwhile).
        source.backup(copy)
        # A self-contained file: no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _dump_postgresql(alias: str, target: Path) -> None:
    env, args = pg_env_and_args(connections[alias].settings_dict)
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            *args,
        ],
        env,
    )


def backup_create(*, output: Path | None = None, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Writes one .tar.gz holding the database and every media file, with a manifest naming the
    app and Django versions, the database vendor, the applied migrations and each member's
    SHA-256. Safe while the application runs. Returns the file's path."""
    vendor = _vendor(alias)
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    if output is None:
        output = Path(settings.BASE_DIR) / "var" / "backups" / f"campaigndesk-{stamp}.tar.gz"
    elif output.is_dir():
        output = output / f"campaigndesk-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    database_file = DATABASE_FILES[vendor]
    with tempfile.TemporaryDirectory(prefix="campaigndesk-backup-") as work:
        dump = Path(work) / database_file
        if vendor == "sqlite":
            _dump_sqlite(alias, dump)
        else:
            _dump_postgresql(alias, dump)
        media_root = _media_root()
        members: list[tuple[str, Path]] = [(database_file, dump)]
        members += [
            (str(PurePosixPath(MEDIA, *path.relative_to(media_root).parts)), path)
            for path in _media_files(media_root)
        ]
        entries = []
        for name, path in members:
            entries.append({"name": name, "size": path.stat().st_size, "sha256": _sha256(path)})
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "app_version": _app_version(),
            "django_version": django.get_version(),
            "vendor": vendor,
            "database_file": database_file,
            "migrations": applied_migrations(alias),
            "files": entries,
        }
        manifest_path = Path(work) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        # Written beside the target and renamed at the end: a half-written backup never has
        # the final name.
        partial = output.with_name(output.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(manifest_path, arcname=MANIFEST, recursive=False)
                for name, path in members:
                    tar.add(path, arcname=name, recursive=False)
            partial.replace(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return output


# --- checking a backup --------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


@contextmanager
def backup_open(path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    """Unpacks a backup into a temporary directory after checking it member by member against
    its manifest: (manifest, directory). Raises BackupError naming the first problem; nothing
    outside the temporary directory is touched."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with tempfile.TemporaryDirectory(prefix="campaigndesk-restore-") as work:
        root = Path(work)
        seen: set[str] = set()
        try:
            with tarfile.open(path, "r:gz") as tar:
                for member in tar:
                    if member.isdir():
                        continue
                    if not member.isfile() or not _safe_name(member.name):
                        raise BackupError(f"{path}: unexpected member {member.name!r}.")
                    if member.name in seen:
                        raise BackupError(f"{path}: {member.name} appears twice.")
                    seen.add(member.name)
                    source = tar.extractfile(member)
                    assert source is not None
                    target = root / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with source, target.open("wb") as handle:
                        shutil.copyfileobj(source, handle, CHUNK)
        except (tarfile.TarError, EOFError, OSError) as error:
            raise BackupError(f"{path}: not a readable backup ({error}).") from error
        try:
            manifest = json.loads((root / MANIFEST).read_text())
            files = manifest["files"]
            vendor = manifest["vendor"]
            database_file = manifest["database_file"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise BackupError(f"{path}: no readable {MANIFEST} ({error}).") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path}: backup format {manifest.get('format')!r} is not {FORMAT}.")
        listed = {entry["name"] for entry in files}
        if vendor not in DATABASE_FILES or database_file != DATABASE_FILES[vendor]:
            raise BackupError(f"{path}: the manifest names no database of a known vendor.")
        if database_file not in listed:
            raise BackupError(f"{path}: the manifest lists no database file.")
        extra = seen - listed - {MANIFEST}
        if extra:
            raise BackupError(f"{path}: files not in the manifest: {', '.join(sorted(extra))}.")
        for entry in files:
            name = entry["name"]
            if name not in seen:
                raise BackupError(f"{path}: {name} is in the manifest but not in the backup.")
            member_path = root / name
            if (
                member_path.stat().st_size != entry["size"]
                or _sha256(member_path) != entry["sha256"]
            ):
                raise BackupError(f"{path}: {name} differs from the manifest (altered or damaged).")
        yield manifest, root


# --- restoring ----------------------------------------------------------------------------------


def database_has_data(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the target holds anything worth keeping: a user or an activity. (An empty
    database, or one only migrated, holds just what `migrate` creates.)"""
    from django.contrib.auth import get_user_model

    from campaigndesk.activities.models import Activity

    try:
        return (
            get_user_model().objects.using(alias).exists() or Activity.objects.using(alias).exists()
        )
    except DatabaseError:  # no tables yet: a fresh database
        return False


def _restore_sqlite(alias: str, dump: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("Restore must not run inside a transaction.")
    source = sqlite3.connect(dump)
    try:
        # Read it through first: a damaged copy is refused before one page of the live database
        # is replaced.
        problem = source.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"The database in the backup cannot be restored: {problem}")
        # The backup API replaces the live database page by page under one write lock: other
        # connections see the old database or the new one, never a mix.
        source.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The database in the backup cannot be restored: {error}") from error
    finally:
        source.close()


def _dump_tables(dump: Path, env: dict[str, str]) -> set[str]:
    """The tables a pg_dump archive creates, from its table of contents."""
    try:
        listing = _run(["pg_restore", "--list", str(dump)], env)
    except BackupError as error:
        raise BackupError(f"The database in the backup cannot be restored: {error}") from error
    tables = set()
    for line in listing.splitlines():
        # "214; 1259 44104 TABLE public foo_bar owner"
        parts = line.split()
        if not line.startswith(";") and len(parts) >= 6 and parts[3] == "TABLE":
            tables.add(parts[5])
    return tables


def _restore_postgresql(alias: str, dump: Path) -> None:
    env, args = pg_env_and_args(connections[alias].settings_dict)
    # --clean drops and recreates the dump's own tables only: a table of a later migration would
    # stay behind (with its rows) while django_migrations forgets it, and `migrate` would fail.
    extra = sorted(set(connections[alias].introspection.table_names()) - _dump_tables(dump, env))
    if extra:
        raise BackupError(
            "The database has tables the backup does not know (made by later migrations: "
            f"{', '.join(extra)}). Restore into an empty database instead (dropdb and createdb,"
            " or DROP SCHEMA public CASCADE; CREATE SCHEMA public;)."
        )
    # --single-transaction: if anything fails, the database is left as it was.
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(dump),
        ],
        env,
    )


def _replace_media(staged: Path) -> int:
    """Puts the backup's media files in place of MEDIA_ROOT's contents; returns their count."""
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    old = Path(tempfile.mkdtemp(prefix=".restore-old-", dir=root.parent))
    try:
        for entry in list(root.iterdir()):
            shutil.move(str(entry), old / entry.name)
        count = 0
        if staged.is_dir():
            for entry in list(staged.iterdir()):
                shutil.move(str(entry), root / entry.name)
            count = sum(1 for _ in _media_files(root))
    finally:
        shutil.rmtree(old, ignore_errors=True)
    return count


def backup_restore(*, path: Path, force: bool = False, alias: str = DEFAULT_DB_ALIAS) -> Restored:
    """Replaces the database and the media files with a backup's. Checks the whole backup first;
    refuses another vendor's backup, one made by newer code (migrations this code lacks), and —
    unless `force` — a target database that already holds data."""
    vendor = _vendor(alias)
    with backup_open(path) as (manifest, root):
        if manifest["vendor"] != vendor:
            raise BackupError(
                f"This backup is of a {VENDOR_NAMES.get(manifest['vendor'], manifest['vendor'])}"
                f" database; this installation uses {VENDOR_NAMES.get(vendor, vendor)}. Restore"
                " it into an installation on the same database, or move the data with"
                " `manage.py dumpdata` / `loaddata`."
            )
        known = known_migrations()
        backed_up = {(app, name) for app, names in manifest["migrations"].items() for name in names}
        unknown = sorted(f"{app}.{name}" for app, name in backed_up - known)
        if unknown:
            raise BackupError(
                "The backup was made by a newer version (migrations this code does not have: "
                f"{', '.join(unknown)}). Update the code first."
            )
        if not force and database_has_data(alias):
            raise BackupError(
                "The database already holds data, which the restore replaces entirely. Take a"
                " backup of it first if it matters, then run restore again with --yes."
            )
        dump = root / manifest["database_file"]
        if vendor == "sqlite":
            _restore_sqlite(alias, dump)
        else:
            _restore_postgresql(alias, dump)
        connections[alias].close()
        media = _replace_media(root / MEDIA)
    applied = {(app, name) for app, names in applied_migrations(alias).items() for name in names}
    missing = sorted(f"{app}.{name}" for app, name in known - applied)
    tables = len(connections[alias].introspection.table_names())
    return Restored(vendor=vendor, tables=tables, media_files=media, migrate_needed=missing)
