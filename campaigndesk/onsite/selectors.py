"""Reads of stage 3: the wrap-up checklist, reports with totals, summaries and who still owes
one, "my tasks", the competitor feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.core.compiled import Compiled
from campaigndesk.onsite.models import (
    DailyReport,
    Meeting,
    MeetingKind,
    Summary,
    SummaryKind,
    Task,
    TrainingTopic,
)
from campaigndesk.org import policies
from campaigndesk.org.roles import MARKET_ROLES
from campaigndesk.preparation.models import TeamMember


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str
    done: bool


def wrap_up_checklist(*, activity: Activity) -> list[CheckItem]:
    """What the wrap-up needs, each with whether it is there: a briefing, training covering
    all five topics, a mobilisation meeting, a daily report, the activity summary."""
    meetings = list(Meeting.objects.filter(activity=activity).values_list("kind", "topics"))
    kinds = {kind for kind, _topics in meetings}
    covered = {t for kind, topics in meetings if kind == MeetingKind.TRAINING for t in topics}
    items = [
        CheckItem("briefing", _("Briefing with the office heads"), MeetingKind.BRIEFING in kinds)
    ]
    items += [
        CheckItem(
            f"training.{topic.value}",
            _("Training: %(topic)s") % {"topic": topic.label},
            topic.value in covered,
        )
        for topic in TrainingTopic
    ]
    items += [
        CheckItem("mobilization", _("Mobilisation meeting"), MeetingKind.MOBILIZATION in kinds),
        CheckItem(
            "daily_report",
            _("At least one daily report"),
            DailyReport.objects.filter(activity=activity).exists(),
        ),
        CheckItem(
            "activity_summary",
            _("Activity summary"),
            Summary.objects.filter(activity=activity, kind=SummaryKind.ACTIVITY).exists(),
        ),
    ]
    return items


def reports_of(*, activity: Activity) -> QuerySet[DailyReport]:
    return (
        DailyReport.objects.filter(activity=activity)
        .select_related("reported_by__profile")
        .order_by("date")
    )


# What a reporter enters each day (besides the date).
REPORT_FIELDS = (
    "visitors",
    "leads",
    "sales",
    "progress",
    "public_relations",
    "competitors",
    "issues",
)
REPORT_COLUMNS = ("id", "date", *REPORT_FIELDS, "reported_by__username", "updated_at")


def _report_rows(shape: object, *, activity_id: int) -> QuerySet[Any]:
    return (
        DailyReport.objects.filter(activity_id=activity_id)
        .order_by("date")
        .values_list(*REPORT_COLUMNS)
    )


# The API's list of an activity's reports, as plain rows compiled once (core.compiled).
_REPORT_ROWS = Compiled(_report_rows)


def report_rows(*, activity: Activity) -> list[tuple[Any, ...]]:
    """`reports_of` as plain rows of REPORT_COLUMNS (no models, no profiles)."""
    return _REPORT_ROWS.rows(activity_id=activity.pk)


def report_totals(*, activity: Activity) -> dict[str, Any]:
    totals = DailyReport.objects.filter(activity=activity).aggregate(
        visitors=Sum("visitors"), leads=Sum("leads"), sales=Sum("sales")
    )
    return {
        "visitors": totals["visitors"] or 0,
        "leads": totals["leads"] or 0,
        "sales": totals["sales"] or Decimal("0.00"),
    }


def participants_of(*, activity: Activity) -> list[User]:
    """Who owes an individual summary: the support team, and the market's people who attended
    any of the activity's meetings."""
    team = [
        m.user
        for m in TeamMember.objects.filter(team__activity=activity).select_related("user__profile")
    ]
    attended = (
        User.objects.filter(
            meetings_attended__activity=activity,
            profile__market_id=activity.market_id,
            profile__role__in=list(MARKET_ROLES),
        )
        .select_related("profile")
        .distinct()
    )
    seen: dict[int, User] = {u.pk: u for u in team}
    for user in attended:
        seen.setdefault(user.pk, user)
    return sorted(seen.values(), key=lambda u: u.username)


@dataclass
class Summaries:
    activity: Summary | None
    individual: list[Summary]
    missing: list[User]


def summaries_of(*, activity: Activity) -> Summaries:
    rows = list(
        Summary.objects.filter(activity=activity)
        .select_related("author__profile")
        .order_by("kind", "created_at")
    )
    individual = [s for s in rows if s.kind == SummaryKind.INDIVIDUAL]
    written = {s.author_id for s in individual}
    return Summaries(
        activity=next((s for s in rows if s.kind == SummaryKind.ACTIVITY), None),
        individual=individual,
        missing=[u for u in participants_of(activity=activity) if u.pk not in written],
    )


def tasks_of(*, user: User) -> QuerySet[Task]:
    """ "My tasks": the briefing's tasks for the user or their office, of activities being
    prepared or on site."""
    profile = getattr(user, "profile", None)
    mine = Q(assignee=user)
    if profile is not None and profile.office_id:
        mine |= Q(office_id=profile.office_id)
    return (
        Task.objects.filter(mine, activity__status__in=[Status.APPROVED, Status.ON_SITE])
        .select_related("activity__market", "office", "assignee__profile", "meeting")
        .order_by("due_date", "id")
    )


def competitor_feed(
    *,
    user: User | AnonymousUser,
    market: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[DailyReport]:
    """Competitor moves from every daily report the user may see, newest first."""
    qs = (
        DailyReport.objects.filter(policies.activity_scope(user, via="activity__"))
        .exclude(competitors="")
        .select_related("activity__market")
        .order_by("-date", "-id")
    )
    if market:
        qs = qs.filter(activity__market__code=market)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs
