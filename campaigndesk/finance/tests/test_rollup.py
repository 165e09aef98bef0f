"""The market's year rolled up from its activities: planned, committed, actual, remaining — at
every status, by category, against hand-computed figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.finance import selectors
from campaigndesk.finance.tests.conftest import YEAR, set_budget
from campaigndesk.org.models import Market

pytestmark = pytest.mark.django_db

D = Decimal


def rollup(code: str = "SN", year: int = YEAR) -> selectors.Rollup:
    return selectors.market_rollup(market=Market.objects.get(code=code), year=year)


def by_category(r: selectors.Rollup) -> dict[str, tuple[str, str, str]]:
    return {f.category: (str(f.planned), str(f.committed), str(f.actual)) for f in r.by_category}


def test_every_status_counts_in_its_column(demo: None, media: Path) -> None:
    set_budget(total="500000.00")
    manager = get_user_model().objects.get(username="hq_manager")
    head = get_user_model().objects.get(username="sn_head")
    small = {"venue": "1000.00", "promotion": "200.50"}  # 1200.50
    # Nothing: a draft, a rejected and a cancelled proposal.
    walk(title="草稿", start=date(YEAR, 2, 1), until="draft", budget=small)
    rejected = walk(title="否决", start=date(YEAR, 2, 5), until="resubmitted", budget=small)
    activity_services.activity_decide(
        activity_id=rejected.pk, by=manager, decision="reject", reason="不合适"
    )
    cancelled = walk(title="取消", start=date(YEAR, 2, 9), until="resubmitted", budget=small)
    activity_services.activity_cancel(activity_id=cancelled.pk, by=head, reason="改期")
    # Planned: submitted, in review, revision requested, resubmitted.
    planned = []
    for index, status in enumerate(
        [Status.SUBMITTED, Status.IN_REVIEW, Status.REVISION_REQUESTED, Status.RESUBMITTED]
    ):
        a = walk(title=f"计划{index}", start=date(YEAR, 3, 1 + index), until="resubmitted")
        Activity.objects.filter(pk=a.pk).update(status=status)  # only the status is read
        planned.append(a)
    # Committed: approved, on site, wrapped up (their budget lines).
    for index, until in enumerate(["approved", "on_site", "wrapped_up"]):
        walk(title=f"批准{index}", start=date(YEAR, 5, 1 + 3 * index), until=until)
    # Actual: evaluated and archived (their actual cost lines, not their budget).
    walk(title="评估", start=date(YEAR, 8, 1), until="evaluated")
    walk(title="存档", start=date(YEAR, 9, 1), until="archived", costs={"venue": "7000.01"})
    # Another year and another market count nothing here.
    walk(title="明年", start=date(YEAR + 1, 1, 10), until="approved")
    walk(head="ha_head", title="河南", start=date(YEAR, 5, 1), until="approved")

    r = rollup()
    # Budget of every walked activity: venue 10000, promotion 18000, materials 10000 = 38000.
    assert r.planned == D("152000.00")  # 4 × 38000
    assert r.committed == D("114000.00")  # 3 × 38000
    # Costs: 12000 + 18800 + 9600 = 40400, and the archived one 7000.01.
    assert r.actual == D("47400.01")
    assert r.remaining == D("500000.00") - D("114000.00") - D("47400.01") == D("338599.99")
    assert r.remaining_after_pending == D("186599.99")
    assert by_category(r) == {
        "venue": ("40000.00", "30000.00", "19000.01"),
        "promotion": ("72000.00", "54000.00", "18800.00"),
        "materials": ("40000.00", "30000.00", "9600.00"),
    }
    # The categories add up to the top-level figures to the cent.
    for name in ("planned", "committed", "actual"):
        assert sum(getattr(f, name) for f in r.by_category) == getattr(r, name)
    assert sorted(c.title for c in r.planned_activities) == ["计划0", "计划1", "计划2", "计划3"]
    assert [c.title for c in r.committed_activities] == ["批准0", "批准1", "批准2"]
    assert [(c.title, str(c.amount)) for c in r.actual_activities] == [
        ("评估", "40400.00"),
        ("存档", "7000.01"),
    ]
    # Quarters follow the start date: Q1 planned, Q2 committed, Q3 actual.
    assert [str(q.planned) for q in r.quarters] == ["152000.00", "0.00", "0.00", "0.00"]
    assert [str(q.committed) for q in r.quarters] == ["0.00", "114000.00", "0.00", "0.00"]
    assert [str(q.actual) for q in r.quarters] == ["0.00", "0.00", "47400.01", "0.00"]


def test_a_market_without_a_budget_has_figures_but_no_total(demo: None) -> None:
    walk(title="计划", start=date(YEAR, 3, 1), until="resubmitted")
    r = rollup()
    assert r.budget is None
    assert r.total is None and r.remaining is None and r.remaining_after_pending is None
    assert r.planned == D("38000.00")


def test_the_overview_has_every_market_also_one_with_nothing(demo: None) -> None:
    set_budget("HA", total="1000.00")
    walk(title="陕西", start=date(YEAR, 3, 1), until="approved")
    manager = get_user_model().objects.get(username="hq_manager")
    rows = {r.market.code: r for r in selectors.markets_overview(user=manager, year=YEAR)}
    assert set(rows) == {"SN", "HA", "SC"}
    assert rows["SN"].committed == D("38000.00") and rows["SN"].total is None
    assert rows["HA"].remaining == D("1000.00") and rows["HA"].committed == D("0.00")
    head = get_user_model().objects.get(username="ha_head")
    assert [r.market.code for r in selectors.markets_overview(user=head, year=YEAR)] == ["HA"]
