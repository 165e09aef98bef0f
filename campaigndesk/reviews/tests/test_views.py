"""Stage 1 pages: each role's step from the browser's side (forms, refusals, query counts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.activities.services import activity_create, activity_submit
from campaigndesk.core.demo import _full_sections
from campaigndesk.reviews.models import Opinion, OpinionItem
from campaigndesk.reviews.services import opinion_give, review_open, review_return

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="campaign-demo")
    return client


def person(username: str) -> User:
    return User.objects.get(username=username)


def ready_draft(title: str = "页面测试活动", days: int = 30) -> Activity:
    start = timezone.localdate() + timedelta(days=days)
    return activity_create(
        by=person("sn_head"),
        data={
            "title": title,
            "start_date": start,
            "end_date": start,
            "sections": _full_sections(title),
            "budget": [{"category": "venue", "item": "场地", "amount": "100.00"}],
        },
    )


def in_review(departments: list[str] | None = None) -> Activity:
    activity = ready_draft()
    activity_submit(activity_id=activity.pk, by=person("sn_head"))
    review_open(
        activity_id=activity.pk,
        by=person("hq_manager"),
        meeting_at=timezone.now() + timedelta(days=1),
        departments=departments or ["planning", "marketing"],
    )
    return activity


def returned() -> Activity:
    activity = in_review()
    opinion_give(
        activity_id=activity.pk,
        by=person("planning_reviewer"),
        department="planning",
        items=[{"section": "schedule", "comment": "细化排期", "required_change": True}],
    )
    opinion_give(
        activity_id=activity.pk, by=person("marketing_reviewer"), department="marketing", items=[]
    )
    review_return(activity_id=activity.pk, by=person("hq_manager"), summary="请细化")
    return activity


def test_market_head_submits_from_the_page(demo: None) -> None:
    activity = ready_draft()
    client = client_for("sn_head")
    assert (
        'data-testid="submit-activity"'
        in client.get(f"/activities/{activity.pk}/").content.decode()
    )
    response = client.post(f"/activities/{activity.pk}/submit/", follow=True)
    activity.refresh_from_db()
    assert activity.status == "submitted"
    assert "已提交" in response.content.decode()


def test_a_late_submission_shows_the_rule_and_nothing_changes(demo: None) -> None:
    activity = ready_draft(days=10)
    response = client_for("sn_head").post(f"/activities/{activity.pk}/submit/", follow=True)
    body = response.content.decode()
    activity.refresh_from_db()
    assert activity.status == "draft"
    assert "20" in body and "10" in body  # lead days and days left, in the message


def test_missing_sections_are_named_on_the_page(demo: None) -> None:
    activity = Activity.objects.get(market__code="SN")  # the sample draft lacks sections
    response = client_for("sn_head").post(f"/activities/{activity.pk}/submit/", follow=True)
    assert "风险预案" in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == "draft"


def test_manager_grants_an_exception_then_the_head_can_submit(demo: None) -> None:
    activity = ready_draft(days=5)
    client_for("hq_manager").post(
        f"/activities/{activity.pk}/lead-time-exception/", {"reason": "配合省级健康日"}
    )
    client_for("sn_head").post(f"/activities/{activity.pk}/submit/")
    activity.refresh_from_db()
    assert activity.status == "submitted"
    assert activity.lead_time_exception_reason == "配合省级健康日"


def test_manager_opens_review_with_chosen_departments(demo: None) -> None:
    activity = ready_draft()
    activity_submit(activity_id=activity.pk, by=person("sn_head"))
    client = client_for("hq_manager")
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert 'data-testid="open-review-form"' in page
    client.post(
        f"/reviews/activities/{activity.pk}/review/",
        {"meeting_at": "2031-01-05T10:00", "departments": ["planning", "finance"]},
    )
    activity.refresh_from_db()
    assert activity.status == "in_review"
    round_ = activity.review_rounds.get()
    assert sorted(round_.departments.values_list("code", flat=True)) == ["finance", "planning"]
    assert timezone.localtime(round_.meeting_at).hour == 10


def test_reviewer_gives_an_opinion_with_items(demo: None) -> None:
    activity = in_review()
    client = client_for("planning_reviewer")
    assert client.get(f"/reviews/activities/{activity.pk}/opinion/").status_code == 200
    response = client.post(
        f"/reviews/activities/{activity.pk}/opinion/",
        {
            "department": "planning",
            "item_section": ["schedule", "general"],
            "item_comment": ["按周细化", "很好"],
            "item_required": ["1", "0"],
        },
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get(round__activity=activity, department__code="planning")
    assert [(i.section, i.required_change) for i in opinion.items.all()] == [
        ("schedule", True),
        ("general", False),
    ]


def test_a_department_not_invited_cannot_open_the_opinion_form(demo: None) -> None:
    activity = in_review(["planning"])
    assert (
        client_for("finance_reviewer")
        .get(f"/reviews/activities/{activity.pk}/opinion/")
        .status_code
        == 403
    )
    assert (
        client_for("ha_head").get(f"/reviews/activities/{activity.pk}/opinion/").status_code == 404
    )


def test_return_is_refused_until_every_department_spoke(demo: None) -> None:
    activity = in_review()
    opinion_give(
        activity_id=activity.pk, by=person("planning_reviewer"), department="planning", items=[]
    )
    client = client_for("hq_manager")
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert 'data-testid="return-opinions" disabled' in page  # the button waits for marketing
    response = client.post(
        f"/reviews/activities/{activity.pk}/return/", {"summary": "汇总"}, follow=True
    )
    activity.refresh_from_db()
    assert activity.status == "in_review"
    assert "市场部" in response.content.decode()


def test_resubmit_page_marks_unanswered_items_and_keeps_what_was_typed(demo: None) -> None:
    activity = returned()
    client = client_for("sn_head")
    item = OpinionItem.objects.get(opinion__round__activity=activity)
    response = client.post(
        f"/reviews/activities/{activity.pk}/resubmit/",
        {
            "staffing_username": ["sn_bj_head"],
            "staffing_name": [""],
            "staffing_role": ["总指挥"],
            "staffing_duty": ["统筹"],
            f"response_{item.pk}": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in body
    assert 'value="总指挥"' in body
    activity.refresh_from_db()
    assert activity.status == "revision_requested"
    response = client.post(
        f"/reviews/activities/{activity.pk}/resubmit/",
        {
            "staffing_username": ["sn_bj_head"],
            "staffing_name": [""],
            "staffing_role": ["总指挥"],
            "staffing_duty": ["统筹"],
            f"response_{item.pk}": "已细化",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "resubmitted"
    assert activity.staffing == [{"username": "sn_bj_head", "role": "总指挥", "duty": "统筹"}]


def test_resubmit_page_is_only_for_the_market_head(demo: None) -> None:
    activity = returned()
    assert (
        client_for("sn_staff1").get(f"/reviews/activities/{activity.pk}/resubmit/").status_code
        == 403
    )
    assert (
        client_for("ha_head").get(f"/reviews/activities/{activity.pk}/resubmit/").status_code == 404
    )


def test_reject_without_reason_is_refused_on_the_page(demo: None) -> None:
    activity = returned()
    item = OpinionItem.objects.get(opinion__round__activity=activity)
    client_for("sn_head").post(
        f"/reviews/activities/{activity.pk}/resubmit/",
        {
            "staffing_name": ["李四"],
            "staffing_username": [""],
            "staffing_role": ["执行"],
            "staffing_duty": ["执行"],
            f"response_{item.pk}": "好",
        },
    )
    client = client_for("hq_manager")
    client.post(f"/activities/{activity.pk}/decision/", {"decision": "reject", "reason": ""})
    activity.refresh_from_db()
    assert activity.status == "resubmitted"
    client.post(f"/activities/{activity.pk}/decision/", {"decision": "approve"})
    activity.refresh_from_db()
    assert activity.status == "approved"
    versions = client.get(f"/activities/{activity.pk}/versions/").content.decode()
    assert 'data-testid="diff"' in versions


def test_delegation_page_sets_and_ends(demo: None) -> None:
    from campaigndesk.org.models import Department, Profile

    colleague = User.objects.create_user("planning_two", password="campaign-demo")
    Profile.objects.create(
        user=colleague,
        display_name="企划二",
        role="reviewer",
        department=Department.objects.get(code="planning"),
    )
    client = client_for("planning_reviewer")
    today = timezone.localdate()
    response = client.post(
        "/reviews/delegation/",
        {
            "delegate": "planning_two",
            "start_date": today.isoformat(),
            "end_date": (today + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert 'data-testid="current-delegation"' in client.get("/reviews/delegation/").content.decode()
    client.post("/reviews/delegation/", {"end": "1"})
    assert (
        'data-testid="current-delegation"'
        not in client.get("/reviews/delegation/").content.decode()
    )


def test_delegation_to_another_department_is_refused_beside_the_field(demo: None) -> None:
    response = client_for("planning_reviewer").post(
        "/reviews/delegation/",
        {
            "delegate": "finance_reviewer",
            "start_date": timezone.localdate().isoformat(),
            "end_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_notification_opens_the_place_to_act_and_is_read(
    demo: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        activity = in_review()
    client = client_for("planning_reviewer")
    inbox = client.get("/inbox/").content.decode()
    assert activity.title in inbox
    from campaigndesk.notifications.models import Notification

    notification = Notification.objects.get(recipient__username="planning_reviewer")
    response = client.post(f"/inbox/{notification.pk}/open/")
    assert response["Location"] == f"/reviews/activities/{activity.pk}/opinion/"
    notification.refresh_from_db()
    assert notification.read


def test_my_reviews_and_detail_queries_do_not_grow(
    demo: None, django_assert_num_queries, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    first = in_review(["planning", "marketing", "logistics", "finance"])
    opinion_give(
        activity_id=first.pk,
        by=person("planning_reviewer"),
        department="planning",
        items=[{"section": "general", "comment": "x", "required_change": False}],
    )
    client = client_for("planning_reviewer")
    with django_assert_max_num_queries(50) as small_inbox:
        client.get("/reviews/mine/")
    with django_assert_max_num_queries(50) as small_detail:
        client.get(f"/activities/{first.pk}/")
    for n in range(3):
        more = ready_draft(title=f"更多{n}")
        activity_submit(activity_id=more.pk, by=person("sn_head"))
        review_open(
            activity_id=more.pk,
            by=person("hq_manager"),
            meeting_at=timezone.now(),
            departments=["planning", "finance"],
        )
        opinion_give(
            activity_id=more.pk,
            by=person("planning_reviewer"),
            department="planning",
            items=[
                {"section": "general", "comment": f"c{i}", "required_change": True}
                for i in range(3)
            ],
        )
    for reviewer, department in [
        ("marketing_reviewer", "marketing"),
        ("logistics_reviewer", "logistics"),
    ]:
        opinion_give(
            activity_id=first.pk,
            by=person(reviewer),
            department=department,
            items=[{"section": "general", "comment": "y", "required_change": True}] * 3,
        )
    # session, user; header (unread, delegations); departments acted for; rounds with
    # activity and market; their departments; their opinions — the same however many.
    with django_assert_num_queries(len(small_inbox.captured_queries)):
        client.get("/reviews/mine/")
    with django_assert_num_queries(len(small_detail.captured_queries)):
        client.get(f"/activities/{first.pk}/")
