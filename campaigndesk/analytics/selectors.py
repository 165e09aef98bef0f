"""The analytics tables behind the charts, each scoped to what the reader may see.

Definitions (the metrics of each activity are the evaluation's, `evaluation.metrics`):
- an activity is in the period when it is finished (evaluated or archived, evaluation
  complete) and starts within the period;
- a market's ROI and cost per attendee are the **medians** over its activities in the period
  (as in the evaluation's comparison: one outlier does not carry a market), beside the totals;
- ROI over time: the median ROI of each market's activities starting in each month;
- attainment: actual / target per activity (`None` where no target was set);
- budget vs actual: the budget lines and the actual costs summed by category, of one activity
  or of every finished activity in the period;
- daily visitors: the day-by-day daily reports of one activity.

Each table loads its data in a fixed number of queries, whatever the number of activities.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import NotFound
from campaigndesk.evaluation.metrics import median_of
from campaigndesk.evaluation.models import Evaluation
from campaigndesk.evaluation.selectors import evaluation_on, finished_activities, metrics_of
from campaigndesk.exports.selectors import budget_beside_costs
from campaigndesk.exports.xlsx import Column
from campaigndesk.onsite.selectors import reports_of
from campaigndesk.org import policies
from campaigndesk.org.models import Market

AnyUser = AbstractBaseUser | AnonymousUser
ZERO = Decimal("0.00")
# Activities whose daily visitors can be shown: they have been on site.
REPORTED = (Status.ON_SITE, Status.WRAPPED_UP, Status.EVALUATED, Status.ARCHIVED)
CHARTS = ("roi-by-market", "roi-over-time", "attainment", "daily-visitors", "budget-vs-actual")


@dataclass(frozen=True)
class Filters:
    """What the page is asked for: the period (by start date), a market code (HQ only) and
    the activity of the per-activity charts."""

    date_from: date
    date_to: date
    market: str | None = None
    activity_id: int | None = None


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months: from the first day of the month 11 months ago until today."""
    index = today.year * 12 + today.month - 1 - 11
    return date(index // 12, index % 12 + 1, 1), today


@dataclass
class Table:
    """A chart's data table (what the page shows beside it and the .xlsx holds) and the
    chart drawn from it (for static/js/analytics.js)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    chart: dict[str, Any]
    totals: list[Any] | None = None
    subtitle: str = ""
    empty: str = field(default="")

    @property
    def data_id(self) -> str:
        """The id of the page element holding the chart's data."""
        return f"chart-data-{self.key}"

    @property
    def wide(self) -> bool:
        """Too many columns to sit beside the chart: the table goes under it."""
        return len(self.columns) > 5

    @property
    def cells(self) -> list[list[tuple[Any, str]]]:
        """Each row as (value, kind) pairs, for the page's table."""
        kinds = [c.kind for c in self.columns]
        return [list(zip(row, kinds, strict=True)) for row in self.rows]

    @property
    def total_cells(self) -> list[tuple[Any, str]]:
        if self.totals is None:
            return []
        return [
            (v, "text" if i == 0 else c.kind)
            for i, (v, c) in enumerate(zip(self.totals, self.columns, strict=True))
        ]

    @property
    def has_data(self) -> bool:
        return any(v is not None for s in self.chart["series"] for v in s["data"])


def _number(value: Decimal | int | str | None) -> str | None:
    """A chart value: a string, so no float ever rounds money (ECharts reads numbers in
    strings)."""
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _category_label(value: str) -> str:
    try:
        return str(BudgetCategory(value).label)
    except ValueError:
        return value


# --- loading ------------------------------------------------------------------------------------


def markets_for(*, user: AnyUser, filters: Filters) -> list[Market]:
    """The markets on the charts: those the user may see (one query)."""
    qs = Market.objects.filter(policies.market_scope(user)).order_by("code")
    if filters.market:
        qs = qs.filter(code=filters.market)
    return list(qs)


def finished_in(*, user: AnyUser, filters: Filters) -> list[Activity]:
    """The finished activities of the period the user may see, oldest first, with their
    market, evaluation, budget lines and costs (three queries)."""
    qs = finished_activities().filter(
        policies.activity_scope(user),
        start_date__gte=filters.date_from,
        start_date__lte=filters.date_to,
    )
    if filters.market:
        qs = qs.filter(market__code=filters.market)
    return list(qs.order_by("start_date", "id"))


def activity_choices(*, user: AnyUser, filters: Filters, limit: int = 200) -> list[Activity]:
    """Activities of the period that have been on site, newest first (one query)."""
    qs = Activity.objects.filter(
        policies.activity_scope(user),
        status__in=REPORTED,
        start_date__gte=filters.date_from,
        start_date__lte=filters.date_to,
    ).select_related("market")
    if filters.market:
        qs = qs.filter(market__code=filters.market)
    return list(qs.order_by("-start_date", "-id")[:limit])


def activity_for(*, user: AnyUser, activity_id: int) -> Activity:
    """One activity with its budget lines and evaluation costs (three queries); `NotFound`
    outside visibility."""
    activity = (
        Activity.objects.filter(policies.activity_scope(user), pk=activity_id)
        .select_related("market", "evaluation")
        .prefetch_related("budget_lines", "evaluation__costs")
        .first()
    )
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def _evaluation_or_none(activity: Activity) -> Evaluation | None:
    try:
        return evaluation_on(activity)
    except Evaluation.DoesNotExist:
        return None


# --- the tables ---------------------------------------------------------------------------------


def _metrics(activities: Iterable[Activity]) -> list[tuple[Activity, dict[str, Any]]]:
    return [(a, metrics_of(evaluation_on(a), a)) for a in activities]


def roi_by_market(activities: list[Activity], markets: list[Market]) -> Table:
    """Per market: activities, total cost, sales and attendance, and the median ROI and cost
    per attendee of its activities in the period."""
    measured = _metrics(activities)
    rows: list[list[Any]] = []
    for market in markets:
        own = [(a, m) for a, m in measured if a.market_id == market.pk]
        rows.append(
            [
                market.name,
                len(own),
                sum((Decimal(m["cost_total"]) for _a, m in own), ZERO),
                sum((evaluation_on(a).sales for a, _m in own), ZERO),
                sum(evaluation_on(a).attendance for a, _m in own),
                _decimal(median_of(m["roi"] for _a, m in own)),
                _decimal(median_of(m["cost_per_attendee"] for _a, m in own)),
            ]
        )
    return Table(
        key="roi-by-market",
        title=_("ROI and cost per attendee by market"),
        subtitle=_("Median over each market's finished activities of the period."),
        columns=[
            Column(_("Market")),
            Column(_("Activities"), "int"),
            Column(_("Total cost (¥)"), "money"),
            Column(_("Sales (¥)"), "money"),
            Column(_("Attendance"), "int"),
            Column(_("ROI (median)"), "ratio"),
            Column(_("Cost per attendee (median, ¥)"), "money"),
        ],
        rows=rows,
        chart={
            "kind": "bar",
            "labels": [r[0] for r in rows],
            "axes": [
                {"name": _("ROI"), "format": "percent"},
                {"name": _("Cost per attendee (¥)"), "format": "money"},
            ],
            "series": [
                {"name": _("ROI"), "type": "bar", "data": [_number(r[5]) for r in rows]},
                {
                    "name": _("Cost per attendee (¥)"),
                    "type": "bar",
                    "yAxisIndex": 1,
                    "data": [_number(r[6]) for r in rows],
                },
            ],
        },
        empty=_("No finished activity in this period."),
    )


def months_of(date_from: date, date_to: date) -> list[str]:
    """Every month of the period, "YYYY-MM"."""
    first = date_from.year * 12 + date_from.month - 1
    last = date_to.year * 12 + date_to.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, last + 1)]


