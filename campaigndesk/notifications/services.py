"""Telling people. Other apps call `notify` inside their transaction; the rows are written only
once that transaction commits, so a rolled-back change tells nobody."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.core.errors import NotFound
from campaigndesk.notifications.models import Kind, Notification


def notify(
    *,
    recipients: Iterable[User],
    kind: Kind,
    subject: str,
    activity_id: int | None = None,
    url: str = "",
) -> None:
    """Queue one inbox row per distinct active recipient, written after commit. `subject` is
    what the notification is about (an activity's title); the kind is shown in the reader's
    language."""
    ids = sorted({user.pk for user in recipients if user.is_active})
    if not ids:
        return

    def write() -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient_id=pk, kind=kind, subject=subject[:300], activity_id=activity_id, url=url
            )
            for pk in ids
        )

    transaction.on_commit(write)


def notify_activity(
    *, activity: Any, recipients: Iterable[User], kind: Kind, url: str = ""
) -> None:
    """`notify` about an activity: its title as the subject, its page as the link unless
    `url` names the exact place to act."""
    notify(
        recipients=recipients,
        kind=kind,
        subject=activity.title,
        activity_id=activity.pk,
        url=url or reverse("activities:detail", args=[activity.pk]),
    )


@transaction.atomic
def notification_mark_read(*, notification_id: int, by: User) -> Notification:
    """Marks one of the user's own notifications read; someone else's is 404."""
    notification = (
        Notification.objects.select_for_update().filter(pk=notification_id, recipient=by).first()
    )
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, by: User) -> int:
    return Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
