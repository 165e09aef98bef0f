"""The HQ overview: every market's activities by stage, what is owed and by whom, what comes
next, per-market figures for a period, and the calendar. Each function issues a fixed number of
queries whatever the amount of data."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import get_language

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.core.audit import data_version
from campaigndesk.evaluation.models import Evaluation, EvaluationCost, Lesson, LessonAck
from campaigndesk.onsite.models import DailyReport, Summary, SummaryKind
from campaigndesk.org import policies
from campaigndesk.org.models import Market
from campaigndesk.org.roles import MARKET_ROLES
from campaigndesk.preparation.models import Material, MaterialStatus, TeamMember
from campaigndesk.reviews.models import ReviewRound

AnyUser = User | AnonymousUser

# The board's columns: the four stages of DOMAIN.md.
STAGES: list[tuple[str, list[str]]] = [
    (
        "review",
        [
            Status.DRAFT,
            Status.SUBMITTED,
            Status.IN_REVIEW,
            Status.REVISION_REQUESTED,
            Status.RESUBMITTED,
        ],
    ),
    ("preparation", [Status.APPROVED]),
    ("on_site", [Status.ON_SITE, Status.WRAPPED_UP]),
    ("hq_review", [Status.EVALUATED, Status.ARCHIVED]),
]
CARDS_PER_COLUMN = 12
# An activity's long texts, which no list here shows: left unread (`defer`).
HEAVY = ("sections", "staffing", "lead_time_exception_reason")


def _heavy(via: str) -> list[str]:
    return [f"{via}{name}" for name in HEAVY]


def board(*, user: AnyUser) -> list[dict[str, Any]]:
    """Each stage's count and its most urgent activities (soonest start first): 3 queries (the
    counts; the ids and statuses of the recent window; the cards shown, without their texts)."""
    scope = policies.activity_scope(user)
    counts = dict(
        Activity.objects.filter(scope).values_list("status").annotate(n=Count("id")).order_by()
    )
    recent = list(
        Activity.objects.filter(scope)
        .exclude(status__in=[Status.CANCELLED, Status.REJECTED])
        .filter(start_date__gte=timezone.localdate() - timedelta(days=120))
        .order_by("start_date", "id")
        .values_list("id", "status")[:400]
    )
    stage_ids = {
        key: [pk for pk, status in recent if status in statuses] for key, statuses in STAGES
    }
    shown = [pk for ids in stage_ids.values() for pk in ids[:CARDS_PER_COLUMN]]
    cards = Activity.objects.defer(*HEAVY).select_related("market").in_bulk(shown)
    columns = []
    for key, statuses in STAGES:
        ids = stage_ids[key]
        columns.append(
            {
                "key": key,
                "count": sum(counts.get(s, 0) for s in statuses),
                "cards": [cards[pk] for pk in ids[:CARDS_PER_COLUMN]],
                "more": max(len(ids) - CARDS_PER_COLUMN, 0),
            }
        )
    return columns


@dataclass
class Owed:
    """Something late, on which activity, owed by whom."""

    what: str
    activity: Activity
    who: list[str] = field(default_factory=list)
    since: date | None = None


def owed(*, user: AnyUser, today: date | None = None, now: datetime | None = None) -> list[Owed]:
    """Opinions owed after the meeting day, materials overdue, today's daily reports missing
    after 21:00, individual summaries missing three days after the end, lessons unacknowledged
    after seven days — bounded queries."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    scope = policies.activity_scope(user, via="activity__")
    rows: list[Owed] = []

    rounds = (
        ReviewRound.objects.filter(
            scope, activity__status=Status.IN_REVIEW, meeting_at__lt=now - timedelta(days=1)
        )
        .select_related("activity__market")
        .defer(*_heavy("activity__"))
        .prefetch_related("departments", "opinions")
        .order_by("meeting_at")[:100]
    )
    for r in rounds:
        given = {o.department_id for o in r.opinions.all()}
        missing = [d.label for d in r.departments.all() if d.pk not in given]
        if missing:
            rows.append(
                Owed("opinions", r.activity, missing, timezone.localtime(r.meeting_at).date())
            )

    for m in (
        Material.objects.filter(
            scope,
            status__in=[MaterialStatus.REQUESTED, MaterialStatus.PREPARING],
            due_date__lt=today,
            activity__status__in=[Status.APPROVED, Status.ON_SITE],
        )
        .select_related("activity__market", "owner_department")
        .defer(*_heavy("activity__"))
        .order_by("due_date")[:100]
    ):
        rows.append(
            Owed("material", m.activity, [f"{m.name} · {m.owner_department.label}"], m.due_date)
        )

    if timezone.localtime(now).time() >= time(21):
        reported = DailyReport.objects.filter(date=today).values("activity_id")
        for a in (
            Activity.objects.filter(
                policies.activity_scope(user),
                status=Status.ON_SITE,
                start_date__lte=today,
                end_date__gte=today,
            )
            .exclude(pk__in=reported)
            .defer(*HEAVY)
            .select_related("market")[:100]
        ):
            rows.append(Owed("daily_report", a, [], today))

    ended = list(
        Activity.objects.filter(
            policies.activity_scope(user),
            status__in=[Status.ON_SITE, Status.WRAPPED_UP],
            end_date__lte=today - timedelta(days=3),
        )
        .defer(*HEAVY)
        .select_related("market")[:50]
    )
    if ended:
        written = set(
            Summary.objects.filter(activity__in=ended, kind=SummaryKind.INDIVIDUAL).values_list(
                "activity_id", "author_id"
            )
        )
        team = defaultdict(set)
        for activity_id, user_id in TeamMember.objects.filter(team__activity__in=ended).values_list(
            "team__activity_id", "user_id"
        ):
            team[activity_id].add(user_id)
        for activity_id, user_id in User.objects.filter(
            meetings_attended__activity__in=ended, profile__role__in=list(MARKET_ROLES)
        ).values_list("meetings_attended__activity_id", "id"):
            team[activity_id].add(user_id)
        names = dict(
            User.objects.filter(pk__in={u for s in team.values() for u in s}).values_list(
                "id", "profile__display_name"
            )
        )
        for a in ended:
            missing = [names.get(u, "") for u in sorted(team[a.pk]) if (a.pk, u) not in written]
            if missing:
                rows.append(Owed("summaries", a, missing, a.end_date + timedelta(days=3)))

    lessons = list(
        Lesson.objects.filter(scope, created_at__lte=now - timedelta(days=7))
        .select_related("activity__market")
        .defer("text", "items", *_heavy("activity__"))[:50]
    )
    if lessons:
        acked = set(
            LessonAck.objects.filter(lesson__in=lessons).values_list("lesson_id", "user_id")
        )
        people = defaultdict(list)
        for market_id, user_id, name in User.objects.filter(
            is_active=True,
            profile__role__in=list(MARKET_ROLES),
            profile__market_id__in={lesson.activity.market_id for lesson in lessons},
        ).values_list("profile__market_id", "id", "profile__display_name"):
            people[market_id].append((user_id, name))
        for lesson in lessons:
            pending = [
                n for u, n in people[lesson.activity.market_id] if (lesson.pk, u) not in acked
            ]
            if pending:
                rows.append(
                    Owed(
                        "acknowledgements",
                        lesson.activity,
                        pending,
                        timezone.localtime(lesson.created_at).date() + timedelta(days=7),
                    )
                )
    return rows


