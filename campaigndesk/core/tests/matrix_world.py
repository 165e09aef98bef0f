"""The world the permission matrix and the audit-completeness test act on: the demo
organisation, and for each of the markets SN ("own") and HA ("other") one activity in every
status a write needs, with the sub-objects (material, daily report, summary, lessons) the
endpoints name; briefings, a playbook, export jobs, notifications and a group bot at HQ level.

It is built once per test module inside an outer transaction that is rolled back at the end;
each test runs in a savepoint of it (pytest-django's `db`), so no case sees another's writes.
HA's activities carry `MARKER` in their titles and `HA_WORD` in their text: a response to a
person of SN must contain neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.utils import timezone

from campaigndesk.activities import playbooks
from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.attachments import services as attachment_services
from campaigndesk.attachments.samples import sample_image
from campaigndesk.briefings import services as briefing_services
from campaigndesk.core.demo import _full_sections, seed_demo
from campaigndesk.evaluation import services as evaluation_services
from campaigndesk.evaluation.tests.builders import at, walk
from campaigndesk.exports import services as export_services
from campaigndesk.notifications import services as notification_services
from campaigndesk.notifications.models import Kind, Notification
from campaigndesk.onsite import services as onsite
from campaigndesk.org.models import ApiToken, Department, Profile
from campaigndesk.org.roles import Role
from campaigndesk.preparation import services as prep
from campaigndesk.reviews import services as review_services

# The columns of the matrix: a role (and, for support members, whether they are on the acting
# activity's support team) and the demo user who plays it. Market people are SN's.
ROLE_USERS: dict[str, str] = {
    "admin": "admin",
    "hq_manager": "hq_manager",
    "planning": "planning_reviewer",
    "marketing": "marketing_reviewer",
    "logistics": "logistics_reviewer",
    "finance": "finance_reviewer",
    "support_on": "expert_zhang",
    "support_off": "support_zhao",
    "market_head": "sn_head",
    "office_head": "sn_xa_head",
    "market_staff": "sn_staff1",
}
ROLES = list(ROLE_USERS)
MARKET_ROLES = ["market_head", "office_head", "market_staff"]
OWN, OTHER = "SN", "HA"
HEADS = {"SN": "sn_head", "HA": "ha_head"}
TEAM_MEMBER = {"SN": "expert_zhang", "HA": "planner_li"}
MARKER = "HAONLY"
HA_WORD = "豫州秘方"
SN_WORD = "秦川良方"
DRAFT_BRIEFING_WORD = "简报草稿机密"
ALL_DEPARTMENTS = ["planning", "marketing", "logistics", "finance"]

# The statuses (and a few prepared states) the rows act on.
STATES = (
    "draft",
    "submitted",
    "in_review",
    "revision_requested",
    "resubmitted",
    "approved",
    "on_site",
    "wrapped_up",
    "evaluated",
    "archived",
)


@dataclass
class World:
    people: dict[str, User]
    tokens: dict[str, str]
    activities: dict[tuple[str, str], Activity] = field(default_factory=dict)
    materials: dict[str, int] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)
    summaries: dict[str, int] = field(default_factory=dict)
    jobs: dict[str, int] = field(default_factory=dict)
    notifications: dict[str, int] = field(default_factory=dict)
    briefings: dict[str, int] = field(default_factory=dict)
    playbooks: dict[str, int] = field(default_factory=dict)
    attachments: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    target: int = 0

    def activity(self, state: str, market: str) -> Activity:
        return self.activities[(state, market)]


def _stage1(market: str, state: str, who: dict[str, User], offset: int) -> Activity:
    """A proposal of `market` taken to a stage-1 status by the services; far enough ahead that
    no lead-time exception is needed."""
    head, manager = who[HEADS[market]], who["hq_manager"]
    start = timezone.localdate() + timedelta(days=60 + offset)
    title = f"{market} {state} " + (f"{MARKER} {HA_WORD}" if market == OTHER else SN_WORD)
    activity = activity_services.activity_create(
        by=head,
        data={
            "title": title,
            "venue": "会展中心",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "sections": _full_sections(title),
            "budget": [{"category": "venue", "item": "场地", "amount": "1000.00"}],
            "targets": {"attendance": 100, "leads": 10, "sales": "1000.00"},
            "staffing": [],
        },
    )
    if state == "draft":
        return activity
    activity_services.activity_submit(activity_id=activity.pk, by=head)
    if state == "submitted":
        return activity
    review_services.review_open(
        activity_id=activity.pk,
        by=manager,
        meeting_at=timezone.now(),
        departments=ALL_DEPARTMENTS if state == "in_review" else ["planning"],
    )
    if state == "in_review":
        return activity
    opinion = review_services.opinion_give(
        activity_id=activity.pk,
        by=who["planning_reviewer"],
        department="planning",
        items=[{"section": "general", "comment": "请细化预算", "required_change": True}],
    )
    review_services.review_return(activity_id=activity.pk, by=manager, summary="请细化")
    if state == "revision_requested":
        return activity
    item = opinion.items.get()
    activity_services.activity_resubmit(
        activity_id=activity.pk,
        by=head,
        changes={},
        staffing=[{"name": "张三", "role": "总指挥", "duty": "统筹"}],
        responses=[{"item_id": item.pk, "response": "已细化"}],
    )
    if state == "resubmitted":
        return activity
    return activity_services.activity_decide(
        activity_id=activity.pk, by=manager, decision="approve"
    )


def _build_market(world: World, market: str) -> None:
    who = world.people
    manager, head = who["hq_manager"], who[HEADS[market]]
    member = TEAM_MEMBER[market]
    for offset, state in enumerate(STATES[:6]):
        world.activities[(state, market)] = _stage1(market, state, who, offset * 3)
    approved = world.activities[("approved", market)]
    prep.support_team_save(
        activity_id=approved.pk,
        by=manager,
        name="",
        lead=member,
        members=[
            {
                "username": member,
                "role": "expert",
                "duty": "现场支持",
                "depart_at": at(approved.start_date - timedelta(days=1), 8),
                "return_at": at(approved.end_date + timedelta(days=1), 18),
            }
        ],
    )
    world.materials[market] = prep.material_add(
        activity_id=approved.pk,
        by=manager,
        name="宣传单",
        quantity="5000",
        unit="份",
        owner_department="logistics",
        due_date=approved.start_date - timedelta(days=3),
    ).pk
    today = timezone.localdate()
    for index, state in enumerate(("on_site", "wrapped_up", "evaluated", "archived")):
        title = f"{market} {state} " + (f"{MARKER} {HA_WORD}" if market == OTHER else SN_WORD)
        world.activities[(state, market)] = walk(
            head=HEADS[market],
            title=title,
            start=today - timedelta(days=40 - 10 * index),
            days=3,
            until=state,
            member=member,
            competitors=f"{title} 竞品",
        )
    on_site = world.activities[("on_site", market)]
    world.reports[market] = onsite.daily_report_submit(
        activity_id=on_site.pk,
        by=head,
        data={"date": on_site.start_date, "visitors": 10, "progress": f"{on_site.title} 进展"},
    ).pk
    staff = who["sn_staff1"] if market == OWN else head
    world.summaries[market] = onsite.summary_write(
        activity_id=on_site.pk, by=staff, kind="individual", text="个人总结"
    ).pk
    world.attachments[market] = attachment_services.attachment_upload(
        activity_id=on_site.pk,
        by=head,
        file=sample_image(label=market),
        name="现场.jpg",
        kind="photo",
    ).pk
    archived = world.activities[("archived", market)]
    evaluation_services.lessons_send(
        activity_id=archived.pk, by=manager, text="引以为鉴", items=["签到分流"]
    )


def _jobs(world: World) -> None:
    today = timezone.localdate()
    for market, username in HEADS.items():
        job = export_services.export_job_start(
            by=world.people[username], date_from=today - timedelta(days=60), date_to=today
        )
        export_services.export_job_run(job_id=job.pk)
        world.jobs[market] = job.pk


def _notifications(world: World) -> None:
    """One inbox row per person (the services write theirs after a commit that never comes
    here)."""
    for username in [*ROLE_USERS.values(), "ha_head"]:
        world.notifications[username] = Notification.objects.create(
            recipient=world.people[username],
            kind=Kind.REMINDER,
            subject=f"{username} 的提醒",
            activity_id=None,
        ).pk


def build_world() -> World:
    seed_demo(walkthrough=False)
    people = {u.username: u for u in User.objects.select_related("profile")}
    tokens = {name: ApiToken.issue(user=user, days=1)[1] for name, user in people.items()}
    world = World(people=people, tokens=tokens)
    _build_market(world, OWN)
    _build_market(world, OTHER)
    manager = people["hq_manager"]
    year_ago = timezone.localdate() - timedelta(days=365)
    published = briefing_services.briefing_compile(
        by=manager, period_start=year_ago - timedelta(days=30), period_end=year_ago
    )
    briefing_services.briefing_publish(briefing_id=published.pk, by=manager)
    draft = briefing_services.briefing_compile(
        by=manager, period_start=year_ago - timedelta(days=60), period_end=year_ago
    )
    briefing_services.briefing_update(
        briefing_id=draft.pk, by=manager, data={"intro": DRAFT_BRIEFING_WORD}
    )
    world.briefings = {"published": published.pk, "draft": draft.pk}
    for market in (OWN, OTHER):
        world.playbooks[market] = playbooks.playbook_create(
            by=manager, activity_id=world.activity("archived", market).pk, title=f"{market} 样板"
        ).pk
    # An archived activity that is no playbook yet, for HQ to mark one.
    world.activities[("archived_free", OWN)] = walk(
        head="sn_head",
        title=f"SN archived_free {SN_WORD}",
        start=timezone.localdate() - timedelta(days=80),
        days=2,
        until="archived",
        member="support_qian",
    )
    # A second finance reviewer: someone finance_reviewer may delegate to.
    colleague = User.objects.create(username="finance_reviewer2")
    Profile.objects.create(
        user=colleague,
        display_name="财务二",
        role=Role.REVIEWER,
        department=Department.objects.get(code="finance"),
    )
    people["finance_reviewer2"] = colleague
    world.target = notification_services.target_create(
        by=manager,
        kind="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=matrix",
        secret="",
        market=None,
        notification_kinds=["reminder"],
        name="HQ 群",
    ).pk
    _jobs(world)
    _notifications(world)
    for username in ROLE_USERS.values():
        client = Client()
        client.force_login(people[username])
        world.sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return world


def world_fixture(django_db_setup: Any, django_db_blocker: Any, tmp: Path) -> Iterator[World]:
    """Builds the world in a transaction held open for the module and rolled back after it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=False):
                world = build_world()
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