def roi_over_time(activities: list[Activity], markets: list[Market], filters: Filters) -> Table:
    """For each month of the period, each market's median ROI of the activities starting
    then (empty where it had none)."""
    months = months_of(filters.date_from, filters.date_to)
    rois: dict[tuple[str, int], list[str | None]] = {}
    for activity, m in _metrics(activities):
        rois.setdefault((f"{activity.start_date:%Y-%m}", activity.market_id), []).append(m["roi"])
    grid = {
        (month, market.pk): _decimal(median_of(rois.get((month, market.pk), [])))
        for month in months
        for market in markets
    }
    return Table(
        key="roi-over-time",
        title=_("ROI over time"),
        subtitle=_("Median ROI of the activities starting in each month."),
        columns=[Column(_("Month"), "month"), *[Column(m.name, "ratio") for m in markets]],
        rows=[[month, *[grid[(month, m.pk)] for m in markets]] for month in months],
        chart={
            "kind": "line",
            "labels": months,
            "axes": [{"name": _("ROI"), "format": "percent"}],
            "series": [
                {
                    "name": market.name,
                    "type": "line",
                    "data": [_number(grid[(month, market.pk)]) for month in months],
                }
                for market in markets
            ],
        },
        empty=_("No finished activity in this period."),
    )


def attainment(activities: list[Activity]) -> Table:
    """Targets beside actuals of each finished activity, and their ratio."""
    rows: list[list[Any]] = []
    for activity, m in _metrics(activities):
        evaluation = evaluation_on(activity)
        rows.append(
            [
                activity.title,
                activity.market.name,
                activity.start_date,
                activity.target_attendance,
                evaluation.attendance,
                _decimal(m["attainment"]["attendance"]),
                activity.target_leads,
                evaluation.leads,
                _decimal(m["attainment"]["leads"]),
                activity.target_sales,
                evaluation.sales,
                _decimal(m["attainment"]["sales"]),
            ]
        )
    return Table(
        key="attainment",
        title=_("Targets vs actuals"),
        subtitle=_("Actual / target of each finished activity; the line marks 100 %."),
        columns=[
            Column(_("Activity"), wide=True),
            Column(_("Market")),
            Column(_("Start date"), "date"),
            Column(_("Target attendance"), "int"),
            Column(_("Attendance"), "int"),
            Column(_("Attendance attainment"), "ratio"),
            Column(_("Target leads"), "int"),
            Column(_("Leads"), "int"),
            Column(_("Leads attainment"), "ratio"),
            Column(_("Target sales (¥)"), "money"),
            Column(_("Sales (¥)"), "money"),
            Column(_("Sales attainment"), "ratio"),
        ],
        rows=rows,
        chart={
            "kind": "bar",
            "labels": [f"{r[0]} ({r[2]:%m-%d})" for r in rows],
            "axes": [{"name": _("Attainment"), "format": "percent"}],
            "series": [
                {"name": name, "type": "bar", "data": [_number(r[index]) for r in rows]}
                for name, index in (
                    (_("Attendance"), 5),
                    (_("Leads"), 8),
                    (_("Sales"), 11),
                )
            ],
            "markLine": {"name": _("Target"), "value": "1"},
        },
        empty=_("No finished activity in this period."),
    )


