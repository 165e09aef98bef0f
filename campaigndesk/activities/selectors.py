"""Reads of activities, always scoped to what the reader may see."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities.models import Activity, ProposalTemplate
from campaigndesk.core.errors import NotFound
from campaigndesk.core.models import AuditEntry
from campaigndesk.org import policies

AnyUser = AbstractBaseUser | AnonymousUser


def activities_for_user(
    *, user: AnyUser, market: str | None = None, status: str | None = None
) -> QuerySet[Activity]:
    """Activities `user` may see, newest start first; market by code, status by value."""
    qs = (
        Activity.objects.filter(policies.activity_scope(user))
        .select_related("market", "created_by", "template")
        .prefetch_related("budget_lines")
        .order_by("-start_date", "-id")
    )
    if market:
        qs = qs.filter(market__code=market)
    if status:
        qs = qs.filter(status=status)
    return qs


def activity_get(*, user: AnyUser, activity_id: int) -> Activity:
    """One activity with what its pages need; `NotFound` if missing or invisible to `user`."""
    activity = (
        Activity.objects.filter(policies.activity_scope(user), pk=activity_id)
        .select_related("market", "created_by", "template")
        .prefetch_related("budget_lines", "template__sections")
        .first()
    )
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def activity_history(*, activity: Activity) -> QuerySet[AuditEntry]:
    """Every audit row filed under the activity, oldest first."""
    return (
        AuditEntry.objects.filter(activity_id=activity.pk)
        .select_related("actor__profile", "on_behalf_of__profile")
        .order_by("at", "id")
    )


def template_current() -> ProposalTemplate:
    return ProposalTemplate.objects.current()


def submission_deadline(activity: Activity) -> date:
    """The last day the proposal may be submitted without an HQ exception."""
    return activity.start_date - timedelta(days=activity.template.lead_days)


def days_to_deadline(activity: Activity, *, today: date | None = None) -> int:
    return (submission_deadline(activity) - (today or timezone.localdate())).days
