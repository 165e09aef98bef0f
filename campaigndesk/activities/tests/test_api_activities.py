"""The stage-1 activity endpoints: create, list, detail, edit, cancel, history."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from campaigndesk.activities import services
from campaigndesk.activities.models import Activity
from campaigndesk.core.models import AuditEntry


def zh(message: str) -> str:
    """`message` as the default language (zh-hans) shows it."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def is_chinese(text: str) -> bool:
    return re.search("[\u4e00-\u9fff]", text) is not None


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


START = timezone.localdate() + timedelta(days=60)


def proposal(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "咸阳健康大讲堂",
        "start_date": str(START),
        "end_date": str(START + timedelta(days=2)),
        "venue": "咸阳市秦都区体育馆",
        "sections": {"background": "中老年保健需求旺盛。", "theme": "专家讲座 + 义诊"},
        "budget": [
            {"category": "venue", "item": "场地", "amount": "0.10"},
            {"category": "promotion", "item": "海报", "amount": "0.20"},
            {"category": "staff", "item": "专家劳务", "amount": "12500"},
        ],
        "targets": {"attendance": 800, "leads": 150, "sales": "96000.5"},
        "staffing": [{"username": "sn_xy_head", "role": "market", "duty": "现场总协调"}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def sn_head(api):
    return api("sn_head")


@pytest.fixture
def draft(sn_head) -> dict[str, Any]:
    """A fresh SN draft made through the API, as the API returned it."""
    response = sn_head.post("/activities", proposal())
    assert response.status_code == 201, response.content
    return response.json()


def history(client, activity_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/activities/{activity_id}/history")
    assert response.status_code == 200, response.content
    return response.json()


# --- POST /activities ---------------------------------------------------------------------------


def test_market_head_creates_a_draft_of_their_market(sn_head) -> None:
    response = sn_head.post("/activities", proposal())

    assert response.status_code == 201
    body = response.json()
    assert body["market"] == "SN"
    assert body["status"] == "draft"
    assert (body["revision"], body["version"]) == (1, 0)
    assert body["created_by"] == "sn_head"
    assert body["submitted_at"] is None
    assert (body["title"], body["venue"]) == ("咸阳健康大讲堂", "咸阳市秦都区体育馆")
    assert (body["start_date"], body["end_date"]) == (
        str(START),
        str(START + timedelta(days=2)),
    )
    assert body["sections"] == {"background": "中老年保健需求旺盛。", "theme": "专家讲座 + 义诊"}
    assert body["targets"] == {"attendance": 800, "leads": 150, "sales": "96000.50"}
    assert body["staffing"] == [{"username": "sn_xy_head", "role": "market", "duty": "现场总协调"}]
    assert Activity.objects.get(pk=body["id"]).market.code == "SN"


def test_money_is_exact_strings(sn_head) -> None:
    body = sn_head.post("/activities", proposal()).json()

    assert body["budget"] == [
        {"category": "venue", "item": "场地", "amount": "0.10"},
        {"category": "promotion", "item": "海报", "amount": "0.20"},
        {"category": "staff", "item": "专家劳务", "amount": "12500.00"},
    ]
    # 0.1 + 0.2 in floats is 0.30000000000000004.
    assert body["budget_total"] == "12500.30"
    assert Decimal(body["budget_total"]) == Decimal("0.10") + Decimal("0.20") + Decimal("12500")


def test_create_with_a_budget_of_cents(sn_head) -> None:
    budget = [
        {"category": "venue", "item": "a", "amount": "0.10"},
        {"category": "venue", "item": "b", "amount": "0.20"},
    ]

    body = sn_head.post("/activities", proposal(budget=budget)).json()

    assert body["budget_total"] == "0.30"


@pytest.mark.parametrize(
    "username", ["hq_manager", "admin", "finance_reviewer", "sn_xa_head", "sn_staff1"]
)
def test_only_a_market_head_may_create(api, username: str) -> None:
    before = Activity.objects.count()

    error_of(api(username).post("/activities", proposal()), 403, "forbidden")

    assert Activity.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sections": {"background": "x", "bogus": "y"}}, "sections.bogus"),
        ({"budget": [{"category": "venue", "item": "场地", "amount": "-5"}]}, "budget.0.amount"),
        (
            {"budget": [{"category": "catering", "item": "餐饮", "amount": "5"}]},
            "budget.0.category",
        ),
        ({"budget": [{"category": "venue", "item": " ", "amount": "5"}]}, "budget.0.item"),
        (
            {"budget": [{"category": "venue", "item": "场地", "amount": "100.005"}]},
            "budget.0.amount",
        ),
        ({"end_date": str(START - timedelta(days=1))}, "end_date"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "长" * 121}, "title"),
        ({"targets": {"attendance": -1}}, "targets.attendance"),
        ({"targets": {"sales": "-1"}}, "targets.sales"),
        (
            {"staffing": [{"username": "nobody", "role": "market", "duty": "x"}]},
            "staffing.0.username",
        ),
        ({"start_date": "2025-02-30"}, "start_date"),
    ],
)
def test_bad_input_is_422_naming_the_field(sn_head, overrides, field: str) -> None:
    before = Activity.objects.count()

    error = error_of(sn_head.post("/activities", proposal(**overrides)), 422, "validation_error")

    assert field in error["details"]["fields"]
    assert Activity.objects.count() == before


