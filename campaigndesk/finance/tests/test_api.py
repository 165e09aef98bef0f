"""The finance endpoints: shapes and error bodies exactly as the contract says."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from campaigndesk.evaluation.tests.builders import error_of, ok, walk
from campaigndesk.finance.tests.conftest import YEAR, set_budget

pytestmark = pytest.mark.django_db

BODY: dict[str, Any] = {
    "year": YEAR,
    "total": "100000.00",
    "caps": [
        {"category": "venue", "soft": "20000.00", "hard": "30000.00"},
        {"category": "promotion", "soft": None, "hard": "40000.00"},
    ],
}


def test_finance_puts_and_everyone_of_the_market_reads(api) -> None:  # type: ignore[no-untyped-def]
    body = ok(api("finance_reviewer").put("/markets/SN/budget", BODY))
    assert body["total"] == "100000.00" and body["remaining"] == "100000.00"
    walk(title="已批准", start=date(YEAR, 3, 1), until="approved")
    walk(title="计划", start=date(YEAR, 4, 1), until="resubmitted")
    got = ok(api("sn_head").get("/markets/SN/budget", {"year": YEAR}))
    assert {
        k: got[k] for k in ("year", "total", "planned", "committed", "actual", "remaining")
    } == {
        "year": YEAR,
        "total": "100000.00",
        "planned": "38000.00",
        "committed": "38000.00",
        "actual": "0.00",
        "remaining": "62000.00",
    }
    assert got["remaining_after_pending"] == "24000.00"
    assert got["by_category"] == [
        {"category": "venue", "planned": "10000.00", "committed": "10000.00", "actual": "0.00"},
        {"category": "promotion", "planned": "18000.00", "committed": "18000.00", "actual": "0.00"},
        {"category": "materials", "planned": "10000.00", "committed": "10000.00", "actual": "0.00"},
    ]
    assert got["caps"] == [
        {"category": "venue", "soft": "20000.00", "hard": "30000.00"},
        {"category": "promotion", "soft": None, "hard": "40000.00"},
    ]
    assert got["quarters"] is None
    assert [(a["title"], a["column"]) for a in got["activities"]] == [
        ("已批准", "committed"),
        ("计划", "planned"),
    ]


def test_no_budget_for_the_year_reads_as_uncapped(api) -> None:  # type: ignore[no-untyped-def]
    got = ok(api("hq_manager").get("/markets/HA/budget", {"year": YEAR}))
    assert got["total"] is None and got["remaining"] is None and got["by_category"] == []


def test_quarters_are_set_and_shown(api) -> None:  # type: ignore[no-untyped-def]
    body = {**BODY, "quarters": ["20000.00", "30000.00", "25000.00", "25000.00"]}
    got = ok(api("admin").put("/markets/SN/budget", body))
    assert [q["total"] for q in got["quarters"]] == ["20000.00", "30000.00", "25000.00", "25000.00"]
    too_much = {**BODY, "quarters": ["50000.00", "30000.00", "25000.00", "25000.00"]}
    error = error_of(api("admin").put("/markets/SN/budget", too_much), 422, "validation_error")
    assert "quarters" in error["details"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"total": "-1"}, "total"),
        ({"year": 1999}, "year"),
        ({"caps": [{"category": "yacht", "soft": "1.00"}]}, "caps.0.category"),
        ({"caps": [{"category": "venue", "soft": "30.00", "hard": "20.00"}]}, "caps.0.soft"),
        ({"caps": [{"category": "venue", "soft": None, "hard": None}]}, "caps.0.hard"),
        (
            {"caps": [{"category": "venue", "hard": "1"}, {"category": "venue", "hard": "2"}]},
            "caps.1.category",
        ),
        ({"quarters": ["1.00", "2.00"]}, "quarters"),
        ({"total": "10.001"}, "total"),
    ],
)
def test_bad_budgets_are_refused_field_by_field(api, change, field) -> None:  # type: ignore[no-untyped-def]
    response = api("finance_reviewer", language="en").put("/markets/SN/budget", {**BODY, **change})
    error = error_of(response, 422, "validation_error")
    assert field in error["details"]["fields"], error


def test_who_may_set_a_budget(api) -> None:  # type: ignore[no-untyped-def]
    for username in ("marketing_reviewer", "hq_manager", "sn_head"):
        error_of(api(username).put("/markets/SN/budget", BODY), 403, "forbidden")
    error_of(api("finance_reviewer").put("/markets/XX/budget", BODY), 404, "not_found")
    error_of(api().put("/markets/SN/budget", BODY), 401, "not_authenticated")


def test_another_markets_people_do_not_see_its_budget(api) -> None:  # type: ignore[no-untyped-def]
    set_budget("SN")
    error_of(api("ha_head").get("/markets/SN/budget", {"year": YEAR}), 404, "not_found")
    assert [b["market"] for b in ok(api("ha_head").get("/budgets", {"year": YEAR}))] == ["HA"]


def test_approval_over_a_hard_cap_is_budget_exceeded(api) -> None:  # type: ignore[no-untyped-def]
    set_budget("SN", caps=BODY["caps"], total="1000000.00")
    activity = walk(
        title="超上限", start=date(YEAR, 5, 1), until="resubmitted", budget={"venue": "35000.00"}
    )
    response = api("hq_manager", language="en").post(
        f"/activities/{activity.pk}/decision", {"decision": "approve", "reason": ""}
    )
    error = error_of(response, 422, "budget_exceeded")
    assert error["details"]["kind"] == "hard_cap"
    assert error["details"]["category"] == "venue"
    assert error["details"]["cap"] == "30000.00"
    assert error["details"]["amount"] == "35000.00"
    assert error["details"]["excess"] == "5000.00"
    assert "hard cap" in error["message"]


def test_approval_over_the_remaining_budget_is_budget_exceeded(api) -> None:  # type: ignore[no-untyped-def]
    set_budget("SN", total="30000.00")
    activity = walk(title="超预算", start=date(YEAR, 5, 1), until="resubmitted")
    response = api("hq_manager").post(
        f"/activities/{activity.pk}/decision", {"decision": "approve"}
    )
    error = error_of(response, 422, "budget_exceeded")
    assert error["details"] == {
        "kind": "budget",
        "year": YEAR,
        "quarter": None,
        "remaining": "30000.00",
        "amount": "38000.00",
        "excess": "8000.00",
        "breaches": [
            {
                "kind": "budget",
                "year": YEAR,
                "quarter": None,
                "remaining": "30000.00",
                "amount": "38000.00",
                "excess": "8000.00",
            }
        ],
    }


def test_soft_cap_then_signoff_then_approval(api) -> None:  # type: ignore[no-untyped-def]
    set_budget("SN", caps=BODY["caps"], total="1000000.00")
    activity = walk(
        title="超软上限", start=date(YEAR, 5, 1), until="resubmitted", budget={"venue": "25000.00"}
    )
    decision = f"/activities/{activity.pk}/decision"
    error = error_of(api("hq_manager").post(decision, {"decision": "approve"}), 422, "incomplete")
    assert error["details"]["missing"] == ["finance_signoff"]
    assert error["details"]["caps"][0]["excess"] == "5000.00"
    signoff = f"/activities/{activity.pk}/finance-signoff"
    error_of(api("marketing_reviewer").post(signoff, {"reason": "同意"}), 403, "forbidden")
    error_of(api("sn_head").post(signoff, {"reason": "同意"}), 403, "forbidden")
    error_of(api("ha_head").post(signoff, {"reason": "同意"}), 404, "not_found")
    error_of(api("finance_reviewer").post(signoff, {"reason": ""}), 422, "validation_error")
    body = ok(api("finance_reviewer").post(signoff, {"reason": "场地费合理"}))
    assert body["signed_by"] == "finance_reviewer" and body["budget_total"] == "25000.00"
    assert body["by_category"] == {"venue": "25000.00"} and body["on_behalf_of"] is None
    error_of(api("finance_reviewer").post(signoff, {"reason": "再签"}), 409, "duplicate")
    assert ok(api("hq_manager").post(decision, {"decision": "approve"}))["status"] == "approved"
    error = error_of(
        api("finance_reviewer").post(signoff, {"reason": "晚了"}), 409, "invalid_transition"
    )
    assert error["details"]["status"] == "approved"


def test_the_schema_documents_the_figures_and_errors(api) -> None:  # type: ignore[no-untyped-def]
    schema = ok(api().get("/openapi.json"))
    put = schema["paths"]["/api/v1/markets/{code}/budget"]["put"]
    assert {"200", "403", "404", "422"} <= set(put["responses"])
    get = schema["paths"]["/api/v1/markets/{code}/budget"]["get"]
    assert "total − committed − actual" in get["description"]
    assert (
        "422"
        in schema["paths"]["/api/v1/activities/{activity_id}/finance-signoff"]["post"]["responses"]
    )


def test_the_budget_endpoints_do_not_query_more_with_more_activities(  # type: ignore[no-untyped-def]
    api, django_assert_num_queries
) -> None:
    set_budget("SN", caps=BODY["caps"], total="1000000.00")
    client = api("hq_manager")
    walk(title="一", start=date(YEAR, 3, 1), until="approved")
    # token + user; market; budget; caps; budget lines; costs (per market, however many).
    with django_assert_num_queries(6):
        ok(client.get("/markets/SN/budget", {"year": YEAR}))
    # token + user; markets; budgets; caps; budget lines; costs.
    with django_assert_num_queries(6):
        ok(client.get("/budgets", {"year": YEAR}))
    for n in range(3):
        walk(title=f"多{n}", start=date(YEAR, 4, 1 + n), until="resubmitted")
    walk(head="ha_head", title="河南", start=date(YEAR, 4, 1), until="approved")
    with django_assert_num_queries(6):
        body = ok(client.get("/markets/SN/budget", {"year": YEAR}))
    assert len(body["activities"]) == 4
    with django_assert_num_queries(6):
        assert len(ok(client.get("/budgets", {"year": YEAR}))) == 3


def test_a_markets_people_read_their_own_markets_budget(api) -> None:  # type: ignore[no-untyped-def]
    """The contract: HQ roles read everything, market roles their own market."""
    set_budget("SN")
    assert ok(api("sn_staff1").get("/markets/SN/budget", {"year": YEAR}))["total"] == "100000.00"
    error_of(api("sn_staff1").get("/markets/HA/budget", {"year": YEAR}), 404, "not_found")
    assert [b["market"] for b in ok(api("sn_xa_head").get("/budgets", {"year": YEAR}))] == ["SN"]
