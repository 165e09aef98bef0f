"""The evaluation's metrics, exactly, in Decimal: money to 2 places, ratios to 4, half up;
`None` where a divisor is 0 (or a target is not set)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from typing import Any

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _ratio(numerator: Decimal, denominator: Decimal | int | None) -> str | None:
    if denominator is None or Decimal(denominator) == 0:
        return None
    return str((Decimal(numerator) / Decimal(denominator)).quantize(RATIO, rounding=ROUND_HALF_UP))


def compute(
    *,
    costs: Iterable[Decimal],
    budget_total: Decimal,
    sales: Decimal,
    attendance: int,
    leads: int,
    targets: dict[str, Any],
) -> dict[str, Any]:
    """cost_total = Σ costs; budget_variance = cost_total − budget_total;
    roi = (sales − cost_total) / cost_total; cost_per_attendee = cost_total / attendance;
    attainment = actual / target for attendance, leads and sales."""
    cost_total = sum(costs, Decimal("0"))
    per_attendee = None if attendance == 0 else _money(cost_total / Decimal(attendance))
    return {
        "cost_total": _money(cost_total),
        "budget_total": _money(budget_total),
        "budget_variance": _money(cost_total - budget_total),
        "roi": _ratio(sales - cost_total, cost_total),
        "cost_per_attendee": per_attendee,
        "attainment": {
            "attendance": _ratio(Decimal(attendance), targets.get("attendance")),
            "leads": _ratio(Decimal(leads), targets.get("leads")),
            "sales": _ratio(sales, targets.get("sales")),
        },
    }


def median_of(values: Iterable[str | None]) -> str | None:
    """The median of the non-null metric values (as strings, like the API), to as many decimal
    places as the values have (the mean of the middle two is rounded half up)."""
    numbers = [Decimal(v) for v in values if v is not None]
    if not numbers:
        return None
    places = min(int(n.as_tuple().exponent) for n in numbers)
    return str(Decimal(median(numbers)).quantize(Decimal(1).scaleb(places), rounding=ROUND_HALF_UP))