def test_missing_required_fields_are_422(sn_head) -> None:
    data = proposal()
    del data["start_date"]
    del data["title"]

    error = error_of(sn_head.post("/activities", data), 422, "validation_error")

    required = zh("This field is required.")
    assert is_chinese(required)
    assert error["details"]["fields"] == {"title": required, "start_date": required}


def test_field_reasons_follow_accept_language(api) -> None:
    data = proposal(budget=[{"category": "venue", "item": "场地", "amount": "1.005"}])

    en = error_of(api("sn_head", "en").post("/activities", data), 422, "validation_error")
    default = error_of(api("sn_head").post("/activities", data), 422, "validation_error")

    assert en["message"] == "Some fields are missing or out of range."
    assert en["details"]["fields"] == {"budget.0.amount": "At most two decimal places."}
    assert default["message"] == zh("Some fields are missing or out of range.")
    assert default["details"]["fields"] == {"budget.0.amount": zh("At most two decimal places.")}
    assert is_chinese(default["message"])
    assert is_chinese(default["details"]["fields"]["budget.0.amount"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sections": {"background": 5}}, "sections.background"),
        ({"budget": "lots"}, "budget"),
        ({"targets": {"attendance": "many"}}, "targets.attendance"),
        ({"title": ["a"]}, "title"),
    ],
)
def test_wrong_json_types_are_400_naming_the_field(sn_head, overrides, field: str) -> None:
    error = error_of(sn_head.post("/activities", proposal(**overrides)), 400, "bad_request")

    assert field in error["details"]["fields"]


def test_unparseable_json_is_400(sn_head) -> None:
    error_of(sn_head.post("/activities", raw="{'title': 'x'}"), 400, "bad_request")


def test_created_at_is_in_shanghai_time(sn_head) -> None:
    body = sn_head.post("/activities", proposal()).json()

    created = datetime.fromisoformat(body["created_at"])
    assert body["created_at"].endswith("+08:00")
    assert abs(created - timezone.now()) < timedelta(minutes=1)


def test_submitted_at_is_in_shanghai_time(sn_head, draft) -> None:
    Activity.objects.filter(pk=draft["id"]).update(
        submitted_at=datetime(2030, 3, 1, 18, 30, tzinfo=UTC)
    )

    body = sn_head.get(f"/activities/{draft['id']}").json()

    # 18:30 UTC is 02:30 the next day in Shanghai.
    assert body["submitted_at"] == "2030-03-02T02:30:00+08:00"


# --- GET /activities ----------------------------------------------------------------------------


def markets_listed(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["market"] for item in response.json()["items"])