def upcoming(*, user: AnyUser, days: int = 45) -> list[Activity]:
    today = timezone.localdate()
    return list(
        Activity.objects.filter(
            policies.activity_scope(user),
            start_date__gte=today,
            start_date__lte=today + timedelta(days=days),
        )
        .exclude(status__in=[Status.CANCELLED, Status.REJECTED])
        .defer(*HEAVY)
        .select_related("market")
        .order_by("start_date", "id")[:30]
    )


def overview_key(*, user: AnyUser, start: date, end: date) -> tuple[str, bool]:
    """The overview's cache key, and whether a body computed now may be kept under it. What the
    overview shows depends on the user's scope only (the filter itself is in the key, so a
    changed role or market is a new key at once), on the language, the period and the day (and
    whether it is past 21:00), and on the data: every write leaves an audit row, so the newest
    audit id changes with every write (one query; a body is kept only when no other write was
    in progress: `core.audit.data_version`). What is late by the clock is at most the cache's
    seconds late."""
    now = timezone.now()
    version = data_version()
    parts = [
        str(policies.activity_scope(user)),
        get_language() or "",
        start.isoformat(),
        end.isoformat(),
        timezone.localdate(now).isoformat(),
        str(timezone.localtime(now).time() >= time(21)),
        str(version.latest),
    ]
    key = "overview:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    return key, version.settled


