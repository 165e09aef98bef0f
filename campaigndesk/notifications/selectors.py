from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, QuerySet

from campaigndesk.core.compiled import Compiled
from campaigndesk.notifications.models import Notification


def notifications_for_user(*, user: User, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(*, user: User) -> int:
    rows = _UNREAD.rows(user_id=user.pk)
    return int(rows[0][0]) if rows else 0


def _unread(shape: object, *, user_id: int) -> QuerySet[Any]:
    return (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("id"))
        .values_list("n")
        .order_by()
    )


# In every page's header: compiled once (core.compiled).
_UNREAD = Compiled(_unread)