def test_list_is_scoped_to_the_callers_market(api) -> None:
    assert markets_listed(api("sn_head").get("/activities")) == ["SN"]
    assert markets_listed(api("sn_staff2").get("/activities")) == ["SN"]
    assert markets_listed(api("ha_head").get("/activities")) == ["HA"]
    assert markets_listed(api("hq_manager").get("/activities")) == ["HA", "SC", "SN"]
    assert markets_listed(api("support_zhao").get("/activities")) == ["HA", "SC", "SN"]


def test_list_filters_by_market(api) -> None:
    assert markets_listed(api("hq_manager").get("/activities", {"market": "HA"})) == ["HA"]
    # A market head asking for another market gets nothing, not that market.
    response = api("sn_head").get("/activities", {"market": "HA"})
    assert response.json() == {"items": [], "count": 0, "page": 1, "page_size": 20}


def test_list_filters_by_status(api, sn_head, draft) -> None:
    sn_head.post(f"/activities/{draft['id']}/cancel", {"reason": "预算调整"})
    hq = api("hq_manager")

    cancelled = hq.get("/activities", {"status": "cancelled"}).json()
    drafts = hq.get("/activities", {"status": "draft"}).json()

    assert [item["id"] for item in cancelled["items"]] == [draft["id"]]
    assert cancelled["count"] == 1
    assert draft["id"] not in [item["id"] for item in drafts["items"]]
    assert drafts["count"] == 3


def test_list_with_an_unknown_status_is_422(sn_head) -> None:
    error = error_of(sn_head.get("/activities", {"status": "finished"}), 422, "validation_error")

    assert "status" in error["details"]["fields"]


def test_list_pages_by_twenty_newest_start_first(sn_head, user) -> None:
    head = user("sn_head")
    for n in range(24):
        start = START + timedelta(days=n)
        services.activity_create(
            by=head,
            data={"title": f"活动{n}", "start_date": start, "end_date": start, "budget": []},
        )

    first = sn_head.get("/activities").json()
    second = sn_head.get("/activities", {"page": 2}).json()
    beyond = sn_head.get("/activities", {"page": 3}).json()

    assert (first["count"], len(first["items"])) == (25, 20)
    assert (second["count"], len(second["items"])) == (25, 5)
    assert (beyond["count"], beyond["items"]) == (25, [])
    starts = [item["start_date"] for item in first["items"] + second["items"]]
    assert starts == sorted(starts, reverse=True)
    assert first["items"][0]["title"] == "活动23"
    assert len({i["id"] for i in first["items"]} | {i["id"] for i in second["items"]}) == 25


def test_list_page_must_be_positive(sn_head) -> None:
    error = error_of(sn_head.get("/activities", {"page": 0}), 422, "validation_error")

    assert "page" in error["details"]["fields"]


def make_activities(by, count: int, lines: int) -> None:
    for n in range(count):
        start = START + timedelta(days=n)
        budget = [
            {"category": "other", "item": f"项目{i}", "amount": Decimal("100.00")}
            for i in range(lines)
        ]
        services.activity_create(
            by=by,
            data={"title": f"批量{n}", "start_date": start, "end_date": start, "budget": budget},
        )


def test_list_query_count_does_not_grow_with_the_data(api, user, django_assert_num_queries) -> None:
    client = api("hq_manager")
    make_activities(user("sn_head"), 3, lines=1)

    # token lookup (user, profile, market, office, department joined); count; the page with
    # market, creator and template joined; the page's budget lines
    with django_assert_num_queries(4):
        small = client.get("/activities")
    assert small.json()["count"] == 6

    make_activities(user("ha_head"), 25, lines=4)

    with django_assert_num_queries(4):
        large = client.get("/activities")
    assert large.json()["count"] == 31
    assert len(large.json()["items"]) == 20
    batch = [item for item in large.json()["items"] if item["market"] == "HA"]
    assert len(batch) >= 15
    assert all(item["budget_total"] == "400.00" for item in batch)


