"""The .xlsx exports: an activity's daily reports, its evaluation, and a period's daily reports
across the markets a person may see (written row by row, reporting its progress)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.evaluation.models import Evaluation
from campaigndesk.evaluation.selectors import metrics_of
from campaigndesk.exports.selectors import budget_beside_costs
from campaigndesk.exports.xlsx import Column, cell, new_workbook, save, sheet_title, table_sheet
from campaigndesk.onsite.models import DailyReport

ZERO = Decimal("0.00")


def _report_columns() -> list[Column]:
    return [
        Column(_("Date"), "date"),
        Column(_("Visitors"), "int"),
        Column(_("Leads"), "int"),
        Column(_("Sales (¥)"), "money"),
        Column(_("Progress against the day's plan"), wide=True),
        Column(_("Public relations"), wide=True),
        Column(_("Competitor moves"), wide=True),
        Column(_("Issues"), wide=True),
        Column(_("Reported by")),
    ]


def _report_row(report: DailyReport) -> list[Any]:
    who = report.reported_by
    profile = getattr(who, "profile", None)
    return [
        report.date,
        report.visitors,
        report.leads,
        report.sales,
        report.progress,
        report.public_relations,
        report.competitors,
        report.issues,
        (profile.display_name if profile else "") or who.username,
    ]


def daily_reports_xlsx(reports: Iterable[DailyReport], totals: dict[str, Any]) -> bytes:
    """One row per day with every field, then the totals of visitors, leads and sales."""
    workbook = new_workbook()
    table_sheet(
        workbook,
        _("Daily reports"),
        _report_columns(),
        (_report_row(r) for r in reports),
        totals=[
            _("Total"),
            totals["visitors"],
            totals["leads"],
            totals["sales"],
            "",
            "",
            "",
            "",
            "",
        ],
    )
    return save(workbook)


def evaluation_xlsx(activity: Activity, evaluation: Evaluation) -> bytes:
    """Sheet 1: the actual cost of each category beside its budget, with the variance;
    sheet 2: the evaluation's figures and metrics."""
    beside = budget_beside_costs(
        lines=((line.category, line.amount) for line in activity.budget_lines.all()),
        costs=((c.category, c.amount) for c in evaluation.costs.all()),
    )
    workbook = new_workbook()

    def label(category: str) -> str:
        try:
            return str(BudgetCategory(category).label)
        except ValueError:
            return category

    budget_total = sum((b for _c, b, _a in beside), ZERO)
    actual_total = sum((a for _c, _b, a in beside), ZERO)
    table_sheet(
        workbook,
        _("Costs"),
        [
            Column(_("Category")),
            Column(_("Budget (¥)"), "money"),
            Column(_("Actual (¥)"), "money"),
            Column(_("Variance (¥)"), "money"),
        ],
        [[label(c), budget, actual, actual - budget] for c, budget, actual in beside],
        totals=[_("Total"), budget_total, actual_total, actual_total - budget_total],
    )
    metrics = metrics_of(evaluation, activity)
    attainment = metrics["attainment"]
    rows: list[tuple[str, Any, str]] = [
        (_("Activity"), activity.title, "text"),
        (_("Market"), activity.market.name, "text"),
        (
            _("Evaluation completed"),
            _("Yes") if evaluation.completed_at else _("No"),
            "text",
        ),
        (_("Sales (¥)"), evaluation.sales, "money"),
        (_("Attendance"), evaluation.attendance, "int"),
        (_("Leads"), evaluation.leads, "int"),
        (_("New customers"), evaluation.new_customers, "int"),
        (_("Total cost (¥)"), metrics["cost_total"], "money"),
        (_("Budget (¥)"), metrics["budget_total"], "money"),
        (_("Budget variance (¥)"), metrics["budget_variance"], "money"),
        (_("ROI"), metrics["roi"], "ratio"),
        (_("Cost per attendee (¥)"), metrics["cost_per_attendee"], "money"),
        (_("Attendance attainment"), attainment["attendance"], "ratio"),
        (_("Leads attainment"), attainment["leads"], "ratio"),
        (_("Sales attainment"), attainment["sales"], "ratio"),
    ]
    sheet = workbook.create_sheet(title=sheet_title(_("Metrics")))
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 24
    sheet.append([cell(sheet, _("Metric"), bold=True), cell(sheet, _("Value"), bold=True)])
    for name, value, kind in rows:
        sheet.append([cell(sheet, name), cell(sheet, value, kind)])
    return save(workbook)


def market_columns() -> list[Column]:
    return [Column(_("Market")), Column(_("Activity"), wide=True), *_report_columns()]


def market_reports_xlsx(
    reports: QuerySet[DailyReport],
    *,
    target: IO[bytes],
    on_progress: Callable[[int], None],
) -> int:
    """Every report of the queryset, one row each, then the totals; `on_progress(done)` is
    called as the rows are written. Returns the number of rows."""
    workbook = new_workbook()
    done = visitors = leads = 0
    sales = ZERO

    def rows() -> Iterable[list[Any]]:
        nonlocal done, visitors, leads, sales
        for report in reports.iterator(chunk_size=500):
            visitors += report.visitors
            leads += report.leads
            sales += report.sales
            yield [report.activity.market.name, report.activity.title, *_report_row(report)]
            done += 1
            on_progress(done)

    columns = market_columns()
    sheet = table_sheet(workbook, _("Daily reports"), columns, rows())
    totals = [_("Total"), "", "", visitors, leads, sales, *[""] * 5]
    sheet.append([cell(sheet, v, c.kind, bold=True) for v, c in zip(totals, columns, strict=True)])
    save(workbook, target)
    return done
