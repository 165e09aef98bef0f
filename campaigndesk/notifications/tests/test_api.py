"""GET /notifications and POST /notifications/{id}/read: each person's inbox, and the kinds the
stage-1 transitions put in it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from campaigndesk.activities import services as activities
from campaigndesk.notifications.models import Notification

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


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def error_of(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


@pytest.fixture
def inbox(user) -> dict[str, Notification]:
    """sn_head: three notifications, the oldest read; ha_head: one."""
    head = user("sn_head")
    now = timezone.now()

    def row(name: str, recipient, minutes_ago: int, *, read: bool = False) -> Notification:
        return Notification.objects.create(
            recipient=recipient,
            kind={"old": "decision", "ha": "decision"}.get(name, "revision_requested"),
            subject=f"活动 {name}",
            activity_id=None,
            created_at=now - timedelta(minutes=minutes_ago),
            read_at=now if read else None,
        )

    return {
        "old": row("old", head, 30, read=True),
        "middle": row("middle", head, 20),
        "new": row("new", head, 10),
        "ha": row("ha", user("ha_head"), 5),
    }


def test_the_inbox_lists_my_notifications_newest_first(api, inbox) -> None:
    body = ok(api("sn_head").get("/notifications"))

    assert body["count"] == 3
    assert [n["id"] for n in body["items"]] == [inbox[k].pk for k in ("new", "middle", "old")]
    assert [n["read"] for n in body["items"]] == [False, False, True]
    first = body["items"][0]
    assert {"id", "kind", "title", "activity_id", "created_at", "read"} <= set(first)
    assert first["kind"] == "revision_requested"
    assert "活动 new" in first["title"]
    assert first["created_at"].endswith("+08:00")


@pytest.mark.parametrize("flag", ["true", "1"])
def test_unread_only(api, inbox, flag: str) -> None:
    body = ok(api("sn_head").get("/notifications", {"unread": flag}))

    assert body["count"] == 2
    assert [n["id"] for n in body["items"]] == [inbox["new"].pk, inbox["middle"].pk]
    assert all(n["read"] is False for n in body["items"])


def test_mark_one_read(api, inbox) -> None:
    client = api("sn_head")

    body = ok(client.post(f"/notifications/{inbox['middle'].pk}/read"))

    assert (body["id"], body["read"]) == (inbox["middle"].pk, True)
    unread = ok(client.get("/notifications", {"unread": "true"}))
    assert (unread["count"], [n["id"] for n in unread["items"]]) == (1, [inbox["new"].pk])
    assert ok(client.get("/notifications"))["count"] == 3


def test_marking_read_twice_keeps_the_first_time(api, inbox) -> None:
    client = api("sn_head")
    ok(client.post(f"/notifications/{inbox['new'].pk}/read"))
    first = Notification.objects.get(pk=inbox["new"].pk).read_at

    ok(client.post(f"/notifications/{inbox['new'].pk}/read"))

    assert Notification.objects.get(pk=inbox["new"].pk).read_at == first


def test_someone_elses_notification_is_not_found(api, inbox) -> None:
    error_of(api("sn_head").post(f"/notifications/{inbox['ha'].pk}/read"), 404, "not_found")
    error_of(api("sn_head").post("/notifications/999999/read"), 404, "not_found")

    assert Notification.objects.get(pk=inbox["ha"].pk).read_at is None
    assert ok(api("ha_head").get("/notifications", {"unread": "true"}))["count"] == 1


def test_the_inbox_needs_a_token(api, inbox) -> None:
    error_of(api().get("/notifications"), 401, "not_authenticated")
    error_of(api().post(f"/notifications/{inbox['new'].pk}/read"), 401, "not_authenticated")


def test_stage_1_tells_each_person_in_the_contracts_kinds(
    api, user, django_capture_on_commit_callbacks
) -> None:
    start = timezone.localdate() + timedelta(days=40)
    draft = activities.activity_create(
        by=user("sn_head"),
        data={
            "title": "宝鸡健康讲座",
            "start_date": start,
            "end_date": start,
            "sections": SECTIONS,
        },
    )
    head, manager, planning = api("sn_head"), api("hq_manager"), api("planning_reviewer")
    path = f"/activities/{draft.pk}"

    with django_capture_on_commit_callbacks(execute=True):
        ok(head.post(f"{path}/submit"))
    with django_capture_on_commit_callbacks(execute=True):
        ok(
            manager.post(
                f"{path}/review", {"meeting_at": "2030-01-10T14:00", "departments": ["planning"]}
            )
        )
    opinion = ok(
        planning.post(
            f"{path}/opinions",
            {
                "department": "planning",
                "items": [{"section": "risk", "comment": "补充预案", "required_change": True}],
            },
        ),
        201,
    )
    with django_capture_on_commit_callbacks(execute=True):
        ok(manager.post(f"{path}/return", {"summary": "请补充风险预案。"}))
    with django_capture_on_commit_callbacks(execute=True):
        ok(
            head.post(
                f"{path}/resubmit",
                {
                    "staffing": [{"name": "张三", "role": "market", "duty": "总协调"}],
                    "responses": [{"item_id": opinion["items"][0]["id"], "response": "已补充"}],
                },
            )
        )
    with django_capture_on_commit_callbacks(execute=True):
        ok(manager.post(f"{path}/decision", {"decision": "approve"}))

    def kinds(client) -> list[str]:
        items = ok(client.get("/notifications", {"unread": "true"}))["items"]
        return [n["kind"] for n in items if n["activity_id"] == draft.pk]

    # Newest first. The market head hears of the returned opinions and of the decision; the
    # invited reviewer of the meeting; HQ of each arrival (kinds beyond the contract's list).
    assert kinds(head) == ["decision", "revision_requested"]
    assert kinds(planning) == ["review_requested"]
    assert kinds(api("marketing_reviewer")) == []
    assert kinds(api("ha_head")) == []
    assert kinds(manager) == ["resubmitted", "submitted"]

    english = ok(api("planning_reviewer", "en").get("/notifications"))["items"]
    chinese = ok(planning.get("/notifications"))["items"]
    assert [n["title"] for n in english if n["activity_id"] == draft.pk] == [
        "Review requested: 宝鸡健康讲座"
    ]
    [title] = [n["title"] for n in chinese if n["activity_id"] == draft.pk]
    assert title.endswith("宝鸡健康讲座") and not title.startswith("Review")
