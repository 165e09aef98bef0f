"""The wrap-up checklist in every partial state: POST /activities/{id}/wrap-up answers `422
incomplete` naming exactly what is missing, GET shows the same items with their done flags, and
with everything present the activity is `wrapped_up`."""

from __future__ import annotations

from decimal import Decimal
from itertools import combinations
from typing import Any

import pytest

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.conftest import approved_activity
from campaigndesk.onsite.tests.test_services import (
    ALL_TOPICS,
    on_site,
    record,
    report,
    summary,
)

CODES = [
    "briefing",
    *(f"training.{topic}" for topic in ALL_TOPICS),
    "mobilization",
    "daily_report",
    "activity_summary",
]
# What the head can put in place, each as one step; "training" is all five topics at once.
PARTS = ("briefing", "training", "mobilization", "daily_report", "activity_summary")


def put_in_place(user, activity: Activity, parts: tuple[str, ...] | list[str]) -> None:  # type: ignore[no-untyped-def]
    if "briefing" in parts:
        record(user, activity, "briefing", attendees=["sn_xa_head"])
    if "training" in parts:
        record(user, activity, "training", topics=ALL_TOPICS, chair="expert_zhang")
    if "mobilization" in parts:
        record(user, activity, "mobilization")
    if "daily_report" in parts:
        report(user, activity, 0, visitors=100, sales=Decimal("1.00"))
    if "activity_summary" in parts:
        summary(user, activity, "activity", strengths="组织有序")


def missing_codes(parts: tuple[str, ...] | list[str]) -> list[str]:
    gone = [p for p in PARTS if p not in parts]
    return [c for c in CODES if c in gone or (c.startswith("training.") and "training" in gone)]


def wrap_up(api, activity: Activity, username: str = "sn_head") -> Any:  # type: ignore[no-untyped-def]
    return api(username).post(f"/activities/{activity.pk}/wrap-up")


def checklist(api, activity: Activity) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    response = api("hq_manager").get(f"/activities/{activity.pk}/wrap-up")
    assert response.status_code == 200, response.content
    items = response.json()
    assert all(item["label"] for item in items)
    return {item["code"]: item["done"] for item in items}


def assert_incomplete(api, activity: Activity, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    response = wrap_up(api, activity)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "incomplete"
    assert error["message"]
    missing = error["details"]["missing"]
    assert len(missing) == len(set(missing))
    assert sorted(missing) == sorted(expected)
    activity.refresh_from_db()
    assert activity.status == Status.ON_SITE


@pytest.fixture
def activity(user) -> Activity:  # type: ignore[no-untyped-def]
    return on_site(user)


STATES = [
    parts
    for size in range(len(PARTS))  # every subset but the full one
    for parts in combinations(PARTS, size)
]


@pytest.mark.parametrize("parts", STATES, ids=lambda parts: "+".join(parts) or "nothing")
def test_wrap_up_names_exactly_what_is_missing(  # type: ignore[no-untyped-def]
    api, user, activity: Activity, parts: tuple[str, ...]
) -> None:
    put_in_place(user, activity, parts)
    expected = missing_codes(parts)
    assert expected  # a partial state always misses something
    assert_incomplete(api, activity, expected)
    assert checklist(api, activity) == {code: code not in expected for code in CODES}


@pytest.mark.parametrize("left_out", ALL_TOPICS)
def test_training_must_cover_every_topic(  # type: ignore[no-untyped-def]
    api, user, activity: Activity, left_out: str
) -> None:
    put_in_place(user, activity, ["briefing", "mobilization", "daily_report", "activity_summary"])
    covered = [t for t in ALL_TOPICS if t != left_out]
    record(user, activity, "training", topics=covered[:2])
    record(user, activity, "training", topics=covered[2:])
    assert_incomplete(api, activity, [f"training.{left_out}"])


def test_topics_add_up_across_sessions(api, user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    put_in_place(user, activity, ["briefing", "mobilization", "daily_report", "activity_summary"])
    record(user, activity, "training", topics=["execution", "roles"])
    assert_incomplete(
        api, activity, ["training.consumer_psychology", "training.service", "training.risk_control"]
    )
    record(user, activity, "training", topics=["consumer_psychology", "execution"])
    assert_incomplete(api, activity, ["training.service", "training.risk_control"])
    record(user, activity, "training", topics=["service", "risk_control"])
    assert all(checklist(api, activity).values())
    response = wrap_up(api, activity)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "wrapped_up"


def test_other_meetings_do_not_stand_in(api, user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    """A wrap-up meeting (or several mobilisations) is no briefing and no training."""
    record(user, activity, "wrap_up")
    record(user, activity, "mobilization")
    record(user, activity, "mobilization")
    assert_incomplete(api, activity, missing_codes(["mobilization"]))


def test_with_everything_present_the_head_wraps_up(api, user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    put_in_place(user, activity, PARTS)
    assert checklist(api, activity) == dict.fromkeys(CODES, True)
    response = wrap_up(api, activity)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"]) == (activity.pk, "wrapped_up")
    history = api("hq_manager").get(f"/activities/{activity.pk}/history").json()
    last = history[-1]
    assert (last["action"], last["actor"], last["from_status"], last["to_status"]) == (
        "wrap_up",
        "sn_head",
        "on_site",
        "wrapped_up",
    )
    # Wrapped up: the on-site record is closed.
    again = wrap_up(api, activity)
    assert again.status_code == 409
    assert again.json()["error"]["details"]["status"] == "wrapped_up"
    late = api("sn_head").post(
        f"/activities/{activity.pk}/daily-reports",
        {"date": activity.end_date.isoformat(), "visitors": 1},
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "invalid_transition"


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("sn_xa_head", 403, "forbidden"),
        ("hq_manager", 403, "forbidden"),
        ("expert_zhang", 403, "forbidden"),
        ("ha_head", 404, "not_found"),
    ],
)
def test_only_the_market_head_wraps_up(  # type: ignore[no-untyped-def]
    api, user, activity: Activity, username: str, status: int, code: str
) -> None:
    put_in_place(user, activity, PARTS)
    response = wrap_up(api, activity, username)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    activity.refresh_from_db()
    assert activity.status == Status.ON_SITE


def test_no_wrap_up_before_going_on_site(api, user) -> None:  # type: ignore[no-untyped-def]
    approved = approved_activity(title="还在准备的活动")
    response = wrap_up(api, approved)
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert (error["code"], error["details"]["status"]) == ("invalid_transition", "approved")
