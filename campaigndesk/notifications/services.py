"""Telling people. Other apps call `notify` inside their transaction; the rows are written only
once that transaction commits, so a rolled-back change tells nobody."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse

from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities.models import Activity
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import Forbidden, NotFound, ValidationFailed
from campaigndesk.notifications.models import (
    Delivery,
    Kind,
    Notification,
    NotificationSettings,
    NotificationTarget,
    TargetKind,
)
from campaigndesk.org import policies
from campaigndesk.org.models import Market
from campaigndesk.org.roles import Role


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

    @transaction.atomic  # the inbox rows and their deliveries, all or none
    def write() -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient_id=pk, kind=kind, subject=subject[:300], activity_id=activity_id, url=url
            )
            for pk in ids
        )
        deliveries_queue(
            kind=kind, subject=subject, activity_id=activity_id, url=url, recipient_ids=ids
        )

    # robust: the change is committed by now; a failure here is logged, never turned into an
    # error for a change that was made (the caller would retry it and hear 409).
    transaction.on_commit(write, robust=True)


_paused = threading.local()


@contextmanager
def deliveries_paused() -> Iterator[None]:
    """Inbox rows only, no e-mail or group message: for entering history (demo data, imports)
    that nobody must be told about again."""
    _paused.on = True
    try:
        yield
    finally:
        _paused.on = False


def deliveries_queue(
    *, kind: str, subject: str, activity_id: int | None, url: str, recipient_ids: list[int]
) -> list[Delivery]:
    """Outside the change's transaction: one delivery per group bot that wants this kind (the
    activity's market's bots and HQ's), one per recipient who wants it e-mailed; each sent by
    its own task, so a dead target holds up nothing else."""
    from campaigndesk.notifications.tasks import deliver

    if getattr(_paused, "on", False):
        return []
    candidates = NotificationTarget.objects.filter(active=True)
    if activity_id is not None:
        # About one activity: its market's bots and HQ's. Otherwise (a briefing for every
        # market) every bot that chose the kind.
        market_id = (
            Activity.objects.filter(pk=activity_id).values_list("market_id", flat=True).first()
        )
        candidates = candidates.filter(Q(market__isnull=True) | Q(market_id=market_id))
    targets = [t for t in candidates if kind in (t.notification_kinds or [])]
    emailed = [
        u
        for u in User.objects.filter(pk__in=recipient_ids, is_active=True)
        .exclude(email="")
        .select_related("notification_settings")
        if _wants_email(u, kind)
    ]
    common = {
        "notification_kind": kind,
        "subject": subject[:300],
        "activity_id": activity_id,
        "url": url,
    }
    deliveries = Delivery.objects.bulk_create(
        [Delivery(target=t, **common) for t in targets]
        + [Delivery(recipient=u, **common) for u in emailed]
    )
    for delivery in deliveries:
        deliver.enqueue(delivery.pk)
    return deliveries


def _wants_email(user: User, kind: str) -> bool:
    chosen: NotificationSettings | None = getattr(user, "notification_settings", None)
    # Without settings a person gets every kind by e-mail; they can narrow it down.
    return chosen is None or kind in chosen.email_kinds


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
    """Marks one of the user's own notifications read (audited the first time); someone
    else's is 404."""
    notification = (
        Notification.objects.select_for_update().filter(pk=notification_id, recipient=by).first()
    )
    if notification is None:
        raise NotFound(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(actor=by, action="notification_read", obj=notification)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, by: User) -> int:
    """Marks every unread notification of the user read; one audit row when any was."""
    count = Notification.objects.filter(recipient=by, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        audit_record(actor=by, action="notifications_read_all", note=str(count))
    return count


def may_configure_targets(user: User) -> bool:
    return policies.role_of(user) in (Role.ADMIN, Role.HQ_MANAGER)


@transaction.atomic
def target_create(
    *,
    by: User,
    kind: str,
    url: str,
    secret: str = "",
    market: str | None = None,
    notification_kinds: list[str] | None = None,
    name: str = "",
) -> NotificationTarget:
    """HQ adds a group bot for a market (or, without one, for HQ) and chooses which kinds of
    notification go there."""
    if not may_configure_targets(by):
        raise Forbidden(_("Only HQ configures group bots."))
    errors: dict[str, str] = {}
    if kind not in TargetKind.values:
        errors["kind"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(TargetKind.values)
        }
    url = (url or "").strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 500:
        errors["url"] = _("Enter the bot's http(s) webhook URL.")
    market_obj = None
    if market:
        market_obj = Market.objects.filter(code=market).first()
        if market_obj is None:
            errors["market"] = _("No such market.")
    kinds = list(dict.fromkeys(notification_kinds or []))
    if not kinds:
        errors["notification_kinds"] = _("Choose at least one kind of notification.")
    elif any(k not in Kind.values for k in kinds):
        errors["notification_kinds"] = _("Choose among: %(choices)s.") % {
            "choices": ", ".join(Kind.values)
        }
    if secret and kind == TargetKind.WECOM:
        errors["secret"] = _("WeCom group robots are not signed; leave the secret empty.")
    if len(secret or "") > 200:
        errors["secret"] = _("At most %(n)s characters.") % {"n": 200}
    if errors:
        raise ValidationFailed(errors)
    target = NotificationTarget.objects.create(
        kind=kind,
        url=url,
        secret=secret or "",
        market=market_obj,
        notification_kinds=kinds,
        name=(name or "").strip()[:100],
        created_by=by,
    )
    audit_record(
        actor=by,
        action="target_create",
        obj=target,
        note=f"{kind} {market or 'HQ'} {', '.join(kinds)}",
    )
    return target


@transaction.atomic
def target_delete(*, by: User, target_id: int) -> None:
    if not may_configure_targets(by):
        raise Forbidden(_("Only HQ configures group bots."))
    # No default ordering here: it joins the (nullable) market, which PostgreSQL cannot lock.
    target = (
        NotificationTarget.objects.select_for_update().filter(pk=target_id).order_by("pk").first()
    )
    if target is None:
        raise NotFound(_("No such target."))
    audit_record(actor=by, action="target_delete", obj=target, note=str(target))
    target.delete()


@transaction.atomic
def settings_update(*, by: User, language: str, email_kinds: list[str]) -> NotificationSettings:
    """A person chooses their e-mail language and which kinds reach them by e-mail."""
    errors: dict[str, str] = {}
    if language not in dict(django_settings.LANGUAGES):
        errors["language"] = _("Not one of the allowed values.")
    if any(k not in Kind.values for k in email_kinds):
        errors["email_kinds"] = _("Not one of the allowed values.")
    if errors:
        raise ValidationFailed(errors)
    chosen, _created = NotificationSettings.objects.update_or_create(
        user=by, defaults={"language": language, "email_kinds": list(dict.fromkeys(email_kinds))}
    )
    return chosen