def daily_visitors(activity: Activity | None) -> Table:
    """Each day of the activity: visitors, leads and sales from its daily reports (a day
    without a report is empty), and the day's share of the attendance target."""
    rows: list[list[Any]] = []
    per_day: Decimal | None = None
    title = _("Daily visitors")
    if activity is not None:
        title = _("Daily visitors: %(title)s") % {"title": activity.title}
        by_day = {r.date: r for r in reports_of(activity=activity)}
        for n in range(activity.days):
            day = activity.start_date + timedelta(days=n)
            report = by_day.get(day)
            rows.append(
                [
                    day,
                    report.visitors if report else None,
                    report.leads if report else None,
                    report.sales if report else None,
                ]
            )
        if activity.target_attendance:
            per_day = (Decimal(activity.target_attendance) / activity.days).quantize(ZERO)
    reported = [r for r in rows if r[1] is not None]
    totals = (
        [
            _("Total"),
            sum(r[1] for r in reported),
            sum(r[2] for r in reported),
            sum((r[3] for r in reported), ZERO),
        ]
        if reported
        else None
    )
    return Table(
        key="daily-visitors",
        title=title,
        subtitle=_("From the activity's daily reports; the line marks the day's target."),
        columns=[
            Column(_("Date"), "date"),
            Column(_("Visitors"), "int"),
            Column(_("Leads"), "int"),
            Column(_("Sales (¥)"), "money"),
        ],
        rows=rows,
        totals=totals,
        chart={
            "kind": "bar",
            "labels": [f"{r[0]:%m-%d}" for r in rows],
            "axes": [{"name": _("People"), "format": "number"}],
            "series": [
                {"name": _("Visitors"), "type": "bar", "data": [r[1] for r in rows]},
                {"name": _("Leads"), "type": "bar", "data": [r[2] for r in rows]},
            ],
            "markLine": {"name": _("Daily visitor target"), "value": _number(per_day)}
            if per_day is not None
            else None,
        },
        empty=_("No daily report of an activity in this period."),
    )


