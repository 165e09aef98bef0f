"""Reads of the money side: a market's budget for a year rolled up from its activities, and the
cap/budget check of one proposal.

Every activity counts in the year (and quarter) of its start date — a calendar date, already
local (Asia/Shanghai). Its budget lines count as *planned* while the proposal is submitted and
under review, as *committed* once approved until the on-site wrap-up, and its evaluation's
actual cost lines as *actual* once evaluated. Drafts, rejected and cancelled count nothing.
`remaining` = total − committed − actual; planned is pending pressure shown beside it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Sum
from django.utils import timezone

from campaigndesk.activities.models import Activity, BudgetCategory, BudgetLine
from campaigndesk.activities.workflow import Status
from campaigndesk.evaluation.models import EvaluationCost
from campaigndesk.finance.models import BudgetCap, FinanceSignoff, MarketBudget
from campaigndesk.org import policies
from campaigndesk.org.models import Department, Market
from campaigndesk.org.roles import Role
from campaigndesk.org.selectors import delegation_acting_for

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
FINANCE = "finance"

PLANNED = frozenset(
    {Status.SUBMITTED, Status.IN_REVIEW, Status.REVISION_REQUESTED, Status.RESUBMITTED}
)
COMMITTED = frozenset({Status.APPROVED, Status.ON_SITE, Status.WRAPPED_UP})
ACTUAL = frozenset({Status.EVALUATED, Status.ARCHIVED})
# A sign-off is given while the proposal is with HQ: submitted and not yet decided.
UNDER_REVIEW = PLANNED
COLUMNS = ("planned", "committed", "actual")


def column_of(status: str) -> str | None:
    if status in PLANNED:
        return "planned"
    if status in COMMITTED:
        return "committed"
    if status in ACTUAL:
        return "actual"
    return None


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


# --- roll-up ------------------------------------------------------------------------------------


@dataclass
class Counted:
    """One activity in one column of the roll-up, with its amount by category."""

    activity_id: int
    market_id: int
    title: str
    status: str
    start_date: date
    column: str
    by_category: dict[str, Decimal] = field(default_factory=dict)

    @property
    def amount(self) -> Decimal:
        return sum(self.by_category.values(), ZERO)

    @property
    def quarter(self) -> int:
        return quarter_of(self.start_date)


@dataclass
class CategoryFigures:
    category: str
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO
    soft: Decimal | None = None
    hard: Decimal | None = None

    @property
    def label(self) -> str:
        return str(BudgetCategory(self.category).label)


@dataclass
class Figures:
    """Planned, committed and actual of a set of counted activities, against `total`."""

    total: Decimal | None
    planned: Decimal = ZERO
    committed: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def remaining(self) -> Decimal | None:
        if self.total is None:
            return None
        return self.total - self.committed - self.actual

    @property
    def remaining_after_pending(self) -> Decimal | None:
        remaining = self.remaining
        return None if remaining is None else remaining - self.planned

    @property
    def used_percent(self) -> int | None:
        """Committed and actual as a share of the total, for the progress bar (0–100)."""
        if not self.total:
            return None
        return min(100, int((self.committed + self.actual) * 100 / self.total))


@dataclass
class Rollup(Figures):
    market: Market | None = None
    year: int = 0
    budget: MarketBudget | None = None
    by_category: list[CategoryFigures] = field(default_factory=list)
    quarters: list[Figures] = field(default_factory=list)
    counted: list[Counted] = field(default_factory=list)

    def column(self, name: str) -> list[Counted]:
        return [c for c in self.counted if c.column == name]

    @property
    def planned_activities(self) -> list[Counted]:
        return self.column("planned")

    @property
    def committed_activities(self) -> list[Counted]:
        return self.column("committed")

    @property
    def actual_activities(self) -> list[Counted]:
        return self.column("actual")


def counted_activities(
    *, market_ids: list[int] | None, year: int, exclude_activity_id: int | None = None
) -> list[Counted]:
    """Every counted activity of the markets (all when `None`) starting in `year`, with its
    amounts by category. Two queries: the budget lines of the planned and committed ones, the
    actual costs of the evaluated ones — however many activities there are."""
    base: dict[str, Any] = {"activity__start_date__year": year}
    if market_ids is not None:
        base["activity__market_id__in"] = market_ids
    fields = ("id", "market_id", "title", "status", "start_date")
    found: dict[int, Counted] = {}

    def add(row: dict[str, Any], prefix: str) -> None:
        activity_id = row[f"{prefix}id"]
        if activity_id == exclude_activity_id:
            return
        status = row[f"{prefix}status"]
        column = column_of(status)
        if column is None:  # pragma: no cover - filtered in the query
            return
        counted = found.get(activity_id)
        if counted is None:
            counted = found[activity_id] = Counted(
                activity_id=activity_id,
                market_id=row[f"{prefix}market_id"],
                title=row[f"{prefix}title"],
                status=status,
                start_date=row[f"{prefix}start_date"],
                column=column,
            )
        category = row["category"]
        amount = Decimal(row["amount"] or 0).quantize(CENT)
        counted.by_category[category] = counted.by_category.get(category, ZERO) + amount

    lines = (
        BudgetLine.objects.filter(activity__status__in=PLANNED | COMMITTED, **base)
        .values(*(f"activity__{f}" for f in fields), "category")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    for row in lines:
        add(row, "activity__")
    costs = (
        EvaluationCost.objects.filter(
            evaluation__activity__status__in=ACTUAL,
            **{f"evaluation__{k}": v for k, v in base.items()},
        )
        .values(*(f"evaluation__activity__{f}" for f in fields), "category")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    for row in costs:
        add(row, "evaluation__activity__")
    return sorted(found.values(), key=lambda c: (c.start_date, c.activity_id))


def rollup_of(
    *,
    counted: list[Counted],
    budget: MarketBudget | None,
    caps: list[BudgetCap] | None = None,
    market: Market | None = None,
    year: int = 0,
) -> Rollup:
    """Adds up counted activities: the top-level figures are the sums of the categories', so
    they agree to the cent."""
    rollup = Rollup(
        total=budget.total if budget is not None else None,
        market=market,
        year=year,
        budget=budget,
        counted=counted,
    )
    categories: dict[str, CategoryFigures] = {}
    for cap in caps or []:
        categories[cap.category] = CategoryFigures(cap.category, soft=cap.soft, hard=cap.hard)
    quarter_totals = budget.quarters if budget is not None else None
    rollup.quarters = [
        Figures(total=quarter_totals[q] if quarter_totals else None) for q in range(4)
    ]
    for item in counted:
        quarter = rollup.quarters[item.quarter - 1]
        for category, amount in item.by_category.items():
            figures = categories.setdefault(category, CategoryFigures(category))
            setattr(figures, item.column, getattr(figures, item.column) + amount)
            setattr(quarter, item.column, getattr(quarter, item.column) + amount)
    order = {value: index for index, value in enumerate(BudgetCategory.values)}
    rollup.by_category = sorted(categories.values(), key=lambda f: order.get(f.category, 99))
    for name in COLUMNS:
        setattr(rollup, name, sum((getattr(f, name) for f in rollup.by_category), ZERO))
    return rollup


def market_for(*, user: User, code: str) -> Market | None:
    """The market, if `user` may see it (a market's people see only their own)."""
    return Market.objects.filter(policies.market_scope(user), code=code).first()


def market_rollup(*, market: Market, year: int) -> Rollup:
    """One market's year. Four queries: budget, caps, budget lines, costs."""
    budget = MarketBudget.objects.filter(market=market, year=year).first()
    caps = list(BudgetCap.objects.filter(budget=budget)) if budget is not None else []
    counted = counted_activities(market_ids=[market.pk], year=year)
    return rollup_of(counted=counted, budget=budget, caps=caps, market=market, year=year)


def markets_overview(*, user: User, year: int) -> list[Rollup]:
    """Every market the user sees, for one year. Four queries, however many markets."""
    markets = list(Market.objects.filter(policies.market_scope(user)).order_by("code"))
    budgets = {b.market_id: b for b in MarketBudget.objects.filter(market__in=markets, year=year)}
    caps: dict[int, list[BudgetCap]] = {}
    for cap in BudgetCap.objects.filter(budget__in=budgets.values()):
        caps.setdefault(cap.budget_id, []).append(cap)
    counted = counted_activities(market_ids=[m.pk for m in markets], year=year)
    result = []
    for market in markets:
        budget = budgets.get(market.pk)
        result.append(
            rollup_of(
                counted=[c for c in counted if c.market_id == market.pk],
                budget=budget,
                caps=caps.get(budget.pk, []) if budget is not None else [],
                market=market,
                year=year,
            )
        )
    return result


def current_year() -> int:
    return timezone.localdate().year


# --- one proposal against its caps and its market's budget ---------------------------------------


@dataclass
class CapBreach:
    kind: str  # "hard_cap" | "soft_cap"
    category: str
    cap: Decimal
    amount: Decimal

    @property
    def excess(self) -> Decimal:
        return self.amount - self.cap

    @property
    def label(self) -> str:
        return str(BudgetCategory(self.category).label)

    def as_details(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "category": self.category,
            "cap": str(self.cap),
            "amount": str(self.amount),
            "excess": str(self.excess),
        }


@dataclass
class BudgetBreach:
    year: int
    quarter: int | None
    remaining: Decimal
    amount: Decimal

    @property
    def excess(self) -> Decimal:
        return self.amount - self.remaining

    def as_details(self) -> dict[str, Any]:
        return {
            "kind": "budget",
            "year": self.year,
            "quarter": self.quarter,
            "remaining": str(self.remaining),
            "amount": str(self.amount),
            "excess": str(self.excess),
        }


@dataclass
class BudgetCheck:
    """Where one proposal stands: `uncapped` (no budget for its year), `ok`, `soft` (a soft cap
    passed, no valid sign-off), `signed` (passed, signed off) or `blocked`."""

    year: int
    quarter: int
    budget: MarketBudget | None
    amounts: dict[str, Decimal]
    hard: list[CapBreach] = field(default_factory=list)
    soft: list[CapBreach] = field(default_factory=list)
    over_budget: list[BudgetBreach] = field(default_factory=list)
    remaining: Decimal | None = None
    quarter_remaining: Decimal | None = None
    signoff: FinanceSignoff | None = None
    stale_signoff: FinanceSignoff | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    @property
    def state(self) -> str:
        if self.hard or self.over_budget:
            return "blocked"
        if self.soft:
            return "signed" if self.signoff is not None else "soft"
        return "ok" if self.budget is not None else "uncapped"


def amounts_by_category(lines: list[BudgetLine]) -> dict[str, Decimal]:
    amounts: dict[str, Decimal] = {}
    for line in lines:
        amounts[line.category] = amounts.get(line.category, ZERO) + Decimal(line.amount)
    return {k: v.quantize(CENT) for k, v in amounts.items()}


def budget_fingerprint(amounts: dict[str, Decimal]) -> str:
    """The budget a sign-off covers: its amounts by category, whatever the lines' wording."""
    canonical = json.dumps(
        {k: str(v.quantize(CENT)) for k, v in sorted(amounts.items()) if v}, sort_keys=True
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def budget_check(
    *,
    activity: Activity,
    lines: list[BudgetLine] | None = None,
    lock: bool = False,
) -> BudgetCheck:
    """The proposal's budget against its market's caps and remaining budget (the year's and,
    when quarters are set, its quarter's), excluding what the proposal itself already counts.
    `lock`: the market's budget row is locked (inside the caller's transaction) so that two
    approvals of one market and year are checked one after the other. Six queries at most."""
    year = activity.start_date.year
    quarter = quarter_of(activity.start_date)
    if lines is None:
        lines = list(activity.budget_lines.all())
    amounts = amounts_by_category(lines)
    budgets = MarketBudget.objects.filter(market_id=activity.market_id, year=year)
    if lock:
        budgets = budgets.select_for_update()
    budget = budgets.first()
    check = BudgetCheck(year=year, quarter=quarter, budget=budget, amounts=amounts)
    fingerprint = budget_fingerprint(amounts)
    signoffs = list(
        FinanceSignoff.objects.filter(activity=activity).select_related(
            "signed_by__profile", "on_behalf_of__profile"
        )
    )
    for signoff in signoffs:  # newest first
        if signoff.fingerprint == fingerprint:
            check.signoff = signoff
            break
    if check.signoff is None and signoffs:
        check.stale_signoff = signoffs[0]
    if budget is None:
        return check
    for cap in BudgetCap.objects.filter(budget=budget):
        amount = amounts.get(cap.category, ZERO)
        if cap.hard is not None and amount > cap.hard:
            check.hard.append(CapBreach("hard_cap", cap.category, cap.hard, amount))
        elif cap.soft is not None and amount > cap.soft:
            check.soft.append(CapBreach("soft_cap", cap.category, cap.soft, amount))
    counted = counted_activities(
        market_ids=[activity.market_id], year=year, exclude_activity_id=activity.pk
    )
    rollup = rollup_of(counted=counted, budget=budget)
    check.remaining = rollup.remaining
    if check.remaining is not None and check.total > check.remaining:
        check.over_budget.append(BudgetBreach(year, None, check.remaining, check.total))
    quarter_figures = rollup.quarters[quarter - 1]
    check.quarter_remaining = quarter_figures.remaining
    if check.quarter_remaining is not None and check.total > check.quarter_remaining:
        check.over_budget.append(BudgetBreach(year, quarter, check.quarter_remaining, check.total))
    return check


# --- who acts for finance -----------------------------------------------------------------------


def finance_department() -> Department | None:
    return Department.objects.filter(code=FINANCE).first()


def is_finance_reviewer(user: User) -> bool:
    return policies.is_reviewer_of(user, FINANCE)


def finance_acting_for(user: User) -> tuple[bool, User | None]:
    """(may act as finance, the absent finance reviewer acted for): a delegate of a finance
    reviewer acts on their behalf (as opinions do), a finance reviewer in their own name."""
    if not user.is_authenticated:
        return False, None
    department = finance_department()
    delegation = (
        delegation_acting_for(delegate=user, department_id=department.pk, on=timezone.localdate())
        if department is not None
        else None
    )
    if delegation is not None:
        return True, delegation.delegator
    return is_finance_reviewer(user), None


def may_set_budget(user: User) -> bool:
    return policies.role_of(user) == Role.ADMIN or is_finance_reviewer(user)


@dataclass
class Waiting:
    """A proposal with HQ over a soft cap and no sign-off of its current budget."""

    activity: Activity
    breaches: list[CapBreach]
    stale: bool  # finance signed an earlier budget


def signoffs_waiting(*, user: User) -> list[Waiting]:
    """What finance has to look at: every proposal with HQ (that the user sees) whose budget
    passes a soft cap without a sign-off of that budget. Five queries, however many proposals:
    activities with their markets, their budget lines, the budgets, their caps, sign-offs."""
    activities = list(
        Activity.objects.filter(policies.activity_scope(user), status__in=UNDER_REVIEW)
        .select_related("market")
        .order_by("start_date", "id")
    )
    if not activities:
        return []
    lines: dict[int, list[BudgetLine]] = {}
    for line in BudgetLine.objects.filter(activity__in=activities):
        lines.setdefault(line.activity_id, []).append(line)
    years = {a.start_date.year for a in activities}
    budgets = {
        (b.market_id, b.year): b
        for b in MarketBudget.objects.filter(
            market_id__in={a.market_id for a in activities}, year__in=years
        )
    }
    caps: dict[int, list[BudgetCap]] = {}
    for cap in BudgetCap.objects.filter(budget__in=budgets.values(), soft__isnull=False):
        caps.setdefault(cap.budget_id, []).append(cap)
    signed: dict[int, set[str]] = {}
    for activity_id, fingerprint in FinanceSignoff.objects.filter(
        activity__in=activities
    ).values_list("activity_id", "fingerprint"):
        signed.setdefault(activity_id, set()).add(fingerprint)
    waiting = []
    for activity in activities:
        budget = budgets.get((activity.market_id, activity.start_date.year))
        if budget is None:
            continue
        amounts = amounts_by_category(lines.get(activity.pk, []))
        breaches = []
        for cap in caps.get(budget.pk, []):
            amount = amounts.get(cap.category, ZERO)
            over_hard = cap.hard is not None and amount > cap.hard  # blocked: no sign-off helps
            if cap.soft is not None and amount > cap.soft and not over_hard:
                breaches.append(CapBreach("soft_cap", cap.category, cap.soft, amount))
        if not breaches or budget_fingerprint(amounts) in signed.get(activity.pk, set()):
            continue
        waiting.append(Waiting(activity, breaches, stale=activity.pk in signed))
    return waiting