def test_detail_query_count_does_not_grow_with_budget_lines(
    api, user, django_assert_num_queries
) -> None:
    client = api("sn_head")
    make_activities(user("sn_head"), 1, lines=30)
    activity = Activity.objects.get(title="批量0")

    # token lookup; the activity's row with market code, creator and template version; its
    # budget lines (the API no longer reads the template's sections it never shows: 4 → 3)
    with django_assert_num_queries(3):
        response = client.get(f"/activities/{activity.pk}")
    assert response.json()["budget_total"] == "3000.00"


# --- GET /activities/{id} -----------------------------------------------------------------------


def test_another_markets_activity_is_not_found(api, draft) -> None:
    error_of(api("ha_head").get(f"/activities/{draft['id']}"), 404, "not_found")


@pytest.mark.parametrize(
    "username", ["hq_manager", "logistics_reviewer", "sn_staff1", "sn_bj_head"]
)
def test_hq_and_the_markets_people_see_the_activity(api, draft, username: str) -> None:
    response = api(username).get(f"/activities/{draft['id']}")

    assert response.status_code == 200
    assert response.json() == draft


def test_a_missing_activity_is_not_found(sn_head) -> None:
    error_of(sn_head.get("/activities/999999"), 404, "not_found")


# --- PATCH /activities/{id} ---------------------------------------------------------------------