def budget_vs_actual(activities: list[Activity], *, chosen: Activity | None = None) -> Table:
    """Budget and actual cost by category, of the chosen activity or of all the finished
    activities given."""
    scope = [chosen] if chosen is not None else activities
    evaluations = [e for e in map(_evaluation_or_none, scope) if e is not None]
    beside = budget_beside_costs(
        lines=((line.category, line.amount) for a in scope for line in a.budget_lines.all()),
        costs=((c.category, c.amount) for e in evaluations for c in e.costs.all()),
    )
    rows: list[list[Any]] = [
        [_category_label(c), budget, actual, actual - budget] for c, budget, actual in beside
    ]
    budget_total = sum((r[1] for r in rows), ZERO)
    actual_total = sum((r[2] for r in rows), ZERO)
    return Table(
        key="budget-vs-actual",
        title=_("Budget vs actual: %(title)s") % {"title": chosen.title}
        if chosen is not None
        else _("Budget vs actual"),
        subtitle=_("By category.")
        if chosen is not None
        else _("By category, over every finished activity of the period."),
        columns=[
            Column(_("Category")),
            Column(_("Budget (¥)"), "money"),
            Column(_("Actual (¥)"), "money"),
            Column(_("Variance (¥)"), "money"),
        ],
        rows=rows,
        totals=[_("Total"), budget_total, actual_total, actual_total - budget_total]
        if rows
        else None,
        chart={
            "kind": "bar",
            "labels": [r[0] for r in rows],
            "axes": [{"name": _("¥"), "format": "money"}],
            "series": [
                {"name": _("Budget"), "type": "bar", "data": [_number(r[1]) for r in rows]},
                {"name": _("Actual"), "type": "bar", "data": [_number(r[2]) for r in rows]},
            ],
        },
        empty=_("No budget or cost in this period."),
    )


# --- what a page or a download asks for ---------------------------------------------------------


@dataclass
class Analytics:
    tables: list[Table]
    choices: list[Activity]
    chosen: Activity | None


def analytics_for(*, user: AnyUser, filters: Filters, only: str | None = None) -> Analytics:
    """Every table (or `only` the one named), in a fixed number of queries: markets (1),
    finished activities with evaluations, budget lines and costs (3), the activities that
    have been on site (1), the chosen activity with its lines and costs (3) and its reports
    (1). `NotFound` when the chosen activity is not the user's to see."""
    needs_period = only in (None, "roi-by-market", "roi-over-time", "attainment")
    needs_choice = only in (None, "daily-visitors")
    needs_budget = only in (None, "budget-vs-actual")
    chosen = (
        activity_for(user=user, activity_id=filters.activity_id)
        if filters.activity_id is not None and (needs_choice or needs_budget)
        else None
    )
    activities: list[Activity] = []
    if needs_period or (needs_budget and chosen is None):
        activities = finished_in(user=user, filters=filters)
    markets = markets_for(user=user, filters=filters) if needs_period else []
    choices = activity_choices(user=user, filters=filters) if needs_choice else []
    shown = chosen
    if shown is None and choices:
        shown = choices[0]
    tables: list[Table] = []
    if only in (None, "roi-by-market"):
        tables.append(roi_by_market(activities, markets))
    if only in (None, "roi-over-time"):
        tables.append(roi_over_time(activities, markets, filters))
    if only in (None, "attainment"):
        tables.append(attainment(activities))
    if needs_choice:
        tables.append(daily_visitors(shown))
    if needs_budget:
        tables.append(budget_vs_actual(activities, chosen=chosen))
    return Analytics(tables=tables, choices=choices, chosen=chosen)
