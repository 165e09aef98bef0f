"""The stage-4 endpoints as API.md sets them out: evaluation (finance's costs, the manager's
completion), the archive freezing every write, and the lessons with their acknowledgements."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.tests.builders import error_of, ok, walk
from campaigndesk.onsite.models import DailyReport, Summary
from campaigndesk.preparation.models import Material

SN_PEOPLE = [
    "sn_bj_head",
    "sn_head",
    "sn_staff1",
    "sn_staff2",
    "sn_staff3",
    "sn_staff4",
    "sn_xa_head",
    "sn_xy_head",
]
COSTS = [
    {"category": "venue", "amount": "12000.00"},
    {"category": "promotion", "amount": "18800.00"},
    {"category": "materials", "amount": "9600.50"},
]
EVALUATION = {
    "costs": COSTS,
    "sales": "93800.00",
    "attendance": 1130,
    "leads": 216,
    "new_customers": 72,
    "notes": "社区邀约效果好,礼品准备不足。",
}
# Budget 10000 + 18000 + 10000 = 38000.00; targets 1000 attendees, 200 leads, 90000.00 sales.
METRICS = {
    "cost_total": "40400.50",
    "budget_total": "38000.00",
    "budget_variance": "2400.50",
    "roi": "1.3218",  # (93800.00 − 40400.50) / 40400.50 = 1.32175…
    "cost_per_attendee": "35.75",  # 40400.50 / 1130 = 35.7526…
    "attainment": {"attendance": "1.1300", "leads": "1.0800", "sales": "1.0422"},
}


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def wrapped(demo: None) -> Activity:
    return walk(title="西安冬季心脑健康大讲堂")


def lines(body: dict[str, Any]) -> list[dict[str, str]]:
    """The cost lines as entered: category and amount."""
    return [{"category": c["category"], "amount": c["amount"]} for c in body["costs"]]


def status_of(api: Any, activity: Activity, by: str = "hq_manager") -> str:
    return ok(api(by).get(f"/activities/{activity.pk}"))["status"]  # type: ignore[no-any-return]


# --- PUT /activities/{id}/evaluation/costs ------------------------------------------------------


def test_finance_enters_the_actual_costs(api, wrapped: Activity) -> None:
    body = ok(
        api("finance_reviewer").put(f"/activities/{wrapped.pk}/evaluation/costs", {"costs": COSTS})
    )
    assert lines(body) == COSTS
    assert body["completed"] is False
    assert status_of(api, wrapped) == "wrapped_up"
    assert lines(ok(api("hq_manager").get(f"/activities/{wrapped.pk}/evaluation"))) == COSTS


@pytest.mark.parametrize("username", ["planning_reviewer", "sn_head"])
def test_only_finance_and_the_manager_enter_costs(api, wrapped: Activity, username: str) -> None:
    error_of(
        api(username).put(f"/activities/{wrapped.pk}/evaluation/costs", {"costs": COSTS}),
        403,
        "forbidden",
    )
    error_of(api("hq_manager").get(f"/activities/{wrapped.pk}/evaluation"), 404, "not_found")


def test_costs_wait_for_the_wrap_up(api, demo: None) -> None:
    on_site = walk(until="on_site")
    error = error_of(
        api("finance_reviewer").put(f"/activities/{on_site.pk}/evaluation/costs", {"costs": COSTS}),
        409,
        "invalid_transition",
    )
    assert error["details"]["status"] == "on_site"


# --- POST /activities/{id}/evaluation -----------------------------------------------------------


def test_the_manager_completes_the_evaluation_with_the_contracts_metrics(
    api, wrapped: Activity
) -> None:
    body = ok(api("hq_manager").post(f"/activities/{wrapped.pk}/evaluation", EVALUATION), 201)
    assert {k: body[k] for k in EVALUATION if k != "costs"} == {
        k: v for k, v in EVALUATION.items() if k != "costs"
    }
    assert lines(body) == COSTS
    assert body["metrics"] == METRICS
    assert status_of(api, wrapped) == "evaluated"
    # The market reads the same numbers; history shows the step.
    assert ok(api("sn_staff1").get(f"/activities/{wrapped.pk}/evaluation")) == body
    history = ok(api("sn_head").get(f"/activities/{wrapped.pk}/history"))
    assert (history[-1]["action"], history[-1]["from_status"], history[-1]["to_status"]) == (
        "evaluate",
        "wrapped_up",
        "evaluated",
    )


def test_divisors_of_zero_give_null(api, demo: None) -> None:
    activity = walk(targets={"attendance": None, "leads": 0, "sales": None})
    body = ok(
        api("hq_manager").post(
            f"/activities/{activity.pk}/evaluation",
            {
                "costs": [{"category": "venue", "amount": "0.00"}],
                "sales": "500.00",
                "attendance": 0,
                "leads": 3,
            },
        ),
        201,
    )
    assert body["metrics"] == {
        "cost_total": "0.00",
        "budget_total": "38000.00",
        "budget_variance": "-38000.00",
        "roi": None,
        "cost_per_attendee": None,
        "attainment": {"attendance": None, "leads": None, "sales": None},
    }


def test_empty_costs_use_what_finance_entered(api, wrapped: Activity) -> None:
    api("finance_reviewer").put(f"/activities/{wrapped.pk}/evaluation/costs", {"costs": COSTS})
    body = ok(
        api("hq_manager").post(f"/activities/{wrapped.pk}/evaluation", {**EVALUATION, "costs": []}),
        201,
    )
    assert lines(body) == COSTS
    assert body["metrics"]["cost_total"] == "40400.50"
    assert body["completed"] is True


def test_no_costs_anywhere_is_refused(api, wrapped: Activity) -> None:
    error = error_of(
        api("hq_manager").post(f"/activities/{wrapped.pk}/evaluation", {**EVALUATION, "costs": []}),
        422,
        "validation_error",
    )
    assert "costs" in error["details"]["fields"]
    assert status_of(api, wrapped) == "wrapped_up"


@pytest.mark.parametrize("amount", ["-1.00", "12.345"])
def test_negative_or_sub_cent_amounts_are_refused(api, wrapped: Activity, amount: str) -> None:
    costs = [COSTS[0], {"category": "promotion", "amount": amount}]
    error = error_of(
        api("hq_manager").post(
            f"/activities/{wrapped.pk}/evaluation", {**EVALUATION, "costs": costs}
        ),
        422,
        "validation_error",
    )
    assert list(error["details"]["fields"]) == ["costs.1.amount"]
    assert status_of(api, wrapped) == "wrapped_up"


def test_messages_follow_the_requests_language(api, wrapped: Activity) -> None:
    english = error_of(
        api("hq_manager", language="en").post(
            f"/activities/{wrapped.pk}/evaluation", {**EVALUATION, "costs": []}
        ),
        422,
        "validation_error",
    )
    chinese = error_of(
        api("hq_manager").post(f"/activities/{wrapped.pk}/evaluation", {**EVALUATION, "costs": []}),
        422,
        "validation_error",
    )
    assert english["message"] != chinese["message"]
    assert english["details"]["fields"]["costs"] != chinese["details"]["fields"]["costs"]


def test_finance_may_not_complete(api, wrapped: Activity) -> None:
    error_of(
        api("finance_reviewer").post(f"/activities/{wrapped.pk}/evaluation", EVALUATION),
        403,
        "forbidden",
    )
    assert status_of(api, wrapped) == "wrapped_up"


def test_an_activity_on_site_is_not_evaluated(api, demo: None) -> None:
    on_site = walk(until="on_site")
    error = error_of(
        api("hq_manager").post(f"/activities/{on_site.pk}/evaluation", EVALUATION),
        409,
        "invalid_transition",
    )
    assert error["details"]["status"] == "on_site"


def test_another_markets_head_sees_no_evaluation(api, wrapped: Activity) -> None:
    api("hq_manager").post(f"/activities/{wrapped.pk}/evaluation", EVALUATION)
    error_of(api("ha_head").get(f"/activities/{wrapped.pk}/evaluation"), 404, "not_found")
    error_of(api("ha_head").post(f"/activities/{wrapped.pk}/lessons/ack"), 404, "not_found")


def test_no_token_is_401(api, wrapped: Activity) -> None:
    error_of(
        api().post(f"/activities/{wrapped.pk}/evaluation", EVALUATION), 401, "not_authenticated"
    )


# --- an archived activity accepts no change -----------------------------------------------------


def archived_writes(activity: Activity) -> list[tuple[str, str, str, Any]]:
    """Every write on the activity's record: (user, method, path, body)."""
    pk = activity.pk
    material = Material.objects.get(activity=activity)
    report = DailyReport.objects.filter(activity=activity).first()
    summary = Summary.objects.get(activity=activity, kind="activity")
    now = timezone.localtime().isoformat()
    day = activity.start_date.isoformat()
    member = {
        "username": "support_qian",
        "role": "support",
        "duty": "咨询",
        "depart_at": now,
        "return_at": (timezone.localtime() + timedelta(days=1)).isoformat(),
    }
    return [
        ("sn_head", "patch", f"/activities/{pk}", {"revision": activity.revision, "title": "改"}),
        ("sn_head", "post", f"/activities/{pk}/cancel", {"reason": "取消"}),
        ("hq_manager", "post", f"/activities/{pk}/cancel", {"reason": "取消"}),
        ("sn_head", "post", f"/activities/{pk}/submit", {}),
        ("hq_manager", "post", f"/activities/{pk}/lead-time-exception", {"reason": "补录"}),
        (
            "hq_manager",
            "post",
            f"/activities/{pk}/review",
            {"meeting_at": now, "departments": ["planning"]},
        ),
        (
            "planning_reviewer",
            "post",
            f"/activities/{pk}/opinions",
            {"department": "planning", "items": []},
        ),
        ("hq_manager", "post", f"/activities/{pk}/return", {"summary": "再改"}),
        (
            "hq_manager",
            "post",
            f"/activities/{pk}/decision",
            {"decision": "reject", "reason": "否"},
        ),
        (
            "hq_manager",
            "put",
            f"/activities/{pk}/support-team",
            {"name": "", "lead": "support_qian", "members": [member]},
        ),
        ("hq_manager", "post", f"/activities/{pk}/support-team/publish", {}),
        (
            "hq_manager",
            "post",
            f"/activities/{pk}/materials",
            {
                "name": "礼品",
                "quantity": "10",
                "unit": "份",
                "owner_department": "logistics",
                "due_date": day,
            },
        ),
        (
            "logistics_reviewer",
            "patch",
            f"/activities/{pk}/materials/{material.pk}",
            {"status": "shipped", "tracking_no": "SF1"},
        ),
        ("sn_head", "patch", f"/activities/{pk}/materials/{material.pk}", {"status": "received"}),
        ("hq_manager", "post", f"/activities/{pk}/start-onsite", {}),
        ("sn_head", "post", f"/activities/{pk}/meetings", {"kind": "wrap_up", "held_at": now}),
        (
            "sn_head",
            "post",
            f"/activities/{pk}/daily-reports",
            {"date": (activity.end_date).isoformat(), "visitors": 1},
        ),
        ("sn_head", "patch", f"/activities/{pk}/daily-reports/{report.pk}", {"visitors": 9999}),
        (
            "sn_staff1",
            "post",
            f"/activities/{pk}/summaries",
            {"kind": "individual", "text": "补写"},
        ),
        (
            "sn_head",
            "patch",
            f"/activities/{pk}/summaries/{summary.pk}",
            {"strengths": "改写", "weaknesses": "", "text": "改写"},
        ),
        ("sn_head", "post", f"/activities/{pk}/wrap-up", {}),
        ("finance_reviewer", "put", f"/activities/{pk}/evaluation/costs", {"costs": COSTS}),
        ("hq_manager", "post", f"/activities/{pk}/evaluation", EVALUATION),
        ("hq_manager", "post", f"/activities/{pk}/archive", {}),
    ]