def test_edit_bumps_revision_and_appears_in_history(sn_head, draft) -> None:
    response = sn_head.patch(
        f"/activities/{draft['id']}", {"revision": 1, "title": "咸阳健康大讲堂(第二场)"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["revision"]) == ("咸阳健康大讲堂(第二场)", 2)
    assert body["venue"] == draft["venue"]
    assert body["budget"] == draft["budget"]
    last = history(sn_head, draft["id"])[-1]
    assert (last["action"], last["actor"], last["from_status"], last["to_status"]) == (
        "edit",
        "sn_head",
        "draft",
        "draft",
    )
    assert last["changes"] == {
        "title": {"before": "咸阳健康大讲堂", "after": "咸阳健康大讲堂(第二场)"}
    }


def test_edit_budget_recomputes_the_total(sn_head, draft) -> None:
    budget = [
        {"category": "travel", "item": "差旅", "amount": "1000.10"},
        {"category": "materials", "item": "礼品", "amount": "0.90"},
    ]

    body = sn_head.patch(f"/activities/{draft['id']}", {"revision": 1, "budget": budget}).json()

    assert body["budget_total"] == "1001.00"
    assert [line["amount"] for line in body["budget"]] == ["1000.10", "0.90"]


def test_successive_edits_each_need_the_latest_revision(sn_head, draft) -> None:
    path = f"/activities/{draft['id']}"
    assert sn_head.patch(path, {"revision": 1, "venue": "A"}).json()["revision"] == 2
    assert sn_head.patch(path, {"revision": 2, "venue": "B"}).json()["revision"] == 3


def test_stale_revision_is_409_and_writes_nothing(api, sn_head, draft) -> None:
    path = f"/activities/{draft['id']}"
    sn_head.patch(path, {"revision": 1, "venue": "咸阳会展中心"})
    rows = AuditEntry.objects.filter(activity_id=draft["id"]).count()

    en = api("sn_head", "en").patch(path, {"revision": 1, "title": "我的修改"})

    error = error_of(en, 409, "stale_revision")
    assert error["details"]["revision"] == 2
    assert error["message"] == (
        "This proposal was changed after you opened it (revision 1, now 2); reload it and "
        "apply your edit again."
    )
    current = sn_head.get(path).json()
    assert (current["title"], current["venue"], current["revision"]) == (
        "咸阳健康大讲堂",
        "咸阳会展中心",
        2,
    )
    assert AuditEntry.objects.filter(activity_id=draft["id"]).count() == rows


def test_edit_of_another_markets_activity_is_not_found(api, draft) -> None:
    error_of(
        api("ha_head").patch(f"/activities/{draft['id']}", {"revision": 1, "title": "x"}),
        404,
        "not_found",
    )


@pytest.mark.parametrize("username", ["sn_staff1", "sn_xa_head", "hq_manager"])
def test_edit_by_a_wrong_role_is_forbidden(api, sn_head, draft, username: str) -> None:
    path = f"/activities/{draft['id']}"

    error_of(api(username).patch(path, {"revision": 1, "title": "x"}), 403, "forbidden")

    assert sn_head.get(path).json()["title"] == "咸阳健康大讲堂"


def test_edit_of_a_cancelled_activity_is_invalid_transition(sn_head, draft) -> None:
    path = f"/activities/{draft['id']}"
    sn_head.post(f"{path}/cancel", {"reason": "取消"})

    error = error_of(sn_head.patch(path, {"revision": 2, "title": "x"}), 409, "invalid_transition")

    assert error["details"]["status"] == "cancelled"


def test_invalid_edit_leaves_no_partial_change(sn_head, draft) -> None:
    path = f"/activities/{draft['id']}"
    bad_line = [{"category": "venue", "item": "场地", "amount": "-1"}]

    error = error_of(
        sn_head.patch(path, {"revision": 1, "title": "新标题", "budget": bad_line}),
        422,
        "validation_error",
    )

    assert set(error["details"]["fields"]) == {"budget.0.amount"}
    current = sn_head.get(path).json()
    assert (current["title"], current["revision"], current["budget"]) == (
        draft["title"],
        1,
        draft["budget"],
    )


def test_edit_without_revision_is_422(sn_head, draft) -> None:
    error = error_of(
        sn_head.patch(f"/activities/{draft['id']}", {"title": "x"}), 422, "validation_error"
    )

    assert error["details"]["fields"] == {"revision": zh("This field is required.")}
    assert is_chinese(error["details"]["fields"]["revision"])


def test_edit_with_a_non_numeric_revision_is_400(api, draft) -> None:
    path = f"/activities/{draft['id']}"

    default = error_of(api("sn_head").patch(path, {"revision": "abc"}), 400, "bad_request")
    en = error_of(api("sn_head", "en").patch(path, {"revision": "abc"}), 400, "bad_request")

    assert default["details"]["fields"] == {"revision": zh("Enter a whole number.")}
    assert is_chinese(default["details"]["fields"]["revision"])
    assert default["message"] == zh("Some fields have the wrong type.")
    assert en["details"]["fields"] == {"revision": "Enter a whole number."}
    assert en["message"] == "Some fields have the wrong type."


# --- POST /activities/{id}/cancel ---------------------------------------------------------------


@pytest.mark.parametrize("username", ["sn_head", "hq_manager"])
def test_cancel_by_head_or_hq_manager(api, draft, username: str) -> None:
    client = api(username)

    response = client.post(f"/activities/{draft['id']}/cancel", {"reason": "场馆临时关闭"})

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    last = history(client, draft["id"])[-1]
    assert (last["action"], last["actor"], last["from_status"], last["to_status"]) == (
        "cancel",
        username,
        "draft",
        "cancelled",
    )
    assert last["note"] == "场馆临时关闭"


def test_cancel_of_another_markets_activity_is_not_found(api, sn_head, draft) -> None:
    error_of(api("ha_head").post(f"/activities/{draft['id']}/cancel", {}), 404, "not_found")

    assert sn_head.get(f"/activities/{draft['id']}").json()["status"] == "draft"


@pytest.mark.parametrize("username", ["planning_reviewer", "sn_staff3"])
def test_cancel_by_a_wrong_role_is_forbidden(api, sn_head, draft, username: str) -> None:
    error_of(api(username).post(f"/activities/{draft['id']}/cancel", {}), 403, "forbidden")

    assert sn_head.get(f"/activities/{draft['id']}").json()["status"] == "draft"


def test_cancel_twice_is_invalid_transition(sn_head, draft) -> None:
    path = f"/activities/{draft['id']}/cancel"
    assert sn_head.post(path, {"reason": "一"}).status_code == 200

    error = error_of(sn_head.post(path, {"reason": "二"}), 409, "invalid_transition")

    assert error["details"]["status"] == "cancelled"
    assert [e["note"] for e in history(sn_head, draft["id"]) if e["action"] == "cancel"] == ["一"]


# --- GET /activities/{id}/history ---------------------------------------------------------------


def test_history_lists_every_change_oldest_first(api, sn_head, draft) -> None:
    path = f"/activities/{draft['id']}"
    sn_head.patch(path, {"revision": 1, "venue": "咸阳会展中心"})
    api("hq_manager").post(f"{path}/cancel", {"reason": "总部统一调整档期"})

    entries = history(api("sn_staff1"), draft["id"])

    assert [
        (e["action"], e["actor"], e["from_status"], e["to_status"], e["note"]) for e in entries
    ] == [
        ("create", "sn_head", "", "draft", ""),
        ("edit", "sn_head", "draft", "draft", ""),
        ("cancel", "hq_manager", "draft", "cancelled", "总部统一调整档期"),
    ]
    times = [datetime.fromisoformat(e["at"]) for e in entries]
    assert times == sorted(times)
    assert all(e["at"].endswith("+08:00") for e in entries)


def test_history_of_another_markets_activity_is_not_found(api, draft) -> None:
    error_of(api("sc_head").get(f"/activities/{draft['id']}/history"), 404, "not_found")


def test_activity_endpoints_need_a_token(api, draft) -> None:
    anonymous = api()
    path = f"/activities/{draft['id']}"

    for response in (
        anonymous.get("/activities"),
        anonymous.post("/activities", proposal()),
        anonymous.get(path),
        anonymous.patch(path, {"revision": 1, "title": "x"}),
        anonymous.post(f"{path}/cancel", {}),
        anonymous.get(f"{path}/history"),
    ):
        error_of(response, 401, "not_authenticated")
    assert Activity.objects.get(pk=draft["id"]).title == "咸阳健康大讲堂"


def test_start_date_is_a_plain_date(sn_head, draft) -> None:
    body = sn_head.get(f"/activities/{draft['id']}").json()

    assert date.fromisoformat(body["start_date"]) == START


def test_patch_of_one_target_keeps_the_others(api) -> None:  # type: ignore[no-untyped-def]
    client = api("sn_head")
    created = client.post(
        "/activities",
        {
            "title": "目标",
            "start_date": "2031-03-01",
            "end_date": "2031-03-02",
            "targets": {"attendance": 100, "leads": 20, "sales": "5000"},
        },
    ).json()
    response = client.patch(
        f"/activities/{created['id']}", {"revision": 1, "targets": {"attendance": 150}}
    )
    assert response.status_code == 200
    assert response.json()["targets"] == {"attendance": 150, "leads": 20, "sales": "5000.00"}


def test_cancel_needs_no_body(api) -> None:  # type: ignore[no-untyped-def]
    client = api("sn_head")
    created = client.post(
        "/activities", {"title": "取消", "start_date": "2031-03-01", "end_date": "2031-03-02"}
    ).json()
    response = client.post(f"/activities/{created['id']}/cancel", raw="")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


def test_a_json_array_body_is_a_bad_request(api) -> None:  # type: ignore[no-untyped-def]
    response = api("sn_head").post("/activities", raw="[1, 2]")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_unknown_path_and_wrong_method_answer_with_the_error_body(api) -> None:  # type: ignore[no-untyped-def]
    client = api("sn_head")
    missing = client.get("/no-such-endpoint")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = client.put("/me", {})
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"
    assert wrong["Allow"] == "GET"


def test_patch_of_one_section_keeps_the_others(api) -> None:  # type: ignore[no-untyped-def]
    client = api("sn_head")
    created = client.post(
        "/activities",
        {
            "title": "环节",
            "start_date": "2031-03-01",
            "end_date": "2031-03-02",
            "sections": {"background": "背景", "theme": "主题"},
        },
    ).json()
    response = client.patch(
        f"/activities/{created['id']}",
        {"revision": 1, "sections": {"theme": "新主题", "background": ""}},
    )
    assert response.status_code == 200
    assert response.json()["sections"] == {"theme": "新主题"}
