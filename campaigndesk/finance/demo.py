"""Demo budgets: SN, HA and SC get a budget for this year and the last, with soft and hard caps
on a few categories, sized so the demo history and proposals fit under them (SN's per quarter).
Idempotent: a market and year that already has a budget is left as it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigndesk.core.audit import audit_record
from campaigndesk.finance.models import BudgetCap, MarketBudget
from campaigndesk.org.models import Market

# market: (total, quarters or None, {category: (soft, hard)})
BUDGETS: dict[str, tuple[str, list[str] | None, dict[str, tuple[str | None, str | None]]]] = {
    "SN": (
        "400000.00",
        ["80000.00", "100000.00", "100000.00", "120000.00"],
        {
            "venue": ("20000.00", "40000.00"),
            "promotion": ("25000.00", "50000.00"),
            "hospitality": ("5000.00", "10000.00"),
        },
    ),
    "HA": (
        "300000.00",
        None,
        {"venue": ("20000.00", "40000.00"), "promotion": ("30000.00", None)},
    ),
    "SC": (
        "250000.00",
        None,
        {"venue": (None, "30000.00"), "materials": ("15000.00", "25000.00")},
    ),
}


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@transaction.atomic
def seed_budgets(*, today: date | None = None) -> None:
    """Gives each demo market this year's and last year's budget, if it has none yet."""
    year = (today or timezone.localdate()).year
    finance = get_user_model().objects.filter(username="finance_reviewer").first()
    markets = {m.code: m for m in Market.objects.filter(code__in=BUDGETS)}
    for code, (total, quarters, caps) in BUDGETS.items():
        market = markets.get(code)
        if market is None:
            continue
        for budget_year in (year - 1, year):
            budget, created = MarketBudget.objects.get_or_create(
                market=market,
                year=budget_year,
                defaults={
                    "total": Decimal(total),
                    "updated_by": finance,
                    **{f"q{n + 1}": _money(quarters[n] if quarters else None) for n in range(4)},
                },
            )
            if not created:
                continue
            BudgetCap.objects.bulk_create(
                BudgetCap(budget=budget, category=c, soft=_money(s), hard=_money(h))
                for c, (s, h) in caps.items()
            )
            audit_record(
                actor=finance,
                action="budget_set",
                obj=budget,
                note=f"{market.name} {budget_year}: {total} (demo)",
            )