def test_every_write_to_an_archived_activity_is_an_invalid_transition(
    api, demo: None, media: Path
) -> None:
    activity = walk(until="evaluated", with_material=True, days=2, reports=[{"visitors": 10}])
    ok(api("hq_manager").post(f"/activities/{activity.pk}/archive"))
    activity.refresh_from_db()
    audit_rows = AuditEntry.objects.filter(activity_id=activity.pk).count()

    wrong = []
    for username, method, path, body in archived_writes(activity):
        response = getattr(api(username), method)(path, body)
        error = response.json().get("error", {}) if response.status_code >= 400 else {}
        if response.status_code != 409 or error.get("code") != "invalid_transition":
            wrong.append((username, method, path, response.status_code, error.get("code")))
        elif error.get("details", {}).get("status") != "archived":
            wrong.append((username, method, path, "details.status", error.get("details")))
    assert wrong == []

    after = Activity.objects.get(pk=activity.pk)
    assert (after.status, after.revision, after.title) == (
        "archived",
        activity.revision,
        activity.title,
    )
    assert AuditEntry.objects.filter(activity_id=activity.pk).count() == audit_rows
    assert DailyReport.objects.filter(activity=activity).get().visitors == 10

    # The lessons follow the archive, as the seed orders.
    ok(
        api("hq_manager").post(
            f"/activities/{activity.pk}/lessons", {"text": "引以为鉴", "items": []}
        ),
        201,
    )
    body = ok(api("sn_staff2").post(f"/activities/{activity.pk}/lessons/ack"))
    assert body["acknowledged"] == ["sn_staff2"]


