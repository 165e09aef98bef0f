"""The budget pages and the activity page's budget panel."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from campaigndesk.activities.models import Activity
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.finance.models import FinanceSignoff, MarketBudget
from campaigndesk.finance.tests.conftest import YEAR, set_budget
from campaigndesk.finance.tests.html import Node, parse

pytestmark = pytest.mark.django_db

CAPS = [{"category": "venue", "soft": "20000.00", "hard": "30000.00"}]


def soup(response) -> Node:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return parse(response.content.decode())


def by_id(page: Node, name: str) -> Node:
    found = page.testid(name)
    assert found is not None, name
    return found


def absent(page: Node, name: str) -> bool:
    return page.testid(name) is None


def field(page: Node, name: str) -> Node:
    found = page.find(lambda n: n.tag == "input" and n.get("name") == name)
    assert found is not None, name
    return found


def market_url(code: str = "SN") -> str:
    return reverse("finance:market", args=[code]) + f"?year={YEAR}"


def test_the_market_head_sees_their_own_market_with_the_columns(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    set_budget(total="100000.00")
    walk(title="已批准的讲堂", start=date(YEAR, 3, 1), until="approved")
    page = soup(login("sn_head").get(market_url()))
    assert by_id(page, "figure-total").text() == "¥100,000.00"
    assert by_id(page, "figure-committed").text() == "¥38,000.00"
    assert by_id(page, "figure-remaining").text().startswith("¥62,000.00")
    assert "已批准的讲堂" in by_id(page, "counted-committed").text()
    assert absent(page, "edit-budget")  # only finance edits
    assert login("sn_head").get(market_url("HA")).status_code == 404
    # The overview sends a market's people to their own market.
    response = login("sn_head").get(reverse("finance:overview"))
    assert response.status_code == 302 and "/finance/markets/SN/" in response["Location"]


def test_hq_sees_every_market(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    set_budget("HA", total="5000.00")
    page = soup(login("hq_manager").get(reverse("finance:overview") + f"?year={YEAR}"))
    rows = page.find_all(lambda n: n.get("data-testid").startswith("overview-"))
    assert [r["data-testid"] for r in rows] == ["overview-HA", "overview-SC", "overview-SN"]
    assert "¥5,000.00" in by_id(page, "overview-HA").text()


def test_finance_sets_budget_quarters_and_caps_in_the_form(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    client = login("finance_reviewer")
    url = reverse("finance:edit", args=["SN"])
    assert soup(client.get(url + f"?year={YEAR}")).testid("budget-form") is not None
    form = {
        "year": str(YEAR),
        "total": "100000.00",
        "q1": "20000",
        "q2": "30000",
        "q3": "25000",
        "q4": "25000",
        "soft_venue": "20000",
        "hard_venue": "30000",
        "hard_promotion": "40000",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    budget = MarketBudget.objects.get(market__code="SN", year=YEAR)
    assert [str(q) for q in budget.quarters or []] == [
        "20000.00",
        "30000.00",
        "25000.00",
        "25000.00",
    ]
    assert {(c.category, str(c.soft), str(c.hard)) for c in budget.caps.all()} == {
        ("venue", "20000.00", "30000.00"),
        ("promotion", "None", "40000.00"),
    }
    # Errors stand next to their fields, and nothing is saved.
    bad = {**form, "total": "abc", "soft_venue": "50000", "q1": "x"}
    page = soup(client.post(url, bad))
    assert "is-invalid" in field(page, "total").classes
    venue_soft = field(page, "soft_venue")
    assert "is-invalid" in venue_soft.classes
    feedback = [n for n in venue_soft.next_siblings() if "invalid-feedback" in n.classes]
    assert feedback and feedback[0].text()
    assert "is-invalid" in field(page, "q1").classes
    assert MarketBudget.objects.get(pk=budget.pk).total == 100000


def test_only_finance_opens_the_form(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    url = reverse("finance:edit", args=["SN"])
    assert login("hq_manager").get(url).status_code == 403
    assert login("sn_head").get(url).status_code == 403
    assert login("ha_head").get(url).status_code == 404


def detail(client, activity: Activity):  # type: ignore[no-untyped-def]
    return soup(client.get(reverse("activities:detail", args=[activity.pk])))


def test_the_activity_panel_warns_and_finance_signs_off_on_the_page(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    set_budget(caps=CAPS, total="1000000.00")
    activity = walk(
        title="超软上限", start=date(YEAR, 5, 1), until="resubmitted", budget={"venue": "25000.00"}
    )
    page = detail(login("hq_manager"), activity)
    panel = by_id(page, "finance-panel")
    assert panel["data-state"] == "soft"
    assert "¥5,000.00" in by_id(page, "finance-soft").text()
    assert absent(page, "finance-signoff-form")  # the manager cannot sign
    page = detail(login("finance_reviewer"), activity)
    form = by_id(page, "finance-signoff-form")
    response = login("finance_reviewer").post(form["action"], {"reason": "场地费合理"})
    assert response.status_code == 302
    assert FinanceSignoff.objects.filter(activity=activity).count() == 1
    page = detail(login("hq_manager"), activity)
    assert by_id(page, "finance-panel")["data-state"] == "signed"
    assert "场地费合理" in by_id(page, "finance-signoff").text()


def test_the_panel_says_blocked_and_uncapped(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    activity = walk(
        title="无预算", start=date(YEAR, 5, 1), until="resubmitted", budget={"venue": "35000.00"}
    )
    assert by_id(detail(login("hq_manager"), activity), "finance-panel")["data-state"] == "uncapped"
    set_budget(caps=CAPS, total="1000000.00")
    page = detail(login("sn_head"), activity)
    assert by_id(page, "finance-panel")["data-state"] == "blocked"
    assert "¥5,000.00" in by_id(page, "finance-hard").text()


def test_a_market_head_cannot_sign_off_by_the_page(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    set_budget(caps=CAPS, total="1000000.00")
    activity = walk(
        title="超软上限", start=date(YEAR, 5, 1), until="resubmitted", budget={"venue": "25000.00"}
    )
    url = reverse("finance:signoff", args=[activity.pk])
    assert login("sn_head").post(url, {"reason": "自己批"}).status_code == 403
    assert login("ha_head").post(url, {"reason": "别人的"}).status_code == 404
    assert not FinanceSignoff.objects.exists()


def test_the_budget_pages_do_not_query_more_with_more_activities(  # type: ignore[no-untyped-def]
    login, demo: None, django_assert_num_queries
) -> None:
    set_budget(caps=CAPS, total="1000000.00")
    client = login("hq_manager")
    walk(title="一", start=date(YEAR, 3, 1), until="approved")
    walk(title="零", start=date(YEAR, 3, 5), until="resubmitted")
    # session, user + profile; market; budget; caps; budget lines; costs; unread count,
    # delegation (menu).
    with django_assert_num_queries(9):
        soup(client.get(market_url()))
    # session, user; markets; budgets; caps; budget lines; costs; waiting for sign-off:
    # proposals with HQ, their lines, budgets, soft caps, sign-offs; unread count, delegation.
    with django_assert_num_queries(14):
        soup(client.get(reverse("finance:overview") + f"?year={YEAR}"))
    for n in range(3):
        walk(title=f"多{n}", start=date(YEAR, 4, 1 + n), until="resubmitted")
    walk(head="ha_head", title="河南", start=date(YEAR, 4, 1), until="resubmitted")
    with django_assert_num_queries(9):
        page = soup(client.get(market_url()))
    assert len(by_id(page, "counted-planned").find_all(lambda n: n.tag == "li")) == 4
    with django_assert_num_queries(14):
        soup(client.get(reverse("finance:overview") + f"?year={YEAR}"))


def test_the_overview_lists_what_waits_for_finance(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    set_budget(caps=CAPS, total="1000000.00")
    set_budget("HA", caps=CAPS, total="1000000.00")
    waiting = walk(
        title="待签批", start=date(YEAR, 5, 1), until="resubmitted", budget={"venue": "25000.00"}
    )
    walk(
        title="超硬上限", start=date(YEAR, 5, 2), until="resubmitted", budget={"venue": "35000.00"}
    )
    walk(
        title="在上限内", start=date(YEAR, 5, 3), until="resubmitted", budget={"venue": "20000.00"}
    )
    walk(
        head="ha_head",
        title="河南待签",
        start=date(YEAR, 5, 4),
        until="resubmitted",
        budget={"venue": "21000.00"},
    )
    walk(
        head="sc_head",
        title="四川无预算",
        start=date(YEAR, 5, 5),
        until="resubmitted",
        budget={"venue": "99000.00"},
    )
    client = login("finance_reviewer")
    url = reverse("finance:overview") + f"?year={YEAR}"
    items = by_id(soup(client.get(url)), "signoffs-waiting").find_all(lambda n: n.tag == "li")
    assert [li.find(lambda n: n.tag == "a").text() for li in items] == ["待签批", "河南待签"]  # type: ignore[union-attr]
    assert "¥25,000.00" in items[0].text()
    client.post(reverse("finance:signoff", args=[waiting.pk]), {"reason": "同意"})
    items = by_id(soup(client.get(url)), "signoffs-waiting").find_all(lambda n: n.tag == "li")
    assert [li.text() for li in items if "待签批" in li.text()] == []


def test_the_panel_costs_the_activity_page_a_constant_number_of_queries(  # type: ignore[no-untyped-def]
    login, demo: None, django_assert_num_queries
) -> None:
    set_budget(caps=CAPS, total="1000000.00")
    activity = walk(title="本次", start=date(YEAR, 6, 1), until="resubmitted")
    client = login("finance_reviewer")
    url = reverse("activities:detail", args=[activity.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(3):
        walk(title=f"往期{n}", start=date(YEAR, 3, 1 + n), until="approved")
    # The panel: budget, caps, counted budget lines, costs, sign-offs; may-sign: department,
    # delegation — the same however many activities the market has.
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url)
    finance = [q for q in before.captured_queries if "finance_" in q["sql"]]
    assert len(finance) == 3  # budget, caps, sign-offs


def test_the_market_head_sees_the_cap_warning_on_the_draft(login, demo: None) -> None:  # type: ignore[no-untyped-def]
    set_budget(caps=CAPS, total="1000000.00")
    draft = walk(title="草稿", start=date(YEAR, 5, 1), until="draft", budget={"venue": "31000.00"})
    page = detail(login("sn_head"), draft)
    assert by_id(page, "finance-panel")["data-state"] == "blocked"
    assert "¥1,000.00" in by_id(page, "finance-hard").text()
    assert absent(page, "finance-signoff-form")
