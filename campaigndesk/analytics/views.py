"""The analytics page: each chart with its data table beside it, and each table as .xlsx."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from campaigndesk.analytics import selectors
from campaigndesk.analytics.selectors import CHARTS, Analytics, Filters
from campaigndesk.core.errors import NotFound
from campaigndesk.core.http import PageRequest
from campaigndesk.exports.xlsx import file_response, new_workbook, save, table_sheet
from campaigndesk.org import policies
from campaigndesk.org.selectors import market_choices_for_user


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def filters_of(request: PageRequest) -> Filters:
    """The period (default: the last 12 months), the market (HQ only: a market's people
    always see their own) and the chosen activity, from the query string."""
    default_from, default_to = selectors.default_period(timezone.localdate())
    date_from = _date(request.GET.get("from")) or default_from
    date_to = _date(request.GET.get("to")) or default_to
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    activity = request.GET.get("activity", "")
    return Filters(
        date_from=date_from,
        date_to=date_to,
        market=(request.GET.get("market") or None) if policies.is_hq(request.user) else None,
        activity_id=int(activity) if activity.isdigit() else None,
    )


def _query(filters: Filters) -> str:
    params = {"from": filters.date_from.isoformat(), "to": filters.date_to.isoformat()}
    if filters.market:
        params["market"] = filters.market
    if filters.activity_id is not None:
        params["activity"] = str(filters.activity_id)
    return urlencode(params)


def _analytics(request: PageRequest, filters: Filters, only: str | None = None) -> Analytics:
    try:
        return selectors.analytics_for(user=request.user, filters=filters, only=only)
    except NotFound as error:
        raise Http404(str(error.message)) from error


@login_required
@require_GET
def index(request: PageRequest) -> HttpResponse:
    filters = filters_of(request)
    found = _analytics(request, filters)
    choices = list(found.choices)
    if found.chosen is not None and all(a.pk != found.chosen.pk for a in choices):
        choices.insert(0, found.chosen)
    return render(
        request,
        "analytics/index.html",
        {
            "tables": found.tables,
            "filters": filters,
            "choices": choices,
            "query": _query(filters),
            "markets": market_choices_for_user(user=request.user)
            if policies.is_hq(request.user)
            else [],
        },
    )


@login_required
@require_GET
def xlsx(request: PageRequest, chart: str) -> HttpResponse:
    """The table of one chart, with the same filters as the page."""
    if chart not in CHARTS:
        raise Http404
    filters = filters_of(request)
    [table] = _analytics(request, filters, only=chart).tables
    workbook = new_workbook()
    table_sheet(workbook, table.title, table.columns, table.rows, totals=table.totals)
    return file_response(
        save(workbook),
        filename=f"{chart}-{filters.date_from:%Y%m%d}-{filters.date_to:%Y%m%d}.xlsx",
    )