# --- lessons ------------------------------------------------------------------------------------

LESSON = {
    "text": "统一认识:社区联合邀约、专家讲座值得各市场推广。",
    "items": ["签到与咨询区动线要分开", "礼品按预计到场人数的1.2倍准备"],
}


@pytest.fixture
def evaluated(wrapped: Activity, api) -> Activity:  # type: ignore[no-untyped-def]
    ok(api("hq_manager").post(f"/activities/{wrapped.pk}/evaluation", EVALUATION), 201)
    return wrapped


def test_lessons_are_sent_to_every_person_of_the_market(
    api, evaluated: Activity, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        body = ok(api("hq_manager").post(f"/activities/{evaluated.pk}/lessons", LESSON), 201)
    assert body == {**LESSON, "acknowledged": [], "pending": SN_PEOPLE}
    for username in SN_PEOPLE:
        inbox = ok(api(username).get("/notifications", {"unread": "true"}))["items"]
        assert [(n["kind"], n["activity_id"]) for n in inbox] == [("lessons_sent", evaluated.pk)]
    for username in ("ha_head", "hq_manager", "finance_reviewer"):
        inbox = ok(api(username).get("/notifications", {"unread": "true"}))["items"]
        assert "lessons_sent" not in [n["kind"] for n in inbox]


def test_acknowledging_moves_the_reader_to_acknowledged(api, evaluated: Activity) -> None:
    api("hq_manager").post(f"/activities/{evaluated.pk}/lessons", LESSON)
    body = ok(api("sn_staff1").post(f"/activities/{evaluated.pk}/lessons/ack"))
    assert body["acknowledged"] == ["sn_staff1"]
    assert body["pending"] == [u for u in SN_PEOPLE if u != "sn_staff1"]
    assert ok(api("sn_staff1").post(f"/activities/{evaluated.pk}/lessons/ack")) == body
    assert ok(api("hq_manager").get(f"/activities/{evaluated.pk}/lessons")) == body


def test_other_markets_and_hq_do_not_acknowledge(api, evaluated: Activity) -> None:
    api("hq_manager").post(f"/activities/{evaluated.pk}/lessons", LESSON)
    error_of(api("ha_head").post(f"/activities/{evaluated.pk}/lessons/ack"), 404, "not_found")
    error_of(api("ha_head").get(f"/activities/{evaluated.pk}/lessons"), 404, "not_found")
    error_of(
        api("marketing_reviewer").post(f"/activities/{evaluated.pk}/lessons/ack"), 403, "forbidden"
    )
    body = ok(api("hq_manager").get(f"/activities/{evaluated.pk}/lessons"))
    assert body["acknowledged"] == []


def test_lessons_are_sent_once(api, evaluated: Activity) -> None:
    ok(api("hq_manager").post(f"/activities/{evaluated.pk}/lessons", LESSON), 201)
    error_of(
        api("hq_manager").post(
            f"/activities/{evaluated.pk}/lessons", {"text": "第二份", "items": []}
        ),
        409,
        "duplicate",
    )
    assert ok(api("sn_head").get(f"/activities/{evaluated.pk}/lessons"))["text"] == LESSON["text"]


def test_lessons_wait_for_the_evaluation(api, wrapped: Activity) -> None:
    error = error_of(
        api("hq_manager").post(f"/activities/{wrapped.pk}/lessons", LESSON),
        409,
        "invalid_transition",
    )
    assert error["details"]["status"] == "wrapped_up"
    error_of(api("sn_head").get(f"/activities/{wrapped.pk}/lessons"), 404, "not_found")


def test_the_market_does_not_send_lessons(api, evaluated: Activity) -> None:
    error_of(api("sn_head").post(f"/activities/{evaluated.pk}/lessons", LESSON), 403, "forbidden")
    error = error_of(
        api("hq_manager").post(f"/activities/{evaluated.pk}/lessons", {"text": " ", "items": []}),
        422,
        "validation_error",
    )
    assert list(error["details"]["fields"]) == ["text"]
