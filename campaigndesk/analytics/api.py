"""The analytics tables as JSON: what each chart of the page shows, for integrations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Router, Schema

from campaigndesk.activities.api import READ_ERRORS
from campaigndesk.analytics import selectors
from campaigndesk.analytics.selectors import CHARTS, Filters
from campaigndesk.core.errors import NotFound
from campaigndesk.core.http import ApiRequest
from campaigndesk.org import policies

router = Router(tags=["analytics"])


class ColumnOut(Schema):
    label: str
    kind: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[list[Any]]
    totals: list[Any] | None


def _json(value: Any) -> Any:
    """Money and ratios as strings (never floats), dates ISO."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@router.get(
    "/analytics/{chart}",
    response={200: TableOut, **READ_ERRORS},
    summary="One chart's table: roi-by-market, roi-over-time, attainment, daily-visitors, "
    "budget-vs-actual",
    description="`date_from`/`date_to` (default: the last 12 months) select activities by "
    "start date; `market` (HQ only) a market code; `activity` the activity of the "
    "per-activity tables. Money and ratios are strings.",
)
def analytics_table(
    request: ApiRequest,
    chart: str,
    date_from: date | None = None,
    date_to: date | None = None,
    market: str | None = None,
    activity: int | None = None,
) -> dict[str, Any]:
    if chart not in CHARTS:
        raise NotFound()
    default_from, default_to = selectors.default_period(timezone.localdate())
    filters = Filters(
        date_from=date_from or default_from,
        date_to=date_to or default_to,
        market=market if policies.is_hq(request.auth) else None,
        activity_id=activity,
    )
    [table] = selectors.analytics_for(user=request.auth, filters=filters, only=chart).tables
    return {
        "key": table.key,
        "title": table.title,
        "columns": [{"label": c.label, "kind": c.kind} for c in table.columns],
        "rows": [[_json(v) for v in row] for row in table.rows],
        "totals": [_json(v) for v in table.totals] if table.totals is not None else None,
    }
