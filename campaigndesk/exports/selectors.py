"""Reads behind the exports, each scoped to what the reader may see: the proposal with its
review, an activity's daily reports and evaluation, a period's reports across markets, and the
reader's own export jobs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from campaigndesk.activities.models import Activity, BudgetCategory, BudgetLine, TemplateSection
from campaigndesk.activities.selectors import activity_get
from campaigndesk.core.errors import NotFound
from campaigndesk.evaluation.models import Evaluation
from campaigndesk.evaluation.selectors import evaluation_of
from campaigndesk.exports.models import ExportJob
from campaigndesk.onsite.models import DailyReport
from campaigndesk.org import policies
from campaigndesk.org.selectors import display_names
from campaigndesk.reviews.models import ReviewRound
from campaigndesk.reviews.selectors import rounds_for_activity

AnyUser = AbstractBaseUser | AnonymousUser
ZERO = Decimal("0.00")


@dataclass
class ProposalRecord:
    """Everything the proposal document shows."""

    activity: Activity
    sections: list[TemplateSection]
    budget: list[BudgetLine]
    staffing: list[dict[str, str]]
    rounds: list[ReviewRound]


def proposal_of(*, user: AnyUser, activity_id: int) -> ProposalRecord:
    """The proposal as it stands, with every review round; `NotFound` outside visibility."""
    activity = activity_get(user=user, activity_id=activity_id)
    staffing = [p for p in activity.staffing if isinstance(p, dict)]
    names = display_names([p["username"] for p in staffing if p.get("username")])
    return ProposalRecord(
        activity=activity,
        sections=list(activity.template.sections.all()),
        budget=list(activity.budget_lines.all()),
        staffing=[
            {
                "name": names.get(p.get("username", ""), "")
                or p.get("name")
                or p.get("username", ""),
                "role": p.get("role", ""),
                "duty": p.get("duty", ""),
            }
            for p in staffing
        ],
        rounds=list(rounds_for_activity(activity=activity)),
    )


def evaluation_for(*, user: AnyUser, activity_id: int) -> tuple[Activity, Evaluation]:
    """The activity and its evaluation (costs prefetched); `NotFound` when there is none yet."""
    activity = activity_get(user=user, activity_id=activity_id)
    evaluation = evaluation_of(activity=activity)
    if evaluation is None:
        raise NotFound(_("This activity has no evaluation yet."))
    return activity, evaluation


def budget_beside_costs(
    *, lines: Iterable[tuple[str, Decimal]], costs: Iterable[tuple[str, Decimal]]
) -> list[tuple[str, Decimal, Decimal]]:
    """(category, budget, actual) of every category that has either, budget and actual each
    summed, in the order of the budget categories."""
    budget: dict[str, Decimal] = {}
    actual: dict[str, Decimal] = {}
    for sums, pairs in ((budget, lines), (actual, costs)):
        for category, amount in pairs:
            sums[category] = sums.get(category, ZERO) + amount
    categories = [c for c in BudgetCategory.values if c in budget or c in actual]
    categories += sorted(c for c in {*budget, *actual} if c not in categories)
    return [(c, budget.get(c, ZERO), actual.get(c, ZERO)) for c in categories]


def market_reports_for(
    *, user: AnyUser, date_from: date, date_to: date, market: str | None = None
) -> QuerySet[DailyReport]:
    """The daily reports of the period (by report date) of every activity `user` may see,
    by market, activity and date."""
    qs = (
        DailyReport.objects.filter(
            policies.activity_scope(user, via="activity__"),
            date__gte=date_from,
            date__lte=date_to,
        )
        .select_related("activity__market", "reported_by__profile")
        .order_by("activity__market__code", "activity__start_date", "activity_id", "date")
    )
    if market:
        qs = qs.filter(activity__market__code=market)
    return qs


def jobs_for(*, user: AnyUser, limit: int = 50) -> list[ExportJob]:
    """The user's own export jobs, newest first."""
    if not user.is_authenticated:
        return []
    return list(ExportJob.objects.filter(user_id=user.pk)[:limit])


def job_get(*, user: AnyUser, job_id: int) -> ExportJob:
    """One of the user's jobs; someone else's job does not exist for them (`NotFound`)."""
    job = (
        ExportJob.objects.filter(pk=job_id, user_id=user.pk).first()
        if user.is_authenticated
        else None
    )
    if job is None:
        raise NotFound(_("No such export."))
    return job


def job_filename(job: ExportJob) -> str:
    """What the downloaded file is called: the kind, the market and the period."""
    params: dict[str, Any] = job.params or {}
    market = f"-{params['market']}" if params.get("market") else ""
    return f"daily-reports{market}-{params.get('date_from')}-{params.get('date_to')}.xlsx"
