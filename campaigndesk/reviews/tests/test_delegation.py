"""PUT/GET/DELETE /me/delegation: a reviewer who is away names a colleague of the same
department, who then gives the department's opinion on the reviewer's behalf — only inside the
window, in Asia/Shanghai calendar days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigndesk.activities import services as activities
from campaigndesk.activities.models import Activity
from campaigndesk.core.models import AuditEntry
from campaigndesk.org.models import Delegation, Department, Profile
from campaigndesk.reviews import services as reviews

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
OPINION = {
    "department": "planning",
    "items": [{"section": "schedule", "comment": "日程过紧。", "required_change": True}],
}


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def error_of(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


def colleague(username: str, department: str = "planning", role: str = "support_member"):
    """An HQ colleague of the department (with the demo password), not its reviewer."""
    person = get_user_model().objects.create_user(username=username, password="campaign-demo")
    Profile.objects.create(
        user=person,
        display_name=username,
        role=role,
        department=Department.objects.get(code=department),
    )
    return person


def freeze_at_noon(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """From now on it is 12:00 in Shanghai on `day`."""
    noon = datetime.combine(day, time(12), tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: noon)


@pytest.fixture
def today(demo) -> date:
    return timezone.localdate()


@pytest.fixture
def deputy(demo):
    return colleague("planning_deputy")


@pytest.fixture
def in_review(user, today) -> Activity:
    """An SN proposal in review, planning and marketing invited."""
    start = today + timedelta(days=40)
    draft = activities.activity_create(
        by=user("sn_head"),
        data={
            "title": "宝鸡社区健康讲座",
            "start_date": start,
            "end_date": start,
            "sections": SECTIONS,
            "budget": [{"category": "venue", "item": "场地", "amount": Decimal("8000")}],
        },
    )
    activities.activity_submit(activity_id=draft.pk, by=user("sn_head"))
    reviews.review_open(
        activity_id=draft.pk,
        by=user("hq_manager"),
        meeting_at=datetime(2030, 1, 10, 14, tzinfo=SHANGHAI),
        departments=["planning", "marketing"],
    )
    return draft


def delegate(api, today: date, *, to: str = "planning_deputy", first: int = 0, last: int = 2):
    return api("planning_reviewer").put(
        "/me/delegation",
        {
            "delegate": to,
            "start_date": str(today + timedelta(days=first)),
            "end_date": str(today + timedelta(days=last)),
        },
    )


# --- PUT / GET /me/delegation -------------------------------------------------------------------


def test_a_reviewer_names_a_colleague_of_the_department(api, today, deputy) -> None:
    body = ok(delegate(api, today, first=1, last=3))

    expected = {
        "delegate": "planning_deputy",
        "start_date": str(today + timedelta(days=1)),
        "end_date": str(today + timedelta(days=3)),
    }
    assert body == expected
    assert ok(api("planning_reviewer").get("/me/delegation")) == expected
    row = AuditEntry.objects.filter(action="delegation_set").select_related("actor").get()
    assert row.actor.get_username() == "planning_reviewer"
    assert "planning_deputy" in row.note
    assert ok(api("marketing_reviewer").get("/me/delegation")) is None


def test_the_delegate_gives_the_opinion_on_behalf_of_the_reviewer(
    api, today, deputy, in_review
) -> None:
    ok(delegate(api, today))
    client = api("planning_deputy")

    body = ok(client.post(f"/activities/{in_review.pk}/opinions", OPINION), 201)

    assert (body["department"], body["given_by"], body["on_behalf_of"]) == (
        "planning",
        "planning_deputy",
        "planning_reviewer",
    )
    entry = ok(client.get(f"/activities/{in_review.pk}/history"))[-1]
    assert (entry["action"], entry["actor"], entry["on_behalf_of"]) == (
        "opinion",
        "planning_deputy",
        "planning_reviewer",
    )
    # The department has spoken: its own reviewer cannot give a second opinion.
    error_of(
        api("planning_reviewer").post(f"/activities/{in_review.pk}/opinions", OPINION),
        409,
        "duplicate",
    )


def test_the_delegate_acts_only_for_the_delegators_department(
    api, today, deputy, in_review
) -> None:
    ok(delegate(api, today))

    error_of(
        api("planning_deputy").post(
            f"/activities/{in_review.pk}/opinions", {**OPINION, "department": "marketing"}
        ),
        403,
        "forbidden",
    )


def test_the_delegates_inbox_shows_the_departments_meetings(api, today, deputy, in_review) -> None:
    client = api("planning_deputy")
    assert ok(client.get("/reviews/mine")) == []

    ok(delegate(api, today))

    rows = ok(client.get("/reviews/mine"))
    assert [(r["activity_id"], r["department"], r["owed"]) for r in rows] == [
        (in_review.pk, "planning", True)
    ]


@pytest.mark.parametrize(
    ("day", "status"),
    [(2, 403), (3, 201), (4, 201), (5, 201), (6, 403)],
    ids=["day-before-start", "start-date", "inside", "end-date", "day-after-end"],
)
def test_the_window_includes_its_first_and_last_day(
    api, today, deputy, in_review, monkeypatch, day: int, status: int
) -> None:
    ok(delegate(api, today, first=3, last=5))
    client = api("planning_deputy")
    freeze_at_noon(monkeypatch, today + timedelta(days=day))

    response = client.post(f"/activities/{in_review.pk}/opinions", OPINION)

    assert response.status_code == status, response.content
    if status == 403:
        assert response.json()["error"]["code"] == "forbidden"


def test_the_window_follows_the_shanghai_calendar(
    api, today, deputy, in_review, monkeypatch
) -> None:
    ok(delegate(api, today, first=3, last=5))
    client = api("planning_deputy")
    start = today + timedelta(days=3)
    # 23:30 the day before the start, in Shanghai (15:30 UTC): not yet.
    monkeypatch.setattr(
        timezone,
        "now",
        lambda: datetime.combine(start, time(0), tzinfo=SHANGHAI) - timedelta(minutes=30),
    )
    error_of(client.post(f"/activities/{in_review.pk}/opinions", OPINION), 403, "forbidden")
    # 00:30 on the start date in Shanghai — still the day before in UTC: now it works.
    monkeypatch.setattr(
        timezone, "now", lambda: datetime.combine(start, time(0, 30), tzinfo=SHANGHAI)
    )
    ok(client.post(f"/activities/{in_review.pk}/opinions", OPINION), 201)


def test_without_a_delegation_the_colleague_cannot_act(api, deputy, in_review) -> None:
    error_of(
        api("planning_deputy").post(f"/activities/{in_review.pk}/opinions", OPINION),
        403,
        "forbidden",
    )


@pytest.mark.parametrize(
    ("to", "field"),
    [
        ("marketing_reviewer", "delegate"),
        ("marketing_deputy", "delegate"),
        ("planning_reviewer", "delegate"),
        ("nobody", "delegate"),
    ],
    ids=["other-departments-reviewer", "other-departments-colleague", "oneself", "unknown"],
)
def test_the_delegate_must_be_a_colleague_of_the_department(
    api, today, deputy, to: str, field: str
) -> None:
    colleague("marketing_deputy", department="marketing")

    error = error_of(delegate(api, today, to=to), 422, "validation_error")

    assert set(error["details"]["fields"]) == {field}
    assert not Delegation.objects.exists()


@pytest.mark.parametrize(("first", "last"), [(3, 2), (-5, -1)], ids=["reversed", "over"])
def test_the_window_must_be_ordered_and_not_over(api, today, deputy, first, last) -> None:
    error = error_of(delegate(api, today, first=first, last=last), 422, "validation_error")

    assert set(error["details"]["fields"]) == {"end_date"}
    assert not Delegation.objects.exists()


@pytest.mark.parametrize("username", ["hq_manager", "sn_head", "planning_deputy"])
def test_only_a_reviewer_delegates(api, today, deputy, username: str) -> None:
    body = {
        "delegate": "planning_reviewer",
        "start_date": str(today),
        "end_date": str(today + timedelta(days=1)),
    }

    error_of(api(username).put("/me/delegation", body), 403, "forbidden")
    error_of(api(username).delete("/me/delegation"), 403, "forbidden")

    assert not Delegation.objects.exists()


# --- DELETE /me/delegation and replacing it -----------------------------------------------------


def test_ending_the_delegation_takes_effect_at_once(api, today, deputy, in_review) -> None:
    ok(delegate(api, today))
    reviewer = api("planning_reviewer")

    response = reviewer.delete("/me/delegation")

    assert response.status_code == 204
    assert ok(reviewer.get("/me/delegation")) is None
    error_of(
        api("planning_deputy").post(f"/activities/{in_review.pk}/opinions", OPINION),
        403,
        "forbidden",
    )
    assert ok(api("planning_deputy").get("/reviews/mine")) == []
    ended = AuditEntry.objects.filter(action="delegation_end").select_related("actor").get()
    assert ended.actor.get_username() == "planning_reviewer"


def test_a_new_delegation_replaces_the_one_in_force(api, today, deputy, in_review) -> None:
    colleague("planning_second")
    ok(delegate(api, today))

    ok(delegate(api, today, to="planning_second"))

    assert ok(api("planning_reviewer").get("/me/delegation"))["delegate"] == "planning_second"
    error_of(
        api("planning_deputy").post(f"/activities/{in_review.pk}/opinions", OPINION),
        403,
        "forbidden",
    )
    body = ok(api("planning_second").post(f"/activities/{in_review.pk}/opinions", OPINION), 201)
    assert body["on_behalf_of"] == "planning_reviewer"
