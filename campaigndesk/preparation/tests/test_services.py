"""Stage-2 services called directly: the support team, its publication, materials and the move
on site — the rules, the audit rows and the notifications queued after commit.

The helpers at the top (`approved`, `at`, `member`, `team_save`, `publish`) are shared by the
other test modules of this folder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from campaigndesk.activities import services as activities
from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import _full_sections
from campaigndesk.core.errors import (
    Forbidden,
    Incomplete,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.core.models import AuditEntry
from campaigndesk.notifications.models import Notification
from campaigndesk.preparation import services
from campaigndesk.preparation.models import Material, SupportTeam
from campaigndesk.reviews import services as reviews

HEADS = {"SN": "sn_head", "HA": "ha_head", "SC": "sc_head"}


def approved(
    user, *, title: str = "西安春季健康路演", market: str = "SN", days: int = 40
) -> Activity:
    """An activity of `market` starting in `days` days (two days long), walked through stage 1
    by the real services up to `approved`."""
    head = user(HEADS[market])
    manager = user("hq_manager")
    start = timezone.localdate() + timedelta(days=days)
    activity = activities.activity_create(
        by=head,
        data={
            "title": title,
            "venue": "市体育馆广场",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "sections": _full_sections(title),
            "budget": [{"category": "venue", "item": "场地", "amount": Decimal("8000.00")}],
        },
    )
    activities.activity_submit(activity_id=activity.pk, by=head)
    reviews.review_open(
        activity_id=activity.pk,
        by=manager,
        meeting_at=timezone.now() + timedelta(days=1),
        departments=["planning"],
    )
    reviews.opinion_give(
        activity_id=activity.pk, by=user("planning_reviewer"), department="planning", items=[]
    )
    reviews.review_return(activity_id=activity.pk, by=manager, summary="请补充人员分工。")
    activities.activity_resubmit(
        activity_id=activity.pk,
        by=head,
        changes={},
        staffing=[{"name": "王医生", "role": "义诊专家", "duty": "血压检测"}],
        responses=[],
    )
    return activities.activity_decide(activity_id=activity.pk, by=manager, decision="approve")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` on `day`, Beijing time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def member(
    username: str,
    depart: datetime,
    back: datetime,
    *,
    role: str = "support",
    duty: str = "现场协销与咨询",
) -> dict[str, Any]:
    return {
        "username": username,
        "role": role,
        "duty": duty,
        "depart_at": depart,
        "return_at": back,
    }


def trip(activity: Activity) -> tuple[datetime, datetime]:
    """The usual window: leave the day before at 08:00, back the day after at 20:00."""
    return (
        at(activity.start_date - timedelta(days=1), 8),
        at(activity.end_date + timedelta(days=1), 20),
    )


def team_save(
    user, activity: Activity, usernames: list[str], *, lead: str | None = None, name: str = ""
) -> SupportTeam:
    """A team of `usernames` on the usual window, the first one leading."""
    depart, back = trip(activity)
    return services.support_team_save(
        activity_id=activity.pk,
        by=user("hq_manager"),
        name=name,
        lead=lead or usernames[0],
        members=[member(u, depart, back) for u in usernames],
    )


def publish(user, activity: Activity) -> SupportTeam:
    return services.support_team_publish(activity_id=activity.pk, by=user("hq_manager"))


def add_material(
    user,
    activity: Activity,
    name: str = "易拉宝",
    *,
    by: str = "hq_manager",
    department: str = "logistics",
    due: date | None = None,
) -> Material:
    return services.material_add(
        activity_id=activity.pk,
        by=user(by),
        name=name,
        quantity="6",
        unit="个",
        owner_department=department,
        due_date=due or activity.start_date - timedelta(days=3),
    )


def inbox(kind: str = "team_published") -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# --- the support team ---------------------------------------------------------------------------


def test_team_is_named_after_the_activity_and_keeps_the_order_of_its_members(user) -> None:
    activity = approved(user)
    team = team_save(user, activity, ["planner_li", "expert_zhang", "support_zhao"])
    assert activity.title in team.name
    assert team.lead.username == "planner_li"
    assert [m.user.username for m in team.members.all()] == [
        "planner_li",
        "expert_zhang",
        "support_zhao",
    ]
    assert not team.published


def test_team_save_writes_an_audit_row_with_the_members(user) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang", "support_zhao"])
    entry = AuditEntry.objects.get(activity_id=activity.pk, action="team_save")
    assert entry.actor.username == "hq_manager"
    assert entry.from_status == entry.to_status == "approved"
    assert [m["username"] for m in entry.changes["after"]["members"]] == [
        "expert_zhang",
        "support_zhao",
    ]
    assert "before" not in entry.changes


def test_an_unpublished_team_tells_nobody(user, django_capture_on_commit_callbacks) -> None:
    activity = approved(user)
    with django_capture_on_commit_callbacks(execute=True):
        team_save(user, activity, ["expert_zhang"])
    assert inbox() == set()


@pytest.mark.parametrize("username", ["sn_head", "planning_reviewer", "expert_zhang"])
def test_only_the_hq_manager_forms_the_team(user, username: str) -> None:
    activity = approved(user)
    depart, back = trip(activity)
    with pytest.raises(Forbidden):
        services.support_team_save(
            activity_id=activity.pk,
            by=user(username),
            name="",
            lead="expert_zhang",
            members=[member("expert_zhang", depart, back)],
        )
    assert not SupportTeam.objects.exists()


def test_another_markets_head_does_not_see_the_activity(user) -> None:
    activity = approved(user)
    with pytest.raises(NotFound):
        services.support_team_publish(activity_id=activity.pk, by=user("ha_head"))


def test_team_before_approval_is_a_wrong_status(user) -> None:
    draft = Activity.objects.get(market__code="SN", status="draft")
    depart, back = trip(draft)
    with pytest.raises(InvalidTransition) as caught:
        services.support_team_save(
            activity_id=draft.pk,
            by=user("hq_manager"),
            name="",
            lead="expert_zhang",
            members=[member("expert_zhang", depart, back)],
        )
    assert caught.value.details == {"status": "draft"}


def test_team_validation_names_every_bad_field_at_once(user) -> None:
    activity = approved(user)
    depart, back = trip(activity)
    with pytest.raises(ValidationFailed) as caught:
        services.support_team_save(
            activity_id=activity.pk,
            by=user("hq_manager"),
            name="",
            lead="nobody",
            members=[
                member("expert_zhang", depart, back, role="boss"),
                member("sn_staff1", depart, back),
                member("support_zhao", back, depart),
                member("planner_li", depart, back, duty="  "),
            ],
        )
    assert set(caught.value.fields) == {
        "lead",
        "members.0.role",
        "members.1.username",
        "members.2.return_at",
        "members.3.duty",
    }
    assert not SupportTeam.objects.exists()


# --- publishing ---------------------------------------------------------------------------------


def test_publish_tells_members_and_market_head_only_after_commit(
    user, django_capture_on_commit_callbacks
) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang", "planner_li"])
    with django_capture_on_commit_callbacks() as callbacks:
        team = publish(user, activity)
    assert team.published and team.published_by.username == "hq_manager"
    assert inbox() == set()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert inbox() == {"expert_zhang", "planner_li", "sn_head"}
    notification = Notification.objects.get(recipient__username="expert_zhang")
    assert notification.activity_id == activity.pk
    assert AuditEntry.objects.filter(activity_id=activity.pk, action="team_publish").count() == 1


def test_publish_without_a_team_is_incomplete(user) -> None:
    activity = approved(user)
    with pytest.raises(Incomplete) as caught:
        publish(user, activity)
    assert caught.value.details["missing"]


def test_changing_a_published_team_tells_the_new_team_and_audits_before_and_after(
    user, django_capture_on_commit_callbacks
) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang", "planner_li"])
    publish(user, activity)
    with django_capture_on_commit_callbacks(execute=True):
        team_save(user, activity, ["expert_zhang", "support_qian"])
    assert inbox() == {"expert_zhang", "support_qian", "sn_head"}
    entry = AuditEntry.objects.filter(activity_id=activity.pk, action="team_save").last()
    assert [m["username"] for m in entry.changes["before"]["members"]] == [
        "expert_zhang",
        "planner_li",
    ]
    assert [m["username"] for m in entry.changes["after"]["members"]] == [
        "expert_zhang",
        "support_qian",
    ]


def test_saving_a_published_team_unchanged_tells_nobody_again(
    user, django_capture_on_commit_callbacks
) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    publish(user, activity)
    with django_capture_on_commit_callbacks(execute=True):
        team_save(user, activity, ["expert_zhang"])
    assert inbox() == set()


# --- materials ----------------------------------------------------------------------------------


def test_material_add_and_moves_are_audited(user) -> None:
    activity = approved(user)
    item = add_material(user, activity, "血压计")
    services.material_update(
        activity_id=activity.pk,
        material_id=item.pk,
        by=user("logistics_reviewer"),
        status="shipped",
        tracking_no="SF1234567890",
    )
    actions = list(
        AuditEntry.objects.filter(object_type="preparation.material", object_id=item.pk)
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [("material_add", "hq_manager"), ("material_status", "logistics_reviewer")]
    move = AuditEntry.objects.get(action="material_status")
    assert move.changes == {"material": item.pk, "from": "requested", "to": "shipped"}
    assert "SF1234567890" in move.note


def test_receipt_records_who_and_when(user) -> None:
    activity = approved(user)
    item = add_material(user, activity)
    services.material_update(
        activity_id=activity.pk, material_id=item.pk, by=user("sn_head"), status="received"
    )
    item.refresh_from_db()
    assert item.status == "received"
    assert item.received_by.username == "sn_head"
    assert item.received_at is not None


def test_overdue_means_past_due_and_not_shipped(user) -> None:
    activity = approved(user)
    today = timezone.localdate()
    due_today = add_material(user, activity, "宣传单", due=today)
    late = add_material(user, activity, "礼品", due=today - timedelta(days=1))
    assert not due_today.overdue
    assert late.overdue
    services.material_update(
        activity_id=activity.pk, material_id=late.pk, by=user("hq_manager"), status="preparing"
    )
    late.refresh_from_db()
    assert late.overdue
    services.material_update(
        activity_id=activity.pk,
        material_id=late.pk,
        by=user("hq_manager"),
        status="shipped",
        tracking_no="YT0001",
    )
    late.refresh_from_db()
    assert not late.overdue


# --- start on site ------------------------------------------------------------------------------


def test_start_onsite_writes_the_items_not_yet_received_to_the_record(user) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    publish(user, activity)
    add_material(user, activity, "易拉宝")
    add_material(user, activity, "宣传单")
    received = add_material(user, activity, "血压计")
    services.material_update(
        activity_id=activity.pk, material_id=received.pk, by=user("sn_head"), status="received"
    )
    started = services.activity_start_onsite(activity_id=activity.pk, by=user("sn_head"))
    assert started.status == "on_site"
    entry = AuditEntry.objects.get(activity_id=activity.pk, action="start_onsite")
    assert (entry.from_status, entry.to_status) == ("approved", "on_site")
    assert "易拉宝" in entry.note and "宣传单" in entry.note
    assert "血压计" not in entry.note


def test_start_onsite_needs_the_team_published(user) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    with pytest.raises(Incomplete) as caught:
        services.activity_start_onsite(activity_id=activity.pk, by=user("hq_manager"))
    assert caught.value.details["missing"]
    activity.refresh_from_db()
    assert activity.status == "approved"


def test_team_and_materials_stay_editable_on_site(user) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    publish(user, activity)
    services.activity_start_onsite(activity_id=activity.pk, by=user("hq_manager"))
    team = team_save(user, activity, ["expert_zhang", "support_qian"])
    assert team.members.count() == 2
    assert add_material(user, activity, "补充礼品").status == "requested"
