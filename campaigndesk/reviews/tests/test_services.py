"""review_open, opinion_give and review_return, called directly: the review meeting as the HQ
manager convenes it and the departments' reviewers speak in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigndesk.activities import services as activities
from campaigndesk.activities.models import Activity
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    Incomplete,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.core.models import AuditEntry
from campaigndesk.notifications.models import Notification
from campaigndesk.org.models import Delegation, Department, Profile
from campaigndesk.reviews import services
from campaigndesk.reviews.models import Opinion, OpinionItem, ReviewRound

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
MEETING = datetime(2030, 1, 10, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai
DEFAULT_DEPARTMENTS = ["planning", "marketing", "logistics", "finance"]


def make_draft(user, *, head: str = "sn_head") -> Activity:
    start = timezone.localdate() + timedelta(days=40)
    return activities.activity_create(
        by=user(head),
        data={
            "title": "宝鸡社区健康讲座",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "venue": "宝鸡市渭滨区文化馆",
            "sections": SECTIONS,
            "budget": [{"category": "venue", "item": "场地", "amount": Decimal("8000")}],
        },
    )


@pytest.fixture
def submitted(user) -> Activity:
    draft = make_draft(user)
    return activities.activity_submit(activity_id=draft.pk, by=user("sn_head"))


def open_review(user, activity: Activity, departments: list[str] | None = None) -> ReviewRound:
    return services.review_open(
        activity_id=activity.pk, by=user("hq_manager"), meeting_at=MEETING, departments=departments
    )


@pytest.fixture
def in_review(user, submitted) -> Activity:
    """In review with planning, marketing and finance invited (not logistics)."""
    open_review(user, submitted, ["planning", "marketing", "finance"])
    return Activity.objects.get(pk=submitted.pk)


ITEMS = [
    {"section": "schedule", "comment": "日程过紧。", "required_change": True},
    {"section": "general", "comment": "整体可行。", "required_change": False},
]


def give(user, activity: Activity, department: str, *, by: str | None = None, items=None):
    return services.opinion_give(
        activity_id=activity.pk,
        by=user(by or f"{department}_reviewer"),
        department=department,
        items=ITEMS if items is None else items,
    )


def audit_rows(activity: Activity, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(activity_id=activity.pk, action=action).order_by("id"))


def told(activity: Activity, kind: str) -> set[str]:
    rows = Notification.objects.filter(activity_id=activity.pk, kind=kind)
    return {n.recipient.get_username() for n in rows.select_related("recipient")}


# --- review_open --------------------------------------------------------------------------------


def test_open_review_convenes_round_1_with_the_chosen_departments(user, submitted) -> None:
    review_round = open_review(user, submitted, ["finance", "planning"])

    activity = Activity.objects.get(pk=submitted.pk)
    assert activity.status == "in_review"
    assert (review_round.number, review_round.version) == (1, 1)
    assert review_round.meeting_at == MEETING
    assert review_round.opened_by.get_username() == "hq_manager"
    assert sorted(review_round.departments.values_list("code", flat=True)) == [
        "finance",
        "planning",
    ]
    row = audit_rows(activity, "open_review")[-1]
    assert (row.actor.get_username(), row.from_status, row.to_status) == (
        "hq_manager",
        "submitted",
        "in_review",
    )
    assert "2030-01-10 14:00" in row.note  # the meeting time as Shanghai reads it


def test_open_review_without_departments_invites_the_default_four(user, submitted) -> None:
    review_round = open_review(user, submitted, [])

    assert set(review_round.departments.values_list("code", flat=True)) == set(DEFAULT_DEPARTMENTS)


def test_a_department_not_invited_by_default_is_left_out_unless_named(user, submitted) -> None:
    Department.objects.create(code="legal", name="法务部", invited_by_default=False, position=9)

    other = make_draft(user, head="ha_head")
    activities.activity_submit(activity_id=other.pk, by=user("ha_head"))

    default = open_review(user, submitted)
    named = open_review(user, other, ["legal"])

    assert "legal" not in set(default.departments.values_list("code", flat=True))
    assert list(named.departments.values_list("code", flat=True)) == ["legal"]


def test_open_review_with_an_unknown_department_is_refused(user, submitted) -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_review(user, submitted, ["planning", "catering"])

    assert set(refused.value.details["fields"]) == {"departments"}
    assert "catering" in refused.value.details["fields"]["departments"]
    assert Activity.objects.get(pk=submitted.pk).status == "submitted"
    assert not ReviewRound.objects.filter(activity=submitted).exists()


def test_open_review_tells_the_invited_reviewers_and_their_delegates_only(
    user, submitted, django_capture_on_commit_callbacks
) -> None:
    deputy = get_user_model().objects.create_user(username="finance_deputy")
    Profile.objects.create(
        user=deputy,
        display_name="财务副手",
        role="support_member",
        department=Department.objects.get(code="finance"),
    )
    today = timezone.localdate()
    Delegation.objects.create(
        delegator=user("finance_reviewer"), delegate=deputy, start_date=today, end_date=today
    )

    with django_capture_on_commit_callbacks(execute=True):
        open_review(user, submitted, ["planning", "finance"])

    assert told(submitted, "review_requested") == {
        "planning_reviewer",
        "finance_reviewer",
        "finance_deputy",
    }


def test_a_delegate_outside_the_window_is_not_told(
    user, submitted, django_capture_on_commit_callbacks
) -> None:
    deputy = get_user_model().objects.create_user(username="finance_deputy")
    Profile.objects.create(
        user=deputy,
        display_name="财务副手",
        role="support_member",
        department=Department.objects.get(code="finance"),
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    Delegation.objects.create(
        delegator=user("finance_reviewer"), delegate=deputy, start_date=tomorrow, end_date=tomorrow
    )

    with django_capture_on_commit_callbacks(execute=True):
        open_review(user, submitted, ["finance"])

    assert told(submitted, "review_requested") == {"finance_reviewer"}


@pytest.mark.parametrize("username", ["planning_reviewer", "sn_head", "admin"])
def test_only_the_hq_manager_opens_a_review(user, submitted, username: str) -> None:
    with pytest.raises(Forbidden):
        services.review_open(activity_id=submitted.pk, by=user(username), meeting_at=MEETING)

    assert Activity.objects.get(pk=submitted.pk).status == "submitted"


def test_open_review_of_a_draft_is_an_invalid_transition(user) -> None:
    draft = make_draft(user)

    with pytest.raises(InvalidTransition) as refused:
        open_review(user, draft)

    assert refused.value.details == {"status": "draft"}
    assert not ReviewRound.objects.filter(activity=draft).exists()


def test_open_review_twice_is_an_invalid_transition(user, in_review) -> None:
    with pytest.raises(InvalidTransition) as refused:
        open_review(user, in_review)

    assert refused.value.details == {"status": "in_review"}
    assert ReviewRound.objects.filter(activity=in_review).count() == 1


# --- opinion_give -------------------------------------------------------------------------------


def test_a_reviewer_gives_the_departments_opinion(user, in_review) -> None:
    opinion = give(user, in_review, "planning")

    assert opinion.department.code == "planning"
    assert opinion.round.number == 1
    assert opinion.given_by.get_username() == "planning_reviewer"
    assert opinion.on_behalf_of is None
    assert [
        (i.position, i.section, i.comment, i.required_change)
        for i in opinion.items.order_by("position")
    ] == [(0, "schedule", "日程过紧。", True), (1, "general", "整体可行。", False)]
    row = audit_rows(in_review, "opinion")[-1]
    assert (row.actor.get_username(), row.on_behalf_of, row.from_status, row.to_status) == (
        "planning_reviewer",
        None,
        "in_review",
        "in_review",
    )
    assert Activity.objects.get(pk=in_review.pk).status == "in_review"


def test_a_second_opinion_of_the_department_in_the_round_is_a_duplicate(user, in_review) -> None:
    give(user, in_review, "planning")

    with pytest.raises(Duplicate):
        give(user, in_review, "planning", items=[{"section": "risk", "comment": "补充"}])

    assert Opinion.objects.filter(round__activity=in_review).count() == 1


def test_a_reviewer_of_another_department_is_forbidden(user, in_review) -> None:
    with pytest.raises(Forbidden):
        give(user, in_review, "planning", by="marketing_reviewer")

    assert not Opinion.objects.filter(round__activity=in_review).exists()


@pytest.mark.parametrize("username", ["sn_head", "hq_manager", "support_zhao"])
def test_only_reviewers_give_opinions(user, in_review, username: str) -> None:
    with pytest.raises(Forbidden):
        give(user, in_review, "planning", by=username)


def test_another_markets_head_does_not_see_the_activity(user, in_review) -> None:
    with pytest.raises(NotFound):
        give(user, in_review, "planning", by="ha_head")


def test_an_opinion_of_a_department_not_invited_is_refused(user, in_review) -> None:
    with pytest.raises(ValidationFailed) as refused:
        give(user, in_review, "logistics")

    assert set(refused.value.details["fields"]) == {"department"}
    assert not Opinion.objects.filter(round__activity=in_review).exists()


def test_an_opinion_of_an_unknown_department_is_refused(user, in_review) -> None:
    with pytest.raises(ValidationFailed) as refused:
        give(user, in_review, "catering", by="planning_reviewer")

    assert set(refused.value.details["fields"]) == {"department"}


def test_items_name_a_section_of_the_template_or_general(user, in_review) -> None:
    items = [
        {"section": "risk", "comment": "预案需细化。"},
        {"section": "budget", "comment": "预算偏高。"},
        {"section": "general", "comment": "整体可行。"},
        {"section": "", "comment": "没有环节。"},
    ]

    with pytest.raises(ValidationFailed) as refused:
        give(user, in_review, "planning", items=items)

    assert set(refused.value.details["fields"]) == {"items.1.section", "items.3.section"}
    assert not Opinion.objects.filter(round__activity=in_review).exists()


@pytest.mark.parametrize("comment", ["", "   ", "长" * 5001])
def test_an_item_needs_a_comment_of_sensible_length(user, in_review, comment: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        give(user, in_review, "planning", items=[{"section": "risk", "comment": comment}])

    assert set(refused.value.details["fields"]) == {"items.0.comment"}


@pytest.mark.parametrize("stage", ["submitted", "revision_requested"])
def test_an_opinion_outside_review_is_an_invalid_transition(user, submitted, stage: str) -> None:
    if stage == "revision_requested":
        open_review(user, submitted, ["planning"])
        give(user, submitted, "planning")
        services.review_return(activity_id=submitted.pk, by=user("hq_manager"), summary="请细化")

    with pytest.raises(InvalidTransition) as refused:
        give(user, submitted, "marketing")

    assert refused.value.details == {"status": stage}


# --- review_return ------------------------------------------------------------------------------


def test_return_waits_for_every_invited_department(user, in_review) -> None:
    give(user, in_review, "planning")

    with pytest.raises(Incomplete) as refused:
        services.review_return(activity_id=in_review.pk, by=user("hq_manager"), summary="请细化")

    assert refused.value.details == {"missing": ["marketing", "finance"]}
    assert Activity.objects.get(pk=in_review.pk).status == "in_review"
    assert audit_rows(in_review, "return") == []


@pytest.mark.parametrize("summary", ["", "  "])
def test_return_needs_a_summary(user, in_review, summary: str) -> None:
    for department in ("planning", "marketing", "finance"):
        give(user, in_review, department)

    with pytest.raises(ValidationFailed) as refused:
        services.review_return(activity_id=in_review.pk, by=user("hq_manager"), summary=summary)

    assert set(refused.value.details["fields"]) == {"summary"}
    assert Activity.objects.get(pk=in_review.pk).status == "in_review"


def test_return_sends_the_consolidated_opinions_to_the_market_head(
    user, in_review, django_capture_on_commit_callbacks
) -> None:
    for department in ("planning", "marketing", "finance"):
        give(user, in_review, department)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_return(
            activity_id=in_review.pk, by=user("hq_manager"), summary="  日程与物料请细化。  "
        )

    activity = Activity.objects.get(pk=in_review.pk)
    assert activity.status == "revision_requested"
    review_round = ReviewRound.objects.get(activity=activity)
    assert review_round.summary == "日程与物料请细化。"
    assert review_round.returned_by.get_username() == "hq_manager"
    assert review_round.returned_at is not None
    row = audit_rows(activity, "return")[-1]
    assert (row.from_status, row.to_status, row.note) == (
        "in_review",
        "revision_requested",
        "日程与物料请细化。",
    )
    assert told(activity, "revision_requested") == {"sn_head"}


@pytest.mark.parametrize("username", ["planning_reviewer", "sn_head"])
def test_only_the_hq_manager_returns_opinions(user, in_review, username: str) -> None:
    for department in ("planning", "marketing", "finance"):
        give(user, in_review, department)

    with pytest.raises(Forbidden):
        services.review_return(activity_id=in_review.pk, by=user(username), summary="请细化")

    assert Activity.objects.get(pk=in_review.pk).status == "in_review"


def test_return_before_a_review_is_an_invalid_transition(user, submitted) -> None:
    with pytest.raises(InvalidTransition) as refused:
        services.review_return(activity_id=submitted.pk, by=user("hq_manager"), summary="请细化")

    assert refused.value.details == {"status": "submitted"}


def test_another_round_opens_from_the_resubmission(user, in_review) -> None:
    for department in ("planning", "marketing", "finance"):
        give(user, in_review, department)
    services.review_return(activity_id=in_review.pk, by=user("hq_manager"), summary="请细化")
    responses: list[dict[str, Any]] = [
        {"item_id": item.pk, "response": "已改"}
        for item in OpinionItem.objects.filter(
            opinion__round__activity=in_review, required_change=True
        )
    ]
    activities.activity_resubmit(
        activity_id=in_review.pk,
        by=user("sn_head"),
        changes={},
        staffing=[{"username": "sn_bj_head", "role": "market", "duty": "总协调"}],
        responses=responses,
    )

    second = open_review(user, in_review, ["planning"])

    assert (second.number, second.version) == (2, 2)
    assert Activity.objects.get(pk=in_review.pk).status == "in_review"
    # The planning reviewer speaks again in round 2; marketing is not invited this time.
    assert give(user, in_review, "planning").round.number == 2
    with pytest.raises(ValidationFailed):
        give(user, in_review, "marketing")
