"""Reads of stage 4: metrics, comparisons, the reference pack, lessons' acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet, prefetch_related_objects

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.evaluation import metrics
from campaigndesk.evaluation.models import Evaluation, Lesson
from campaigndesk.onsite.models import Summary, SummaryKind
from campaigndesk.org.roles import MARKET_ROLES

FINISHED = (Status.EVALUATED, Status.ARCHIVED)


def evaluation_of(*, activity: Activity) -> Evaluation | None:
    return (
        Evaluation.objects.filter(activity=activity)
        .select_related("completed_by__profile")
        .prefetch_related("costs")
        .first()
    )


def evaluation_on(activity: Activity) -> Evaluation:
    """The activity's evaluation, through the reverse one-to-one (selected with it)."""
    return activity.evaluation  # type: ignore[attr-defined, no-any-return]


def metrics_of(evaluation: Evaluation, activity: Activity) -> dict[str, Any]:
    """The contract's metrics of a (prefetched) evaluation."""
    return metrics.compute(
        costs=[c.amount for c in evaluation.costs.all()],
        budget_total=activity.budget_total,
        sales=evaluation.sales,
        attendance=evaluation.attendance,
        leads=evaluation.leads,
        targets=activity.targets,
    )


def finished_activities(*, market_id: int | None = None) -> QuerySet[Activity]:
    """Evaluated or archived activities, with what their metrics and summaries need."""
    qs = (
        Activity.objects.filter(status__in=FINISHED, evaluation__completed_at__isnull=False)
        .select_related("market", "evaluation")
        .prefetch_related("budget_lines", "evaluation__costs")
        .order_by("-start_date", "-id")
    )
    return qs.filter(market_id=market_id) if market_id is not None else qs


@dataclass
class Comparison:
    previous: list[tuple[Activity, dict[str, Any]]]
    median: dict[str, str | None]


def comparison_for(*, activity: Activity, limit: int = 5) -> Comparison:
    """This market's previous finished activities and the all-market median of each metric."""
    everyone = [(a, metrics_of(evaluation_on(a), a)) for a in finished_activities()[:500]]
    previous = [
        (a, m)
        for a, m in everyone
        if a.market_id == activity.market_id
        and a.pk != activity.pk
        and a.start_date < activity.start_date
    ][:limit]
    keys = ("roi", "cost_per_attendee", "budget_variance")
    median = {k: metrics.median_of(m[k] for _a, m in everyone) for k in keys}
    for target in ("attendance", "leads", "sales"):
        median[f"attainment.{target}"] = metrics.median_of(
            m["attainment"][target] for _a, m in everyone
        )
    return Comparison(previous=previous, median=median)


def _shift_month(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + (day.month - 1) + months
    return index // 12, index % 12 + 1


def reference_pack(*, activity: Activity) -> dict[str, Any]:
    """`previous`: the market's most recent evaluated or archived activity starting before this
    one; `same_period_last_year`: its evaluated or archived activity starting in the previous
    year within one calendar month of this one's start month. Each with the strengths and
    weaknesses of its activity summary and its evaluation's metrics."""
    # The two picks are read without their prefetches, which are then run once for both (5
    # queries instead of 7).
    candidates = (
        finished_activities(market_id=activity.market_id)
        .exclude(pk=activity.pk)
        .prefetch_related(None)
    )
    previous = candidates.filter(start_date__lt=activity.start_date).first()
    months = [_shift_month(activity.start_date, offset) for offset in (-13, -12, -11)]
    last_year = activity.start_date.year - 1
    window = Q()
    for year, month in months:
        if year == last_year:
            # A range (not __year/__month), so the (market, status, start_date) index serves.
            following = date(year + month // 12, month % 12 + 1, 1)
            window |= Q(start_date__gte=date(year, month, 1), start_date__lt=following)
    same_period = candidates.filter(window).first() if window else None
    found = [a for a in (previous, same_period) if a is not None]
    prefetch_related_objects(found, "budget_lines", "evaluation__costs")
    summaries = {
        s.activity_id: s
        for s in Summary.objects.filter(activity__in=found, kind=SummaryKind.ACTIVITY)
    }

    def entry(other: Activity | None) -> dict[str, Any] | None:
        if other is None:
            return None
        summary = summaries.get(other.pk)
        return {
            "activity_id": other.pk,
            "title": other.title,
            "start_date": other.start_date,
            "strengths": summary.strengths if summary else "",
            "weaknesses": summary.weaknesses if summary else "",
            "metrics": metrics_of(evaluation_on(other), other),
        }

    return {"previous": entry(previous), "same_period_last_year": entry(same_period)}


@dataclass
class LessonStatus:
    lesson: Lesson
    acknowledged: list[User]
    pending: list[User]


def lesson_status(*, activity: Activity) -> LessonStatus | None:
    lesson = Lesson.objects.filter(activity=activity).first()
    if lesson is None:
        return None
    acked = {a.user_id: a for a in lesson.acks.select_related("user__profile")}
    people = list(
        User.objects.filter(
            is_active=True,
            profile__market_id=activity.market_id,
            profile__role__in=list(MARKET_ROLES),
        )
        .select_related("profile")
        .order_by("username")
    )
    return LessonStatus(
        lesson=lesson,
        acknowledged=[u for u in people if u.pk in acked],
        pending=[u for u in people if u.pk not in acked],
    )
