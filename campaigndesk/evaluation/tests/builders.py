"""Activities walked through the four stages by the real services, with chosen dates, market
and numbers — what stage 4 acts on. Past dates are let in by a lead-time exception, as HQ does
for a late entry (see `core.demo._seed_history`)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.attachments.samples import sample_image
from campaigndesk.attachments.services import attachment_upload
from campaigndesk.core.demo import _full_sections
from campaigndesk.evaluation import services as evaluation_services
from campaigndesk.onsite import services as onsite
from campaigndesk.preparation import services as prep
from campaigndesk.reviews import services as review_services

STAGES = ("draft", "resubmitted", "approved", "on_site", "wrapped_up", "evaluated", "archived")
ALL_TOPICS = ["execution", "roles", "consumer_psychology", "service", "risk_control"]
SUPPORT_MEMBERS = ["expert_zhang", "planner_li", "support_zhao", "support_qian"]
# Four consecutive builds get four different support members, so activities built in one test
# at overlapping dates do not run into the schedule-conflict rule.
_rotation = itertools.cycle(SUPPORT_MEMBERS)

DEFAULT_BUDGET = {"venue": "10000.00", "promotion": "18000.00", "materials": "10000.00"}
DEFAULT_COSTS = {"venue": "12000.00", "promotion": "18800.00", "materials": "9600.00"}


def ok(response: Any, status: int = 200) -> Any:
    """The JSON body of a response that must have `status`."""
    assert response.status_code == status, response.content
    return response.json()


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    """The contract's error body of a refused call."""
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"]
    return error  # type: ignore[no-any-return]


def attach_receipts(activity: Activity, costs: dict[str, str], *, by: Any) -> None:
    """A receipt (a small generated JPEG) for every cost line above RECEIPT_REQUIRED_ABOVE."""
    threshold = Decimal(str(settings.RECEIPT_REQUIRED_ABOVE))
    for category, amount in costs.items():
        if Decimal(amount) > threshold:
            attachment_upload(
                activity_id=activity.pk,
                by=by,
                file=sample_image(label=category),
                name=f"{category}-receipt.jpg",
                kind="receipt",
                cost_category=category,
            )


def people() -> dict[str, Any]:
    User = get_user_model()
    return {u.username: u for u in User.objects.select_related("profile")}


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def walk(
    *,
    head: str = "sn_head",
    title: str = "西安健康大讲堂",
    start: date | None = None,
    days: int = 2,
    until: str = "wrapped_up",
    budget: dict[str, str] | None = None,
    targets: dict[str, Any] | None = None,
    strengths: str = "社区联合邀约,到场率高。",
    weaknesses: str = "签到区拥堵,礼品不足。",
    competitors: str = "竞品在广场东侧买赠。",
    reports: list[dict[str, Any]] | None = None,
    costs: dict[str, str] | None = None,
    sales: str = "93800.00",
    attendance: int = 1130,
    leads: int = 216,
    new_customers: int = 72,
    member: str | None = None,
    with_material: bool = False,
    receipts: bool = True,
) -> Activity:
    """An activity of `head`'s market taken up to the stage `until` (one of STAGES). Every step
    is the service a user's click calls; the activity is returned fresh from the database."""
    if until not in STAGES:
        raise ValueError(until)
    who = people()
    manager = who["hq_manager"]
    by = who[head]
    start = start or timezone.localdate() - timedelta(days=10)
    end = start + timedelta(days=days - 1)
    activity = activity_services.activity_create(
        by=by,
        data={
            "title": title,
            "venue": "会展中心",
            "start_date": start,
            "end_date": end,
            "sections": _full_sections(title),
            "budget": [
                {"category": category, "item": category, "amount": amount}
                for category, amount in (budget or DEFAULT_BUDGET).items()
            ],
            "targets": targets
            if targets is not None
            else {"attendance": 1000, "leads": 200, "sales": "90000.00"},
            "staffing": [],
        },
    )
    if until == "draft":
        return Activity.objects.get(pk=activity.pk)
    activity_services.lead_time_exception_grant(
        activity_id=activity.pk, by=manager, reason="补录历史活动。"
    )
    activity_services.activity_submit(activity_id=activity.pk, by=by)
    review_services.review_open(
        activity_id=activity.pk,
        by=manager,
        meeting_at=at(start - timedelta(days=25), 10),
        departments=["planning"],
    )
    review_services.opinion_give(
        activity_id=activity.pk, by=who["planning_reviewer"], department="planning", items=[]
    )
    review_services.review_return(activity_id=activity.pk, by=manager, summary="同意,请细化。")
    activity_services.activity_resubmit(
        activity_id=activity.pk,
        by=by,
        changes={},
        staffing=[{"name": "现场总指挥", "role": "总指挥", "duty": "统筹执行"}],
        responses=[],
    )
    if until == "resubmitted":
        return Activity.objects.get(pk=activity.pk)
    activity_services.activity_decide(activity_id=activity.pk, by=manager, decision="approve")
    if with_material:
        prep.material_add(
            activity_id=activity.pk,
            by=manager,
            name="宣传单",
            quantity="5000",
            unit="份",
            owner_department="logistics",
            due_date=start - timedelta(days=3),
        )
    if until == "approved":
        return Activity.objects.get(pk=activity.pk)
    username = member or next(_rotation)
    prep.support_team_save(
        activity_id=activity.pk,
        by=manager,
        name="",
        lead=username,
        members=[
            {
                "username": username,
                "role": "expert",
                "duty": "现场支持",
                "depart_at": at(start - timedelta(days=1), 8),
                "return_at": at(end + timedelta(days=1), 18),
            }
        ],
    )
    prep.support_team_publish(activity_id=activity.pk, by=manager)
    prep.activity_start_onsite(activity_id=activity.pk, by=by)
    if until == "on_site":
        return Activity.objects.get(pk=activity.pk)
    for kind, topics in (("briefing", []), ("training", ALL_TOPICS), ("mobilization", [])):
        onsite.meeting_record(
            activity_id=activity.pk, by=by, kind=kind, held_at=at(start, 8), topics=topics
        )
    for index, report in enumerate(
        reports or [{"visitors": 500, "leads": 100, "sales": "40000.00"}]
    ):
        onsite.daily_report_submit(
            activity_id=activity.pk,
            by=by,
            data={
                "date": start + timedelta(days=index),
                "progress": "按计划推进。",
                "competitors": competitors if index == 0 else "",
                **report,
            },
        )
    onsite.summary_write(
        activity_id=activity.pk,
        by=by,
        kind="activity",
        strengths=strengths,
        weaknesses=weaknesses,
        text="活动整体达成预期。",
    )
    onsite.activity_wrap_up(activity_id=activity.pk, by=by)
    if receipts:
        # Finance closes no evaluation without the receipts of its larger cost lines.
        attach_receipts(activity, costs or DEFAULT_COSTS, by=manager)
    if until == "wrapped_up":
        return Activity.objects.get(pk=activity.pk)
    evaluation_services.evaluation_complete(
        activity_id=activity.pk,
        by=manager,
        costs=[{"category": c, "amount": a} for c, a in (costs or DEFAULT_COSTS).items()],
        sales=sales,
        attendance=attendance,
        leads=leads,
        new_customers=new_customers,
        notes="",
    )
    if until == "evaluated":
        return Activity.objects.get(pk=activity.pk)
    evaluation_services.activity_archive(activity_id=activity.pk, by=manager)
    return Activity.objects.get(pk=activity.pk)
