"""The stage-1 endpoints as API.md sets them out: submit, lead-time exception, review meeting,
opinions, return, resubmit, decision, "my reviews" — status codes, bodies and error codes."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from campaigndesk.activities import services as activities
from campaigndesk.activities.models import Activity
from campaigndesk.reviews import services as reviews
from campaigndesk.reviews.models import OpinionItem

SHANGHAI = ZoneInfo("Asia/Shanghai")
SECTIONS = {
    key: f"{key} 的内容。"
    for key in (
        "background",
        "theme",
        "audience",
        "schedule",
        "promotion",
        "products",
        "materials",
        "risk",
    )
}
STAFFING = [{"username": "sn_bj_head", "role": "market", "duty": "现场总协调"}]
DEFAULT_DEPARTMENTS = ["planning", "marketing", "logistics", "finance"]


def error_of(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def make_draft(user, *, head: str = "sn_head", days: int = 40, **overrides: Any) -> Activity:
    start = timezone.localdate() + timedelta(days=days)
    data: dict[str, Any] = {
        "title": "宝鸡社区健康讲座",
        "start_date": start,
        "end_date": start + timedelta(days=1),
        "venue": "宝鸡市渭滨区文化馆",
        "sections": SECTIONS,
        "budget": [{"category": "venue", "item": "场地", "amount": Decimal("8000")}],
    }
    data.update(overrides)
    return activities.activity_create(by=user(head), data=data)


def submitted(user, **overrides: Any) -> Activity:
    draft = make_draft(user, **overrides)
    return activities.activity_submit(activity_id=draft.pk, by=draft.created_by)


def open_round(user, activity: Activity, departments: list[str]) -> None:
    reviews.review_open(
        activity_id=activity.pk,
        by=user("hq_manager"),
        meeting_at=datetime(2030, 1, 10, 14, 0, tzinfo=SHANGHAI),
        departments=departments,
    )


def give_all(user, activity: Activity, departments: list[str], items: int = 1) -> None:
    for department in departments:
        reviews.opinion_give(
            activity_id=activity.pk,
            by=user(f"{department}_reviewer"),
            department=department,
            items=[
                {"section": "risk", "comment": f"{department} 意见 {n}", "required_change": n == 0}
                for n in range(items)
            ],
        )


def full_round(user, activity: Activity, departments: list[str], items: int = 1) -> None:
    open_round(user, activity, departments)
    give_all(user, activity, departments, items)
    reviews.review_return(activity_id=activity.pk, by=user("hq_manager"), summary="请细化。")


def required_items(activity: Activity) -> list[OpinionItem]:
    """The required-change items of the activity's latest round."""
    last = activity.review_rounds.order_by("-number").first()
    return list(
        OpinionItem.objects.filter(opinion__round=last, required_change=True).order_by("pk")
    )


def resubmit_all(user, activity: Activity) -> None:
    activities.activity_resubmit(
        activity_id=activity.pk,
        by=user("sn_head"),
        changes={},
        staffing=STAFFING,
        responses=[{"item_id": i.pk, "response": "已改"} for i in required_items(activity)],
    )


