"""GET /activities/{id}/versions and /versions/{n}/diff: each submission frozen, and what the
market changed between two of them, field by field and budget line by budget line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from campaigndesk.activities import services
from campaigndesk.activities.models import Activity, ActivityVersion
from campaigndesk.reviews import services as reviews
from campaigndesk.reviews.models import OpinionItem

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
VENUE = {"category": "venue", "item": "场地租赁", "amount": "8000.00"}
POSTERS = {"category": "promotion", "item": "社区海报", "amount": "1200.50"}
GIFTS = {"category": "materials", "item": "礼品", "amount": "3000.00"}
STAFF = {"username": "sn_bj_head", "role": "market", "duty": "现场总协调"}


def ok(response) -> Any:
    assert response.status_code == 200, response.content
    return response.json()


def error_of(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


@pytest.fixture
def start(demo) -> Any:
    return timezone.localdate() + timedelta(days=40)


@pytest.fixture
def activity(user, start) -> Activity:
    """Submitted as version 1, returned after a planning review, resubmitted as version 2 with
    a new venue, start, background, expected results, attendance target, first budget line
    cheaper, a gifts line added, and the staffing arrangement."""
    draft = services.activity_create(
        by=user("sn_head"),
        data={
            "title": "宝鸡社区健康讲座",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "venue": "宝鸡市渭滨区文化馆",
            "sections": SECTIONS,
            "budget": [
                {**VENUE, "amount": Decimal(VENUE["amount"])},
                {**POSTERS, "amount": Decimal(POSTERS["amount"])},
            ],
            "targets": {"attendance": 600, "leads": 120, "sales": Decimal("90000")},
        },
    )
    services.activity_submit(activity_id=draft.pk, by=user("sn_head"))
    reviews.review_open(
        activity_id=draft.pk,
        by=user("hq_manager"),
        meeting_at=datetime(2030, 1, 10, 6, tzinfo=UTC),
        departments=["planning"],
    )
    reviews.opinion_give(
        activity_id=draft.pk,
        by=user("planning_reviewer"),
        department="planning",
        items=[{"section": "materials", "comment": "缺礼品预算。", "required_change": True}],
    )
    reviews.review_return(activity_id=draft.pk, by=user("hq_manager"), summary="请细化。")
    item = OpinionItem.objects.get(opinion__round__activity=draft)
    services.activity_resubmit(
        activity_id=draft.pk,
        by=user("sn_head"),
        changes={
            "venue": "宝鸡会展中心",
            "start_date": start + timedelta(days=1),
            "sections": {
                **SECTIONS,
                "background": "竞品在宝鸡新开三家门店。",
                "expected": "到场 800 人。",
            },
            "targets": {"attendance": 800},
            "budget": [{**VENUE, "amount": "6500.00"}, POSTERS, GIFTS],
        },
        staffing=[STAFF],
        responses=[{"item_id": item.pk, "response": "已增加礼品预算。"}],
    )
    return draft


def test_versions_list_every_submission(api, activity) -> None:
    versions = ok(api("sn_staff1").get(f"/activities/{activity.pk}/versions"))

    assert [(v["version"], v["submitted_by"]) for v in versions] == [
        (1, "sn_head"),
        (2, "sn_head"),
    ]
    assert all(v["submitted_at"].endswith("+08:00") for v in versions)
    stored = ActivityVersion.objects.filter(activity=activity).order_by("version")
    assert [datetime.fromisoformat(v["submitted_at"]) for v in versions] == [
        v.submitted_at for v in stored
    ]


def test_a_draft_has_no_versions(api, user, start) -> None:
    draft = services.activity_create(
        by=user("sn_head"), data={"title": "草稿", "start_date": start, "end_date": start}
    )

    assert ok(api("hq_manager").get(f"/activities/{draft.pk}/versions")) == []


def test_diff_names_each_changed_field_with_before_and_after(api, activity, start) -> None:
    body = ok(api("hq_manager").get(f"/activities/{activity.pk}/versions/2/diff?against=1"))

    assert (body["version"], body["against"]) == (2, 1)
    assert body["changes"] == [
        {"field": "start_date", "before": str(start), "after": str(start + timedelta(days=1))},
        {"field": "venue", "before": "宝鸡市渭滨区文化馆", "after": "宝鸡会展中心"},
        {
            "field": "sections.background",
            "before": "background 的内容。",
            "after": "竞品在宝鸡新开三家门店。",
        },
        {"field": "sections.expected", "before": None, "after": "到场 800 人。"},
        # Budget lines line by line: the first changed, the second as it was, a third added.
        {"field": "budget.0", "before": VENUE, "after": {**VENUE, "amount": "6500.00"}},
        {"field": "budget.2", "before": None, "after": GIFTS},
        {"field": "targets.attendance", "before": 600, "after": 800},
        {"field": "staffing.0", "before": None, "after": STAFF},
    ]


def test_diff_the_other_way_shows_the_removed_line(api, activity) -> None:
    body = ok(api("hq_manager").get(f"/activities/{activity.pk}/versions/1/diff?against=2"))

    budget = [c for c in body["changes"] if c["field"].startswith("budget.")]
    assert budget == [
        {"field": "budget.0", "before": {**VENUE, "amount": "6500.00"}, "after": VENUE},
        {"field": "budget.2", "before": GIFTS, "after": None},
    ]
    assert {"field": "staffing.0", "before": STAFF, "after": None} in body["changes"]


def test_diff_against_defaults_to_the_version_before(api, activity) -> None:
    client = api("sn_head")

    default = ok(client.get(f"/activities/{activity.pk}/versions/2/diff"))
    explicit = ok(client.get(f"/activities/{activity.pk}/versions/2/diff", {"against": 1}))

    assert default == explicit
    assert default["against"] == 1


def test_a_version_against_itself_has_no_changes(api, activity) -> None:
    body = ok(api("sn_head").get(f"/activities/{activity.pk}/versions/2/diff", {"against": 2}))

    assert body["changes"] == []


@pytest.mark.parametrize(
    "path", ["/versions/3/diff", "/versions/2/diff?against=5", "/versions/9/diff?against=1"]
)
def test_diff_of_an_unknown_version_is_not_found(api, activity, path: str) -> None:
    error_of(api("sn_head").get(f"/activities/{activity.pk}{path}"), 404, "not_found")


@pytest.mark.parametrize("path", ["/versions", "/versions/2/diff?against=1"])
def test_another_markets_versions_are_not_found(api, activity, path: str) -> None:
    error_of(api("ha_head").get(f"/activities/{activity.pk}{path}"), 404, "not_found")
    error_of(api().get(f"/activities/{activity.pk}{path}"), 401, "not_authenticated")
