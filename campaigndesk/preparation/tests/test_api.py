"""The stage-2 endpoints as API.md sets them out: support team, publish, materials, start on
site and "my assignments" — status codes, bodies and error codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from campaigndesk.activities import services as activities
from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import _full_sections
from campaigndesk.core.models import AuditEntry
from campaigndesk.preparation.models import Material, SupportTeam
from campaigndesk.preparation.tests.test_services import (
    add_material,
    approved,
    at,
    publish,
    team_save,
    trip,
)


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def error_of(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def body_member(username: str, activity: Activity, role: str = "support", **over: Any) -> dict:
    depart, back = trip(activity)
    return {
        "username": username,
        "role": role,
        "duty": "现场咨询",
        "depart_at": depart.isoformat(),
        "return_at": back.isoformat(),
        **over,
    }


def team_body(activity: Activity, *usernames: str, lead: str | None = None, **over: Any) -> dict:
    return {
        "name": "",
        "lead": lead or usernames[0],
        "members": [body_member(u, activity) for u in usernames],
        **over,
    }


def put_team(api, activity: Activity, body: dict, by: str = "hq_manager"):
    return api(by).put(f"/activities/{activity.pk}/support-team", body)


def complete_draft(user) -> Activity:
    """A complete draft, ready to submit."""
    start = timezone.localdate() + timedelta(days=40)
    return activities.activity_create(
        by=user("sn_head"),
        data={
            "title": "咸阳健康大讲堂",
            "start_date": start,
            "end_date": start,
            "sections": _full_sections("咸阳健康大讲堂"),
            "budget": [{"category": "venue", "item": "场地", "amount": "100.00"}],
        },
    )


# --- PUT /activities/{id}/support-team ----------------------------------------------------------


def test_put_team_returns_the_team_in_beijing_time_with_role_counts(user, api) -> None:
    activity = approved(user)
    day = activity.start_date
    body = {
        "name": "",
        "lead": "expert_zhang",
        "members": [
            {
                "username": "expert_zhang",
                "role": "expert",
                "duty": "健康讲座主讲",
                "depart_at": f"{day - timedelta(days=1)}T08:30:00+08:00",
                "return_at": f"{day + timedelta(days=2)}T18:00:00",  # no offset: Beijing time
            },
            {
                "username": "support_zhao",
                "role": "support",
                "duty": "签到与咨询",
                "depart_at": f"{day - timedelta(days=1)}T00:30:00Z",
                "return_at": f"{day + timedelta(days=2)}T12:00:00Z",
            },
            body_member("support_qian", activity),
        ],
    }
    team = ok(put_team(api, activity, body))
    assert activity.title in team["name"]
    assert team["lead"] == "expert_zhang"
    assert team["published"] is False
    assert team["counts"] == {"expert": 1, "planner": 0, "support": 2}
    zhang, zhao, _qian = team["members"]
    assert zhang == {
        "username": "expert_zhang",
        "display_name": "张教授",
        "role": "expert",
        "duty": "健康讲座主讲",
        "depart_at": f"{day - timedelta(days=1)}T08:30:00+08:00",
        "return_at": f"{day + timedelta(days=2)}T18:00:00+08:00",
    }
    assert zhao["depart_at"] == f"{day - timedelta(days=1)}T08:30:00+08:00"
    assert zhao["return_at"] == f"{day + timedelta(days=2)}T20:00:00+08:00"
    assert ok(api("sn_head").get(f"/activities/{activity.pk}/support-team")) == team


def test_put_team_keeps_a_given_name(user, api) -> None:
    activity = approved(user)
    team = ok(put_team(api, activity, team_body(activity, "planner_li", name="西安路演协销一组")))
    assert team["name"] == "西安路演协销一组"


def test_put_team_writes_an_audit_row(user, api) -> None:
    activity = approved(user)
    ok(put_team(api, activity, team_body(activity, "expert_zhang", "planner_li")))
    entry = AuditEntry.objects.get(activity_id=activity.pk, action="team_save")
    assert entry.actor.username == "hq_manager"
    history = ok(api("hq_manager").get(f"/activities/{activity.pk}/history"))
    assert "team_save" in [row["action"] for row in history]


def test_saving_again_replaces_the_members(user, api) -> None:
    activity = approved(user)
    ok(put_team(api, activity, team_body(activity, "expert_zhang", "planner_li", "support_zhao")))
    team = ok(put_team(api, activity, team_body(activity, "support_qian", "planner_li")))
    assert [m["username"] for m in team["members"]] == ["support_qian", "planner_li"]
    assert team["lead"] == "support_qian"
    assert SupportTeam.objects.get().members.count() == 2


def test_lead_must_be_a_member(user, api) -> None:
    activity = approved(user)
    error = error_of(
        put_team(api, activity, team_body(activity, "expert_zhang", lead="planner_li")),
        422,
        "validation_error",
    )
    assert "lead" in error["details"]["fields"]
    assert not SupportTeam.objects.exists()


@pytest.mark.parametrize(
    ("second", "field"),
    [
        ({"username": "nobody_here"}, "members.1.username"),
        ({"username": "sn_staff1"}, "members.1.username"),  # a market person
        ({"username": "sn_head"}, "members.1.username"),
        ({"username": "expert_zhang"}, "members.1.username"),  # twice in the team
        ({"role": "driver"}, "members.1.role"),
        ({"duty": ""}, "members.1.duty"),
    ],
    ids=["unknown", "market-staff", "market-head", "twice", "bad-role", "no-duty"],
)
def test_a_bad_member_is_named_by_its_position(user, api, second: dict, field: str) -> None:
    activity = approved(user)
    body = team_body(activity, "expert_zhang")
    body["members"].append({**body_member("planner_li", activity), **second})
    error = error_of(put_team(api, activity, body), 422, "validation_error")
    assert field in error["details"]["fields"]
    assert not SupportTeam.objects.exists()


@pytest.mark.parametrize("hours_after_departure", [0, -2])
def test_return_must_come_after_departure(user, api, hours_after_departure: int) -> None:
    activity = approved(user)
    depart = at(activity.start_date, 8)
    back = depart + timedelta(hours=hours_after_departure)
    body = team_body(activity, "expert_zhang")
    body["members"][0].update(depart_at=depart.isoformat(), return_at=back.isoformat())
    error = error_of(put_team(api, activity, body), 422, "validation_error")
    assert "members.0.return_at" in error["details"]["fields"]


def test_a_team_needs_members(user, api) -> None:
    activity = approved(user)
    error = error_of(
        put_team(api, activity, {"name": "", "lead": "expert_zhang", "members": []}),
        422,
        "validation_error",
    )
    assert "members" in error["details"]["fields"]


@pytest.mark.parametrize(("username", "status"), [("sn_head", 403), ("logistics_reviewer", 403)])
def test_only_the_hq_manager_puts_the_team(user, api, username: str, status: int) -> None:
    activity = approved(user)
    error_of(
        put_team(api, activity, team_body(activity, "expert_zhang"), by=username), 403, "forbidden"
    )
    assert not SupportTeam.objects.exists()


def test_another_markets_head_gets_404(user, api) -> None:
    activity = approved(user)
    error_of(
        put_team(api, activity, team_body(activity, "expert_zhang"), by="ha_head"), 404, "not_found"
    )


def test_a_team_before_approval_is_an_invalid_transition(user, api) -> None:
    draft = Activity.objects.get(market__code="SN", status="draft")
    error = error_of(
        put_team(api, draft, team_body(draft, "expert_zhang")), 409, "invalid_transition"
    )
    assert error["details"]["status"] == "draft"
    submitted = activities.activity_submit(activity_id=complete_draft(user).pk, by=user("sn_head"))
    error = error_of(
        put_team(api, submitted, team_body(submitted, "expert_zhang")), 409, "invalid_transition"
    )
    assert error["details"]["status"] == "submitted"
    assert not SupportTeam.objects.exists()


# --- POST …/support-team/publish ----------------------------------------------------------------


def test_publish_tells_every_member_and_the_market_head(
    user, api, django_capture_on_commit_callbacks
) -> None:
    activity = approved(user)
    ok(put_team(api, activity, team_body(activity, "expert_zhang", "support_zhao")))
    with django_capture_on_commit_callbacks(execute=True):
        team = ok(api("hq_manager").post(f"/activities/{activity.pk}/support-team/publish"))
    assert team["published"] is True
    for username in ("expert_zhang", "support_zhao", "sn_head"):
        inbox = ok(api(username).get("/notifications"))["items"]
        assert [(n["kind"], n["activity_id"]) for n in inbox] == [
            ("team_published", activity.pk)
        ], username
    assert ok(api("planner_li").get("/notifications"))["items"] == []
    assert ok(api("ha_head").get("/notifications"))["items"] == []


def test_publish_without_a_team_is_incomplete(user, api) -> None:
    activity = approved(user)
    error = error_of(
        api("hq_manager").post(f"/activities/{activity.pk}/support-team/publish"),
        422,
        "incomplete",
    )
    assert error["details"]["missing"]


def test_changing_a_published_team_notifies_again(
    user, api, django_capture_on_commit_callbacks
) -> None:
    activity = approved(user)
    with django_capture_on_commit_callbacks(execute=True):
        ok(put_team(api, activity, team_body(activity, "expert_zhang")))
        ok(api("hq_manager").post(f"/activities/{activity.pk}/support-team/publish"))
        team = ok(put_team(api, activity, team_body(activity, "expert_zhang", "planner_li")))
    assert team["published"] is True
    kinds = [n["kind"] for n in ok(api("expert_zhang").get("/notifications"))["items"]]
    assert kinds == ["team_published", "team_published"]
    assert len(ok(api("planner_li").get("/notifications"))["items"]) == 1


def test_only_the_hq_manager_publishes(user, api) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    error_of(
        api("sn_head").post(f"/activities/{activity.pk}/support-team/publish"), 403, "forbidden"
    )
    assert not SupportTeam.objects.get().published


# --- materials ----------------------------------------------------------------------------------


def material_body(**over: Any) -> dict[str, Any]:
    due = timezone.localdate() + timedelta(days=20)
    return {
        "name": "易拉宝",
        "quantity": 6,
        "unit": "个",
        "owner_department": "logistics",
        "due_date": due.isoformat(),
        **over,
    }


def post_material(api, activity: Activity, by: str = "hq_manager", **over: Any):
    return api(by).post(f"/activities/{activity.pk}/materials", material_body(**over))


def test_material_is_listed_as_requested(user, api) -> None:
    activity = approved(user)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    item = ok(post_material(api, activity), 201)
    assert item == {
        **item,
        "name": "易拉宝",
        "quantity": "6.00",
        "unit": "个",
        "owner_department": "logistics",
        "due_date": due,
        "status": "requested",
        "tracking_no": "",
        "overdue": False,
    }
    assert isinstance(item["id"], int)
    listed = ok(api("sn_head").get(f"/activities/{activity.pk}/materials"))
    assert [m["id"] for m in listed] == [item["id"]]


@pytest.mark.parametrize("quantity", ["0", "-3", "0.00"])
def test_quantity_must_be_positive(user, api, quantity: str) -> None:
    activity = approved(user)
    error = error_of(post_material(api, activity, quantity=quantity), 422, "validation_error")
    assert "quantity" in error["details"]["fields"]
    assert not Material.objects.exists()


def test_unknown_department_is_a_validation_error(user, api) -> None:
    activity = approved(user)
    error = error_of(
        post_material(api, activity, owner_department="catering"), 422, "validation_error"
    )
    assert "owner_department" in error["details"]["fields"]


def test_a_department_lists_only_its_own_materials(user, api) -> None:
    activity = approved(user)
    error_of(post_material(api, activity, by="planning_reviewer"), 403, "forbidden")
    item = ok(post_material(api, activity, by="logistics_reviewer"), 201)
    assert item["owner_department"] == "logistics"
    error_of(post_material(api, activity, by="sn_head"), 403, "forbidden")
    assert Material.objects.count() == 1


def test_materials_before_approval_are_an_invalid_transition(user, api) -> None:
    draft = Activity.objects.get(market__code="SN", status="draft")
    error = error_of(post_material(api, draft), 409, "invalid_transition")
    assert error["details"]["status"] == "draft"


def patch_material(api, activity: Activity, item_id: int, by: str = "hq_manager", **body: Any):
    return api(by).patch(f"/activities/{activity.pk}/materials/{item_id}", body)


def test_material_moves_forward_one_step_at_a_time(user, api) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    moved = ok(patch_material(api, activity, item.pk, by="logistics_reviewer", status="preparing"))
    assert moved["status"] == "preparing"
    moved = ok(
        patch_material(
            api, activity, item.pk, by="logistics_reviewer", status="shipped", tracking_no="SF123"
        )
    )
    assert (moved["status"], moved["tracking_no"]) == ("shipped", "SF123")
    assert moved["shipped_at"].endswith("+08:00")
    moved = ok(patch_material(api, activity, item.pk, by="sn_head", status="received"))
    assert moved["status"] == "received"
    assert moved["tracking_no"] == "SF123"


def test_material_may_skip_ahead(user, api) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    moved = ok(patch_material(api, activity, item.pk, status="shipped", tracking_no="YT-88"))
    assert moved["status"] == "shipped"


@pytest.mark.parametrize(
    ("now", "to"),
    [
        ("preparing", "requested"),
        ("shipped", "preparing"),
        ("received", "shipped"),
        ("preparing", "preparing"),
        ("shipped", "shipped"),
        ("received", "received"),
    ],
)
def test_material_never_moves_back_or_stays(user, api, now: str, to: str) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    Material.objects.filter(pk=item.pk).update(status=now, tracking_no="SF1")
    error = error_of(patch_material(api, activity, item.pk, status=to), 409, "invalid_transition")
    assert error["details"]["status"] == now
    item.refresh_from_db()
    assert item.status == now


def test_an_unknown_material_status_is_a_validation_error(user, api) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    error = error_of(patch_material(api, activity, item.pk, status="lost"), 422, "validation_error")
    assert "status" in error["details"]["fields"]


def test_shipping_needs_a_tracking_number(user, api) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    error = error_of(
        patch_material(api, activity, item.pk, status="shipped"), 422, "validation_error"
    )
    assert "tracking_no" in error["details"]["fields"]
    item.refresh_from_db()
    assert item.status == "requested"


def test_market_head_only_confirms_receipt(user, api) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    error_of(
        patch_material(api, activity, item.pk, by="sn_head", status="preparing"), 403, "forbidden"
    )
    error_of(
        patch_material(api, activity, item.pk, by="sn_head", status="shipped", tracking_no="X1"),
        403,
        "forbidden",
    )
    assert (
        ok(patch_material(api, activity, item.pk, by="sn_head", status="received"))["status"]
        == "received"
    )


def test_others_may_not_move_materials(user, api) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    error_of(
        patch_material(api, activity, item.pk, by="sn_staff1", status="received"), 403, "forbidden"
    )
    error_of(
        patch_material(api, activity, item.pk, by="planning_reviewer", status="preparing"),
        403,
        "forbidden",
    )
    error_of(
        patch_material(api, activity, item.pk, by="ha_head", status="received"), 404, "not_found"
    )
    item.refresh_from_db()
    assert item.status == "requested"


def test_a_material_of_another_activity_is_not_found(user, api) -> None:
    first = approved(user)
    second = approved(user, title="宝鸡社区义诊周", days=60)
    item = add_material(user, second)
    error_of(patch_material(api, first, item.pk, status="preparing"), 404, "not_found")
    item.refresh_from_db()
    assert item.status == "requested"


def test_overdue_flag_until_shipped(user, api) -> None:
    activity = approved(user)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    item = ok(post_material(api, activity, due_date=yesterday), 201)
    assert item["overdue"] is True
    item = ok(patch_material(api, activity, item["id"], status="preparing"))
    assert item["overdue"] is True
    item = ok(patch_material(api, activity, item["id"], status="shipped", tracking_no="SF9"))
    assert item["overdue"] is False
    on_time = ok(post_material(api, activity, due_date=timezone.localdate().isoformat()), 201)
    assert on_time["overdue"] is False


# --- start on site ------------------------------------------------------------------------------


def start(api, activity: Activity, by: str = "hq_manager"):
    return api(by).post(f"/activities/{activity.pk}/start-onsite")


def test_start_onsite_needs_a_published_team(user, api) -> None:
    activity = approved(user)
    error = error_of(start(api, activity), 422, "incomplete")
    assert error["details"]["missing"]
    team_save(user, activity, ["expert_zhang"])
    error = error_of(start(api, activity, by="sn_head"), 422, "incomplete")
    assert error["details"]["missing"]
    activity.refresh_from_db()
    assert activity.status == "approved"


@pytest.mark.parametrize("by", ["hq_manager", "sn_head"])
def test_start_onsite_once_the_team_is_published(user, api, by: str) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    publish(user, activity)
    add_material(user, activity, "宣传单")
    moved = ok(start(api, activity, by=by))
    assert moved["status"] == "on_site"
    history = ok(api("hq_manager").get(f"/activities/{activity.pk}/history"))
    last = history[-1]
    assert (last["actor"], last["from_status"], last["to_status"]) == (by, "approved", "on_site")
    assert "宣传单" in last["note"]


def test_a_reviewer_may_not_start_onsite(user, api) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    publish(user, activity)
    error_of(start(api, activity, by="logistics_reviewer"), 403, "forbidden")
    error_of(start(api, activity, by="ha_head"), 404, "not_found")


def test_start_onsite_from_draft_is_an_invalid_transition(user, api) -> None:
    draft = Activity.objects.get(market__code="SN", status="draft")
    error = error_of(start(api, draft), 409, "invalid_transition")
    assert error["details"]["status"] == "draft"


# --- GET /me/assignments ------------------------------------------------------------------------


def test_my_assignments_lists_published_teams_of_live_activities(user, api) -> None:
    shown = approved(user, title="西安春季健康路演", days=40)
    team_save(user, shown, ["planner_li", "expert_zhang"])
    publish(user, shown)
    add_material(user, shown, "易拉宝")
    received = add_material(user, shown, "血压计")
    Material.objects.filter(pk=received.pk).update(status="received")
    unpublished = approved(user, title="咸阳健康大讲堂", market="SN", days=50)
    team_save(user, unpublished, ["expert_zhang"])
    cancelled = approved(user, title="郑州义诊", market="HA", days=60)
    team_save(user, cancelled, ["expert_zhang"])
    publish(user, cancelled)
    activities.activity_cancel(activity_id=cancelled.pk, by=user("hq_manager"), reason="改期")

    rows = ok(api("expert_zhang").get("/me/assignments"))
    depart, back = trip(shown)
    assert rows == [
        {
            "activity_id": shown.pk,
            "title": "西安春季健康路演",
            "market": "SN",
            "venue": "市体育馆广场",
            "start_date": shown.start_date.isoformat(),
            "end_date": shown.end_date.isoformat(),
            "status": "approved",
            "team": SupportTeam.objects.get(activity=shown).name,
            "team_lead": "planner_li",
            "role": "support",
            "duty": "现场协销与咨询",
            "depart_at": timezone.localtime(depart).isoformat(),
            "return_at": timezone.localtime(back).isoformat(),
            "materials_total": 2,
            "materials_received": 1,
        }
    ]
    assert ok(api("support_qian").get("/me/assignments")) == []


def test_my_assignments_query_count_does_not_grow(user, api, django_assert_num_queries) -> None:
    client = api("expert_zhang")

    def assigned(title: str, days: int) -> None:
        activity = approved(user, title=title, days=days)
        team_save(user, activity, ["expert_zhang", "planner_li"])
        publish(user, activity)
        for name in ("易拉宝", "宣传单", "血压计"):
            add_material(user, activity, name)

    # 1. the bearer token with its user and profile; 2. the memberships with activity, market,
    # team lead and the counts of materials — the same two however many assignments.
    assigned("西安路演", 40)
    with django_assert_num_queries(2):
        assert len(ok(client.get("/me/assignments"))) == 1
    for n in range(3):
        assigned(f"路演{n}", 45 + 5 * n)  # windows days apart: no conflicts
    with django_assert_num_queries(2):
        rows = ok(client.get("/me/assignments"))
    assert len(rows) == 4
    assert {(r["materials_total"], r["team_lead"]) for r in rows} == {(3, "expert_zhang")}


def test_a_shipped_items_tracking_number_is_corrected_without_a_status(user, api) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    ok(patch_material(api, activity, item.pk, status="shipped", tracking_no="SF1"))
    # Sending the same status again is not a move forward, even with a new number.
    error_of(
        patch_material(api, activity, item.pk, status="shipped", tracking_no="SF2"),
        409,
        "invalid_transition",
    )
    fixed = ok(patch_material(api, activity, item.pk, by="logistics_reviewer", tracking_no="SF2"))
    assert (fixed["status"], fixed["tracking_no"]) == ("shipped", "SF2")
    assert AuditEntry.objects.filter(action="material_tracking", object_id=item.pk).exists()
    error_of(
        patch_material(api, activity, item.pk, by="sn_head", tracking_no="SF3"), 403, "forbidden"
    )


def test_a_tracking_number_cannot_be_set_before_shipping(user, api) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    body = error_of(
        patch_material(api, activity, item.pk, tracking_no="SF9"), 409, "invalid_transition"
    )
    assert body["details"]["status"] == "requested"