def freeze_at_noon(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today stays today, at 12:00 in Shanghai, so no test straddles midnight."""
    noon = datetime.combine(timezone.localdate(), time(12), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: noon)


# --- POST /activities/{id}/submit ---------------------------------------------------------------


def test_submit_answers_with_the_submitted_activity(api, user) -> None:
    draft = make_draft(user)

    body = ok(api("sn_head").post(f"/activities/{draft.pk}/submit"))

    assert (body["status"], body["version"], body["revision"]) == ("submitted", 1, 2)
    assert body["submitted_at"].endswith("+08:00")
    assert abs(datetime.fromisoformat(body["submitted_at"]) - timezone.now()) < timedelta(minutes=1)


def test_submit_with_the_current_revision_is_accepted(api, user) -> None:
    draft = make_draft(user)

    assert ok(api("sn_head").post(f"/activities/{draft.pk}/submit", {"revision": 1}))


def test_submit_with_missing_sections_names_them(api, user) -> None:
    sections = {k: v for k, v in SECTIONS.items() if k not in ("products", "risk")}
    draft = make_draft(user, sections=sections)

    error = error_of(api("sn_head").post(f"/activities/{draft.pk}/submit"), 422, "validation_error")

    assert error["details"]["missing"] == ["products", "risk"]
    assert set(error["details"]["fields"]) == {"sections.products", "sections.risk"}
    assert Activity.objects.get(pk=draft.pk).status == "draft"


def test_submit_too_late_gives_lead_days_and_days_left(api, user, monkeypatch) -> None:
    client = api("sn_head")
    freeze_at_noon(monkeypatch)
    draft = make_draft(user, days=19)

    error = error_of(client.post(f"/activities/{draft.pk}/submit"), 422, "lead_time_violation")

    assert error["details"] == {"lead_days": 20, "days_left": 19}
    assert "20" in error["message"] and "19" in error["message"]
    assert Activity.objects.get(pk=draft.pk).status == "draft"


def test_submit_exactly_lead_days_ahead_is_accepted(api, user, monkeypatch) -> None:
    client = api("sn_head")
    freeze_at_noon(monkeypatch)
    draft = make_draft(user, days=20)

    assert ok(client.post(f"/activities/{draft.pk}/submit"))["status"] == "submitted"


def test_submit_by_a_wrong_role_or_market(api, user) -> None:
    draft = make_draft(user)
    path = f"/activities/{draft.pk}/submit"

    error_of(api("hq_manager").post(path), 403, "forbidden")
    error_of(api("sn_staff1").post(path), 403, "forbidden")
    error_of(api("ha_head").post(path), 404, "not_found")
    error_of(api().post(path), 401, "not_authenticated")

    assert Activity.objects.get(pk=draft.pk).status == "draft"


def test_submit_twice_names_the_status(api, user) -> None:
    activity = submitted(user)

    error = error_of(
        api("sn_head").post(f"/activities/{activity.pk}/submit"), 409, "invalid_transition"
    )

    assert error["details"] == {"status": "submitted"}


def test_submit_on_a_stale_revision(api, user) -> None:
    draft = make_draft(user)
    client = api("sn_head")
    ok(client.patch(f"/activities/{draft.pk}", {"revision": 1, "venue": "宝鸡会展中心"}))

    error = error_of(
        client.post(f"/activities/{draft.pk}/submit", {"revision": 1}), 409, "stale_revision"
    )

    assert error["details"] == {"revision": 2}
    assert Activity.objects.get(pk=draft.pk).status == "draft"


# --- POST /activities/{id}/lead-time-exception ----------------------------------------------


def test_lead_time_exception_then_a_late_submission(api, user, monkeypatch) -> None:
    head, manager = api("sn_head"), api("hq_manager")
    freeze_at_noon(monkeypatch)
    draft = make_draft(user, days=3)
    path = f"/activities/{draft.pk}"
    error_of(head.post(f"{path}/submit"), 422, "lead_time_violation")

    ok(manager.post(f"{path}/lead-time-exception", {"reason": "配合全省义诊周"}))

    assert ok(head.post(f"{path}/submit"))["status"] == "submitted"
    entries = ok(head.get(f"{path}/history"))
    assert [(e["action"], e["actor"], e["note"]) for e in entries[-2:]] == [
        ("lead_time_exception", "hq_manager", "配合全省义诊周"),
        ("submit", "sn_head", entries[-1]["note"]),
    ]


def test_lead_time_exception_errors(api, user) -> None:
    draft = make_draft(user)
    path = f"/activities/{draft.pk}/lead-time-exception"

    no_reason = error_of(api("hq_manager").post(path, {"reason": " "}), 422, "validation_error")
    error_of(api("hq_manager").post(path, {}), 422, "validation_error")
    error_of(api("sn_head").post(path, {"reason": "急"}), 403, "forbidden")
    activities.activity_submit(activity_id=draft.pk, by=user("sn_head"))
    late = error_of(api("hq_manager").post(path, {"reason": "急"}), 409, "invalid_transition")

    assert set(no_reason["details"]["fields"]) == {"reason"}
    assert late["details"] == {"status": "submitted"}


# --- POST /activities/{id}/review and GET /activities/{id}/reviews ------------------------------


def test_open_review_with_the_default_departments(api, user) -> None:
    activity = submitted(user)
    manager = api("hq_manager")

    body = ok(manager.post(f"/activities/{activity.pk}/review", {"meeting_at": "2030-01-10T14:00"}))

    assert body["status"] == "in_review"
    [meeting] = ok(manager.get(f"/activities/{activity.pk}/reviews"))
    assert meeting["round"] == 1
    assert meeting["version"] == 1
    # Without an offset, the meeting time is read as Shanghai time.
    assert meeting["meeting_at"] == "2030-01-10T14:00:00+08:00"
    assert meeting["opened_by"] == "hq_manager"
    assert meeting["departments"] == DEFAULT_DEPARTMENTS
    assert (meeting["given"], meeting["owed"]) == ([], DEFAULT_DEPARTMENTS)


def test_open_review_with_chosen_departments_and_an_offset(api, user) -> None:
    activity = submitted(user)
    manager = api("hq_manager")

    ok(
        manager.post(
            f"/activities/{activity.pk}/review",
            {"meeting_at": "2030-01-10T06:00:00Z", "departments": ["finance", "planning"]},
        )
    )

    [meeting] = ok(manager.get(f"/activities/{activity.pk}/reviews"))
    assert meeting["departments"] == ["planning", "finance"]
    assert meeting["meeting_at"] == "2030-01-10T14:00:00+08:00"


def test_open_review_errors(api, user) -> None:
    draft = make_draft(user)
    activity = submitted(user, title="另一场")
    body = {"meeting_at": "2030-01-10T14:00", "departments": ["planning"]}

    unknown = error_of(
        api("hq_manager").post(
            f"/activities/{activity.pk}/review", {**body, "departments": ["planning", "catering"]}
        ),
        422,
        "validation_error",
    )
    error_of(
        api("planning_reviewer").post(f"/activities/{activity.pk}/review", body), 403, "forbidden"
    )
    error_of(api("ha_head").post(f"/activities/{activity.pk}/review", body), 404, "not_found")
    wrong = error_of(
        api("hq_manager").post(f"/activities/{draft.pk}/review", body), 409, "invalid_transition"
    )
    error_of(
        api("hq_manager").post(f"/activities/{activity.pk}/review", {"departments": []}),
        422,
        "validation_error",
    )

    assert "departments" in unknown["details"]["fields"]
    assert wrong["details"] == {"status": "draft"}
    assert Activity.objects.get(pk=activity.pk).status == "submitted"


# --- POST and GET /activities/{id}/opinions -----------------------------------------------------


@pytest.fixture
def in_review(user) -> Activity:
    """In review, planning and marketing invited."""
    activity = submitted(user)
    open_round(user, activity, ["planning", "marketing"])
    return activity


OPINION = {
    "department": "planning",
    "items": [
        {"section": "schedule", "comment": "日程过紧,请拆分。", "required_change": True},
        {"section": "general", "comment": "整体可行。"},
    ],
}


def test_give_an_opinion(api, in_review) -> None:
    response = api("planning_reviewer").post(f"/activities/{in_review.pk}/opinions", OPINION)

    body = ok(response, 201)
    assert isinstance(body["id"], int)
    assert (body["department"], body["round"], body["given_by"], body["on_behalf_of"]) == (
        "planning",
        1,
        "planning_reviewer",
        None,
    )
    assert body["given_at"].endswith("+08:00")
    assert [
        {k: item[k] for k in ("section", "comment", "required_change")} for item in body["items"]
    ] == [
        {"section": "schedule", "comment": "日程过紧,请拆分。", "required_change": True},
        {"section": "general", "comment": "整体可行。", "required_change": False},
    ]
    ids = [item["id"] for item in body["items"]]
    assert sorted(
        OpinionItem.objects.filter(opinion_id=body["id"]).values_list("pk", flat=True)
    ) == sorted(ids)


def test_a_second_opinion_in_the_round_is_a_duplicate(api, in_review) -> None:
    path = f"/activities/{in_review.pk}/opinions"
    ok(api("planning_reviewer").post(path, OPINION), 201)

    error_of(api("planning_reviewer").post(path, OPINION), 409, "duplicate")

    assert len(ok(api("hq_manager").get(path))) == 1


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("marketing_reviewer", 403, "forbidden"),
        ("sn_head", 403, "forbidden"),
        ("hq_manager", 403, "forbidden"),
        ("ha_head", 404, "not_found"),
    ],
)
def test_only_the_departments_reviewer_gives_its_opinion(
    api, in_review, username: str, status: int, code: str
) -> None:
    path = f"/activities/{in_review.pk}/opinions"

    error_of(api(username).post(path, OPINION), status, code)

    assert ok(api("hq_manager").get(path)) == []


def test_an_opinion_of_a_department_not_invited(api, in_review) -> None:
    error = error_of(
        api("logistics_reviewer").post(
            f"/activities/{in_review.pk}/opinions", {**OPINION, "department": "logistics"}
        ),
        422,
        "validation_error",
    )

    assert set(error["details"]["fields"]) == {"department"}


def test_an_item_on_a_section_outside_the_template(api, in_review) -> None:
    items = [
        {"section": "budget", "comment": "预算偏高。"},
        {"section": "general", "comment": "好"},
    ]

    error = error_of(
        api("planning_reviewer").post(
            f"/activities/{in_review.pk}/opinions", {"department": "planning", "items": items}
        ),
        422,
        "validation_error",
    )

    assert set(error["details"]["fields"]) == {"items.0.section"}


def test_an_item_with_an_empty_comment(api, in_review) -> None:
    items = [{"section": "risk", "comment": ""}]

    error = error_of(
        api("planning_reviewer").post(
            f"/activities/{in_review.pk}/opinions", {"department": "planning", "items": items}
        ),
        422,
        "validation_error",
    )

    assert set(error["details"]["fields"]) == {"items.0.comment"}


def test_an_opinion_on_a_submitted_activity(api, user) -> None:
    activity = submitted(user)

    error = error_of(
        api("planning_reviewer").post(f"/activities/{activity.pk}/opinions", OPINION),
        409,
        "invalid_transition",
    )

    assert error["details"] == {"status": "submitted"}


def test_opinions_of_every_round_with_their_round(api, user) -> None:
    activity = submitted(user)
    full_round(user, activity, ["planning", "finance"])
    resubmit_all(user, activity)
    full_round(user, activity, ["planning"])

    opinions = ok(api("sn_staff1").get(f"/activities/{activity.pk}/opinions"))

    assert [(o["round"], o["department"]) for o in opinions] == [
        (1, "planning"),
        (1, "finance"),
        (2, "planning"),
    ]
    assert opinions[0]["items"][0]["response"] == "已改"
    assert opinions[2]["items"][0]["response"] == ""
    error_of(api("ha_head").get(f"/activities/{activity.pk}/opinions"), 404, "not_found")
    error_of(api("sc_head").get(f"/activities/{activity.pk}/reviews"), 404, "not_found")


# --- POST /activities/{id}/return ---------------------------------------------------------------


def test_return_once_every_invited_department_has_spoken(
    api, user, in_review, django_capture_on_commit_callbacks
) -> None:
    manager = api("hq_manager")
    path = f"/activities/{in_review.pk}"
    ok(api("planning_reviewer").post(f"{path}/opinions", OPINION), 201)

    waiting = error_of(manager.post(f"{path}/return", {"summary": "请细化"}), 422, "incomplete")
    [meeting] = ok(manager.get(f"{path}/reviews"))
    ok(
        api("marketing_reviewer").post(
            f"{path}/opinions",
            {"department": "marketing", "items": [{"section": "promotion", "comment": "加大"}]},
        ),
        201,
    )
    no_summary = error_of(manager.post(f"{path}/return", {}), 422, "validation_error")
    with django_capture_on_commit_callbacks(execute=True):
        body = ok(manager.post(f"{path}/return", {"summary": "日程与宣传请细化。"}))

    assert waiting["details"] == {"missing": ["marketing"]}
    assert (meeting["given"], meeting["owed"]) == (["planning"], ["marketing"])
    assert set(no_summary["details"]["fields"]) == {"summary"}
    assert body["status"] == "revision_requested"
    [meeting] = ok(manager.get(f"{path}/reviews"))
    assert (meeting["given"], meeting["owed"]) == (["planning", "marketing"], [])
    assert meeting["summary"] == "日程与宣传请细化。"
    assert meeting["returned_at"].endswith("+08:00")
    inbox = ok(api("sn_head").get("/notifications", {"unread": "true"}))["items"]
    assert [n["kind"] for n in inbox if n["activity_id"] == in_review.pk] == ["revision_requested"]


def test_return_by_a_wrong_role_or_status(api, user, in_review) -> None:
    give_all(user, in_review, ["planning", "marketing"])
    path = f"/activities/{in_review.pk}/return"

    error_of(api("planning_reviewer").post(path, {"summary": "x"}), 403, "forbidden")
    error_of(api("sn_head").post(path, {"summary": "x"}), 403, "forbidden")
    ok(api("hq_manager").post(path, {"summary": "x"}))
    again = error_of(api("hq_manager").post(path, {"summary": "x"}), 409, "invalid_transition")

    assert again["details"] == {"status": "revision_requested"}


# --- POST /activities/{id}/resubmit -------------------------------------------------------------


@pytest.fixture
def returned(user) -> Activity:
    """Back with the market: planning's item 0 and finance's item 0 require a change."""
    activity = submitted(user)
    full_round(user, activity, ["planning", "finance"], items=2)
    return activity


def test_resubmit_with_changes_staffing_and_responses(api, returned) -> None:
    items = required_items(returned)
    budget = [
        {"category": "venue", "item": "场地", "amount": "6500.00"},
        {"category": "materials", "item": "礼品", "amount": "3000"},
    ]

    body = ok(
        api("sn_head").post(
            f"/activities/{returned.pk}/resubmit",
            {
                "changes": {"venue": "宝鸡会展中心", "budget": budget},
                "staffing": [
                    *STAFFING,
                    {"name": "外聘主持人 李娜", "role": "host", "duty": "主持"},
                ],
                "responses": [{"item_id": i.pk, "response": f"已改 {i.pk}"} for i in items],
            },
        )
    )

    assert (body["status"], body["version"]) == ("resubmitted", 2)
    assert body["venue"] == "宝鸡会展中心"
    assert body["budget"] == [
        {"category": "venue", "item": "场地", "amount": "6500.00"},
        {"category": "materials", "item": "礼品", "amount": "3000.00"},
    ]
    assert body["budget_total"] == "9500.00"
    assert body["staffing"] == [
        *STAFFING,
        {"name": "外聘主持人 李娜", "role": "host", "duty": "主持"},
    ]
    opinions = ok(api("sn_head").get(f"/activities/{returned.pk}/opinions"))
    responses = {i["id"]: i["response"] for o in opinions for i in o["items"]}
    assert {pk: text for pk, text in responses.items() if text} == {
        i.pk: f"已改 {i.pk}" for i in items
    }


def test_resubmit_may_move_the_dates(api, returned) -> None:
    new_start = returned.start_date + timedelta(days=7)

    body = ok(
        api("sn_head").post(
            f"/activities/{returned.pk}/resubmit",
            {
                "changes": {
                    "start_date": str(new_start),
                    "end_date": str(new_start + timedelta(days=1)),
                },
                "staffing": STAFFING,
                "responses": [
                    {"item_id": i.pk, "response": "已改"} for i in required_items(returned)
                ],
            },
        )
    )

    # Dates arrive as JSON strings, as in PATCH (they were once refused as "required").
    assert (body["start_date"], body["end_date"]) == (
        str(new_start),
        str(new_start + timedelta(days=1)),
    )


def test_resubmit_errors(api, user, returned) -> None:
    items = required_items(returned)
    path = f"/activities/{returned.pk}/resubmit"
    answers = [{"item_id": i.pk, "response": "已改"} for i in items]
    head = api("sn_head")

    empty = error_of(
        head.post(path, {"staffing": [], "responses": answers}), 422, "validation_error"
    )
    unanswered = error_of(
        head.post(path, {"staffing": STAFFING, "responses": answers[:1]}),
        422,
        "unanswered_opinions",
    )
    unknown = error_of(
        head.post(
            path,
            {
                "staffing": [{"username": "nobody", "role": "market", "duty": "x"}],
                "responses": answers,
            },
        ),
        422,
        "validation_error",
    )
    error_of(
        api("hq_manager").post(path, {"staffing": STAFFING, "responses": answers}),
        403,
        "forbidden",
    )
    error_of(
        api("ha_head").post(path, {"staffing": STAFFING, "responses": answers}), 404, "not_found"
    )

    assert set(empty["details"]["fields"]) == {"staffing"}
    assert unanswered["details"] == {"item_ids": [items[1].pk]}
    assert set(unknown["details"]["fields"]) == {"staffing.0.username"}
    assert ok(head.get(f"/activities/{returned.pk}"))["status"] == "revision_requested"


# --- POST /activities/{id}/decision -------------------------------------------------------------


@pytest.fixture
def resubmitted(user, returned) -> Activity:
    resubmit_all(user, returned)
    return returned


def test_approve(api, resubmitted, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        body = ok(
            api("hq_manager").post(
                f"/activities/{resubmitted.pk}/decision", {"decision": "approve"}
            )
        )

    assert body["status"] == "approved"
    inbox = ok(api("sn_head").get("/notifications"))["items"]
    assert "decision" in [n["kind"] for n in inbox if n["activity_id"] == resubmitted.pk]


def test_reject_needs_a_reason_and_keeps_it(api, resubmitted) -> None:
    path = f"/activities/{resubmitted.pk}/decision"
    manager = api("hq_manager")

    error = error_of(manager.post(path, {"decision": "reject"}), 422, "validation_error")
    body = ok(manager.post(path, {"decision": "reject", "reason": "与总部统一活动冲突"}))

    assert set(error["details"]["fields"]) == {"reason"}
    assert body["status"] == "rejected"
    last = ok(manager.get(f"/activities/{resubmitted.pk}/history"))[-1]
    assert (last["action"], last["actor"], last["from_status"], last["to_status"]) == (
        "reject",
        "hq_manager",
        "resubmitted",
        "rejected",
    )
    assert last["note"] == "与总部统一活动冲突"


def test_decision_errors(api, user, resubmitted, in_review) -> None:
    path = f"/activities/{resubmitted.pk}/decision"

    error_of(api("planning_reviewer").post(path, {"decision": "approve"}), 403, "forbidden")
    error_of(api("sn_head").post(path, {"decision": "approve"}), 403, "forbidden")
    error_of(api("hq_manager").post(path, {"decision": "perhaps"}), 422, "validation_error")
    early = error_of(
        api("hq_manager").post(f"/activities/{in_review.pk}/decision", {"decision": "approve"}),
        409,
        "invalid_transition",
    )

    assert early["details"] == {"status": "in_review"}
    assert Activity.objects.get(pk=resubmitted.pk).status == "resubmitted"


def test_another_round_from_the_resubmission(api, resubmitted) -> None:
    manager = api("hq_manager")

    ok(
        manager.post(
            f"/activities/{resubmitted.pk}/review",
            {"meeting_at": "2030-02-01T10:00", "departments": ["finance"]},
        )
    )

    meetings = ok(manager.get(f"/activities/{resubmitted.pk}/reviews"))
    assert [(m["round"], m["version"], m["owed"]) for m in meetings] == [
        (1, 1, []),
        (2, 2, ["finance"]),
    ]


# --- GET /reviews/mine --------------------------------------------------------------------------


def test_my_reviews_lists_the_meetings_of_my_department(api, user, in_review) -> None:
    planning = api("planning_reviewer")
    before = ok(planning.get("/reviews/mine"))
    ok(planning.post(f"/activities/{in_review.pk}/opinions", OPINION), 201)
    after = ok(planning.get("/reviews/mine"))

    [row] = [r for r in before if r["activity_id"] == in_review.pk]
    assert row == {
        "activity_id": in_review.pk,
        "title": "宝鸡社区健康讲座",
        "market": "SN",
        "status": "in_review",
        "round": 1,
        "meeting_at": "2030-01-10T14:00:00+08:00",
        "department": "planning",
        "opinion_id": None,
        "owed": True,
    }
    [row] = [r for r in after if r["activity_id"] == in_review.pk]
    assert (row["owed"], isinstance(row["opinion_id"], int)) == (False, True)
    # Logistics is not invited; a market head has no department.
    assert in_review.pk not in [
        r["activity_id"] for r in ok(api("logistics_reviewer").get("/reviews/mine"))
    ]
    assert ok(api("sn_head").get("/reviews/mine")) == []


# --- the lists do not grow in queries with the data ---------------------------------------------


def test_opinions_query_count_does_not_grow(api, user, django_assert_num_queries) -> None:
    small = submitted(user)
    open_round(user, small, ["planning"])
    give_all(user, small, ["planning"], items=1)
    large = submitted(user, title="大型")
    full_round(user, large, DEFAULT_DEPARTMENTS, items=3)
    resubmit_all(user, large)
    open_round(user, large, DEFAULT_DEPARTMENTS)
    give_all(user, large, DEFAULT_DEPARTMENTS, items=3)
    client = api("sn_head")

    # token with user, profile, market, office, department; the activity with market, creator
    # and template; its budget lines; its template's sections; the rounds with opener and
    # returner; their departments; their opinions with department and authors; the items
    with django_assert_num_queries(8):
        one = ok(client.get(f"/activities/{small.pk}/opinions"))
    with django_assert_num_queries(8):
        many = ok(client.get(f"/activities/{large.pk}/opinions"))

    assert [len(o["items"]) for o in one] == [1]
    assert [len(o["items"]) for o in many] == [3] * 8
    assert sorted({o["round"] for o in many}) == [1, 2]


def test_my_reviews_query_count_does_not_grow(api, user, django_assert_num_queries) -> None:
    client = api("planning_reviewer")
    small = submitted(user)
    open_round(user, small, ["planning"])

    # token with user, profile, market, office, department; the delegations to the caller;
    # the rounds with activity and market; their departments; their opinions with department
    with django_assert_num_queries(5):
        before = ok(client.get("/reviews/mine"))

    for n in range(3):
        activity = submitted(user, title=f"批量{n}", head=("sn_head", "ha_head", "sc_head")[n])
        full_round(user, activity, DEFAULT_DEPARTMENTS, items=3)
        activities.activity_resubmit(
            activity_id=activity.pk,
            by=activity.created_by,
            changes={},
            staffing=[{"name": "张三", "role": "market", "duty": "总协调"}],
            responses=[{"item_id": i.pk, "response": "已改"} for i in required_items(activity)],
        )
        open_round(user, activity, DEFAULT_DEPARTMENTS)
        give_all(user, activity, DEFAULT_DEPARTMENTS, items=3)

    with django_assert_num_queries(5):
        after = ok(client.get("/reviews/mine"))

    # Three activities of three markets, two rounds each, planning invited to every one.
    assert len(after) == len(before) + 6
    mine = [(r["activity_id"], r["owed"]) for r in after if r["activity_id"] >= small.pk]
    # Open meetings first: only the small activity still owes the planning opinion.
    assert mine[0] == (small.pk, True)
    assert [owed for _id, owed in mine[1:]] == [False] * 6


def test_stage_1_endpoints_need_a_token(api, in_review) -> None:
    anonymous = api()
    path = f"/activities/{in_review.pk}"

    for response in (
        anonymous.post(f"{path}/lead-time-exception", {"reason": "x"}),
        anonymous.post(f"{path}/review", {"meeting_at": "2030-01-10T14:00"}),
        anonymous.post(f"{path}/opinions", OPINION),
        anonymous.get(f"{path}/opinions"),
        anonymous.get(f"{path}/reviews"),
        anonymous.post(f"{path}/return", {"summary": "x"}),
        anonymous.post(f"{path}/resubmit", {"staffing": STAFFING}),
        anonymous.post(f"{path}/decision", {"decision": "approve"}),
        anonymous.get("/reviews/mine"),
    ):
        error_of(response, 401, "not_authenticated")
