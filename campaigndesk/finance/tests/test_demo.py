"""The demo budgets: this year's and last year's for SN, HA and SC, with caps, sized so that the
demo history and the proposals waiting for HQ fit under them; seeding twice changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import seed_demo
from campaigndesk.finance import selectors
from campaigndesk.finance.models import BudgetCap, MarketBudget
from campaigndesk.org.models import Market

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    # The demo history's costs are not what is checked here; its receipts are another story.
    settings.RECEIPT_REQUIRED_ABOVE = Decimal("99999999")
    seed_demo()


def test_every_demo_market_has_this_and_last_years_budget(seeded: None) -> None:
    year = timezone.localdate().year
    budgets = {(b.market.code, b.year): b for b in MarketBudget.objects.select_related("market")}
    assert set(budgets) == {(c, y) for c in ("SN", "HA", "SC") for y in (year - 1, year)}
    assert budgets[("SN", year)].quarters is not None
    assert BudgetCap.objects.filter(budget=budgets[("HA", year)]).exists()


def test_the_demo_history_fits_under_the_budgets(seeded: None) -> None:
    year = timezone.localdate().year
    for market in Market.objects.all():
        for y in (year - 1, year):
            rollup = selectors.market_rollup(market=market, year=y)
            assert rollup.remaining is not None and rollup.remaining_after_pending is not None
            assert rollup.remaining_after_pending >= 0, (market.code, y)
            for quarter in rollup.quarters:
                if quarter.total is not None:
                    assert quarter.remaining is not None and quarter.remaining >= 0
    for activity in Activity.objects.filter(status__in=selectors.UNDER_REVIEW):
        assert selectors.budget_check(activity=activity).state in ("ok", "uncapped"), activity


def test_seeding_twice_adds_no_budget(seeded: None) -> None:
    before = (MarketBudget.objects.count(), BudgetCap.objects.count())
    seed_demo()
    assert (MarketBudget.objects.count(), BudgetCap.objects.count()) == before
