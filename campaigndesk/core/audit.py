"""The audit trail: written by services inside their transaction (never by views); its newest id
keys the short read caches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, models

from campaigndesk.core.models import AuditEntry


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    activity_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    changes: dict[str, Any] | None = None,
    on_behalf_of: User | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if isinstance(actor, User) else None,
        on_behalf_of=on_behalf_of,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        activity_id=activity_id,
        from_status=from_status,
        to_status=to_status,
        note=note,
        changes=changes or {},
    )


@dataclass(frozen=True)
class DataVersion:
    """What the short read caches key on. `latest`: the newest audit row's id — every write
    leaves one in its transaction, so a committed write makes a new key at once. `settled`: no
    other transaction was writing when it was read, so every audit id up to `latest` is committed
    and any later commit gets a higher one; only then may a read be kept under it."""

    latest: int
    settled: bool


def data_version() -> DataVersion:
    """One query, no ORM. SQLite has one writer at a time and its ids grow in commit order, so
    it is always settled; PostgreSQL is settled when no other session of the database holds a
    transaction that wrote (`pg_stat_activity.backend_xid`): writers that commit out of id
    order would otherwise leave a read kept under an id it does not show. (A writer caught
    between taking its audit id and its first row is not seen: a window of microseconds, and
    the copy lives a few seconds.) Never settled inside a transaction of our own: what it wrote may
    still roll back, and SQLite would hand its ids out again. (A test case's own transaction,
    which Django marks, stands for the committed database.)"""
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT (SELECT max(id) FROM {table}), NOT EXISTS "  # noqa: S608 - our table
                "(SELECT 1 FROM pg_stat_activity WHERE backend_xid IS NOT NULL"
                " AND pid <> pg_backend_pid() AND datname = current_database())"
            )
            latest, settled = cursor.fetchone()
        else:
            cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608 - our table
            latest, settled = cursor.fetchone()[0], True
    own = any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
    return DataVersion(latest=latest or 0, settled=bool(settled) and not own)
