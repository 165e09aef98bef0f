from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from campaigndesk.notifications.models import Notification


def notifications_for_user(*, user: User, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