def _ratio(numerator: Decimal, denominator: Decimal) -> str | None:
    if not denominator:
        return None
    return str((numerator / denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def market_figures(*, user: AnyUser, start: date, end: date) -> list[dict[str, Any]]:
    """Per market, for activities starting in [start, end]: how many, and for the evaluated
    ones the pooled ROI ((Σ sales − Σ cost) / Σ cost), cost per attendee (Σ cost / Σ
    attendance) and attainment (Σ actual / Σ target). Four queries."""
    markets = list(Market.objects.filter(policies.market_scope(user)).order_by("code"))
    in_period = Activity.objects.filter(
        policies.activity_scope(user), start_date__gte=start, start_date__lte=end
    )
    counts = dict(
        in_period.exclude(status__in=[Status.CANCELLED, Status.REJECTED, Status.DRAFT])
        .values_list("market_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    evaluated = in_period.filter(evaluation__completed_at__isnull=False)
    rows = (
        Evaluation.objects.filter(activity__in=evaluated)
        .values("activity__market_id")
        .annotate(
            sales=Sum("sales"),
            attendance=Sum("attendance"),
            leads=Sum("leads"),
            n=Count("id"),
            t_att=Sum("activity__target_attendance"),
            t_leads=Sum("activity__target_leads"),
            t_sales=Sum("activity__target_sales"),
        )
        .order_by()
    )
    sums = {row["activity__market_id"]: row for row in rows}
    costs = dict(
        EvaluationCost.objects.filter(evaluation__activity__in=evaluated)
        .values_list("evaluation__activity__market_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    figures = []
    for market in markets:
        s = sums.get(market.pk)
        cost = Decimal(costs.get(market.pk) or 0)
        sales = Decimal(s["sales"] or 0) if s else Decimal(0)
        figures.append(
            {
                "market": market,
                "activities": counts.get(market.pk, 0),
                "evaluated": s["n"] if s else 0,
                "cost": cost,
                "sales": sales,
                "roi": _ratio(sales - cost, cost) if s else None,
                "cost_per_attendee": (
                    str(
                        (cost / Decimal(s["attendance"])).quantize(
                            Decimal("0.01"), rounding=ROUND_HALF_UP
                        )
                    )
                    if s and s["attendance"]
                    else None
                ),
                "attainment_attendance": _ratio(
                    Decimal(s["attendance"] or 0), Decimal(s["t_att"] or 0)
                )
                if s
                else None,
                "attainment_sales": _ratio(sales, Decimal(s["t_sales"] or 0)) if s else None,
            }
        )
    return figures


def calendar_activities(*, user: AnyUser, start: date, end: date) -> list[Activity]:
    return list(
        Activity.objects.filter(
            policies.activity_scope(user), start_date__lte=end, end_date__gte=start
        )
        .exclude(status__in=[Status.CANCELLED, Status.REJECTED, Status.DRAFT])
        .select_related("market")
        .order_by("start_date", "id")[:500]
    )


def deployments(*, user: AnyUser, start: date, end: date) -> dict[User, list[TeamMember]]:
    """Each support member's published windows touching [start, end], by person (HQ only sees
    everyone; a market's people see the deployments to their market)."""
    window_start = timezone.make_aware(datetime.combine(start, time.min))
    window_end = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    rows = (
        TeamMember.objects.filter(
            policies.activity_scope(user, via="team__activity__"),
            team__published_at__isnull=False,
            depart_at__lt=window_end,
            return_at__gt=window_start,
        )
        .exclude(team__activity__status__in=[Status.CANCELLED, Status.REJECTED])
        .select_related("user__profile", "team__activity__market")
        .order_by("user__username", "depart_at")[:1000]
    )
    people: dict[User, list[TeamMember]] = {}
    for member in rows:
        people.setdefault(member.user, []).append(member)
    return people
