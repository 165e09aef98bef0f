"""The approval's budget check: hard caps and the remaining budget block, a soft cap waits for
finance's sign-off; exactly at a limit passes, one cent over fails."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.core.errors import BudgetExceeded, Incomplete
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.finance import selectors
from campaigndesk.finance.services import finance_signoff_give
from campaigndesk.finance.tests.conftest import YEAR, set_budget

pytestmark = pytest.mark.django_db


def approve(activity: Activity) -> Activity:
    manager = get_user_model().objects.get(username="hq_manager")
    return activity_services.activity_decide(
        activity_id=activity.pk, by=manager, decision="approve"
    )


def proposal(budget: dict[str, str], start: date = date(YEAR, 5, 10), **kw: Any) -> Activity:
    return walk(title="提案", start=start, until="resubmitted", budget=budget, **kw)


def status_of(activity: Activity) -> str:
    return Activity.objects.get(pk=activity.pk).status


VENUE_CAPS = [{"category": "venue", "soft": "20000.00", "hard": "30000.00"}]


def test_exactly_at_the_hard_cap_passes(demo: None) -> None:
    set_budget(caps=VENUE_CAPS, total="1000000.00")
    signed = proposal({"venue": "30000.00"})
    finance_signoff_give(
        activity_id=signed.pk,
        by=get_user_model().objects.get(username="finance_reviewer"),
        reason="场地费已比价",
    )
    assert approve(signed).status == "approved"


def test_one_cent_over_the_hard_cap_is_refused_with_the_figures(demo: None) -> None:
    set_budget(caps=VENUE_CAPS, total="1000000.00")
    activity = proposal({"venue": "30000.01", "promotion": "5000.00"})
    with pytest.raises(BudgetExceeded) as refused:
        approve(activity)
    details = refused.value.details
    assert {k: details[k] for k in ("kind", "category", "cap", "amount", "excess")} == {
        "kind": "hard_cap",
        "category": "venue",
        "cap": "30000.00",
        "amount": "30000.01",
        "excess": "0.01",
    }
    assert status_of(activity) == "resubmitted"
    assert not AuditEntry.objects.filter(activity_id=activity.pk, action="approve").exists()


def test_a_hard_cap_is_not_lifted_by_a_sign_off(demo: None) -> None:
    set_budget(caps=VENUE_CAPS, total="1000000.00")
    activity = proposal({"venue": "35000.00"})
    finance_signoff_give(
        activity_id=activity.pk,
        by=get_user_model().objects.get(username="finance_reviewer"),
        reason="同意",
    )
    with pytest.raises(BudgetExceeded) as refused:
        approve(activity)
    assert refused.value.details["excess"] == "5000.00"


def test_exactly_at_the_soft_cap_needs_no_sign_off(demo: None) -> None:
    set_budget(caps=VENUE_CAPS, total="1000000.00")
    assert approve(proposal({"venue": "20000.00"})).status == "approved"


def test_one_cent_over_the_soft_cap_waits_for_finance(demo: None) -> None:
    set_budget(caps=VENUE_CAPS, total="1000000.00")
    activity = proposal({"venue": "20000.01"})
    with pytest.raises(Incomplete) as refused:
        approve(activity)
    assert refused.value.details["missing"] == ["finance_signoff"]
    assert refused.value.details["caps"] == [
        {
            "kind": "soft_cap",
            "category": "venue",
            "cap": "20000.00",
            "amount": "20000.01",
            "excess": "0.01",
        }
    ]
    finance_signoff_give(
        activity_id=activity.pk,
        by=get_user_model().objects.get(username="finance_reviewer"),
        reason="本季重点活动",
    )
    assert approve(activity).status == "approved"


def test_the_remaining_budget_exactly_used_passes_one_cent_more_fails(demo: None) -> None:
    # 38000 of the walked default budget already committed; 12000.00 remain.
    set_budget(total="50000.00")
    walk(title="已批准", start=date(YEAR, 3, 1), until="approved")
    exact = proposal({"venue": "12000.00"}, start=date(YEAR, 6, 1))
    over = proposal({"venue": "12000.01"}, start=date(YEAR, 6, 5))
    with pytest.raises(BudgetExceeded) as refused:
        approve(over)
    assert {k: refused.value.details[k] for k in ("kind", "year", "quarter")} == {
        "kind": "budget",
        "year": YEAR,
        "quarter": None,
    }
    assert refused.value.details["remaining"] == "12000.00"
    assert refused.value.details["amount"] == "12000.01"
    assert refused.value.details["excess"] == "0.01"
    assert approve(exact).status == "approved"
    # Now nothing remains: even a small proposal is refused.
    with pytest.raises(BudgetExceeded):
        approve(proposal({"other": "0.01"}, start=date(YEAR, 7, 1)))


def test_actual_costs_count_against_the_remaining_budget(demo: None, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    set_budget(total="50000.00")
    walk(title="已评估", start=date(YEAR, 3, 1), until="evaluated")  # costs 40400.00
    with pytest.raises(BudgetExceeded) as refused:
        approve(proposal({"venue": "9600.01"}, start=date(YEAR, 6, 1)))
    assert refused.value.details["remaining"] == "9600.00"


def test_the_quarter_budget_applies_to_the_quarter_of_the_start_date(demo: None) -> None:
    set_budget(total="200000.00", quarters=["50000.00", "40000.00", "50000.00", "60000.00"])
    walk(title="二季度已批准", start=date(YEAR, 4, 10), until="approved")  # 38000 in Q2
    # 2000.00 remain in Q2 though the year has 162000.00 left.
    with pytest.raises(BudgetExceeded) as refused:
        approve(proposal({"venue": "2000.01"}, start=date(YEAR, 6, 30)))
    assert refused.value.details["quarter"] == 2
    assert refused.value.details["remaining"] == "2000.00"
    assert refused.value.details["excess"] == "0.01"
    assert approve(proposal({"venue": "2000.00"}, start=date(YEAR, 5, 1))).status == "approved"
    # Q3 has its own money.
    assert approve(proposal({"venue": "45000.00"}, start=date(YEAR, 7, 1))).status == "approved"


def test_no_budget_for_the_year_means_no_cap(demo: None) -> None:
    set_budget(year=YEAR + 1, total="0.00", caps=VENUE_CAPS)  # another year only
    assert approve(proposal({"venue": "900000.00"})).status == "approved"


def test_a_rejection_is_never_checked(demo: None) -> None:
    set_budget(caps=VENUE_CAPS, total="0.00")
    activity = proposal({"venue": "90000.00"})
    manager = get_user_model().objects.get(username="hq_manager")
    done = activity_services.activity_decide(
        activity_id=activity.pk, by=manager, decision="reject", reason="超预算"
    )
    assert done.status == "rejected"


def test_the_check_locks_the_market_budget_row(
    demo: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Two approvals in one market and year wait for each other on the budget row: the second
    reads what the first committed. (The threaded race runs on PostgreSQL, test_race.py.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    set_budget(total="100000.00")
    activity = proposal({"venue": "100.00"})
    with CaptureQueriesContext(connection) as queries:
        approve(activity)
    budget_reads = [q["sql"] for q in queries if "finance_marketbudget" in q["sql"]]
    assert budget_reads
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in budget_reads[0]


def test_the_check_reports_every_figure_for_the_page(demo: None) -> None:
    set_budget(
        total="50000.00",
        caps=[*VENUE_CAPS, {"category": "promotion", "soft": "1000.00", "hard": None}],
    )
    activity = proposal({"venue": "25000.00", "promotion": "1000.00"})
    check = selectors.budget_check(activity=activity)
    assert check.state == "soft"
    assert [b.category for b in check.soft] == ["venue"]
    assert str(check.remaining) == "50000.00" and check.quarter_remaining is None
