"""The audit trail: written by services inside their transaction (never by views); its newest id
keys the short read caches."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models

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


def latest_audit_id() -> int:
    """The newest audit row's id. Every write leaves one, so short-lived caches of reads
    (the overview, search counts) put it in their key: a write makes a new key at once."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
