"""A failure in the middle of a change leaves nothing half-written: each multi-row service of
the four stages is broken at a late step — right after its audit row, its notification queue,
its version freeze, its status change or a bulk write of its rows — and every row of every table
is compared before and after. The same call then succeeds, so the broken step is really reached
after rows were written."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.models import Model
from django.db.models.query import QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigndesk.activities import services as activities
from campaigndesk.activities.models import Activity, BudgetLine
from campaigndesk.briefings import services as briefings
from campaigndesk.briefings.models import BriefingMarket
from campaigndesk.core.demo import _full_sections
from campaigndesk.core.models import AuditEntry
from campaigndesk.core.tests.state import snapshot
from campaigndesk.evaluation import services as evaluation
from campaigndesk.evaluation.models import Archive, EvaluationCost
from campaigndesk.evaluation.tests.builders import ALL_TOPICS, at, people, walk
from campaigndesk.notifications import services as notifications
from campaigndesk.notifications.models import Delivery, Notification
from campaigndesk.notifications.tests.test_webhooks import WebhookServer
from campaigndesk.onsite import services as onsite
from campaigndesk.preparation import services as preparation
from campaigndesk.preparation.models import TeamMember
from campaigndesk.reviews import services as reviews
from campaigndesk.reviews.models import OpinionItem


class Boom(Exception):
    """The failure injected into a service."""


@dataclass
class Breaker:
    """Where a service is broken: `reached` counts how often the broken step ran."""

    reached: int = 0


def fail_after(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> Breaker:
    """`module.name` does its work, then raises: the rows it (and everything before it) wrote
    are in the transaction when the failure comes."""
    original = getattr(module, name)
    breaker = Breaker()

    @functools.wraps(original)
    def broken(*args: Any, **kwargs: Any) -> Any:
        original(*args, **kwargs)
        breaker.reached += 1
        raise Boom(f"{name} failed")

    monkeypatch.setattr(module, name, broken)
    return breaker


def fail_after_bulk_create(monkeypatch: pytest.MonkeyPatch, model: type[Model]) -> Breaker:
    """`model`'s rows are bulk-inserted, then the insert raises."""
    original = QuerySet.bulk_create
    breaker = Breaker()

    def broken(self: QuerySet[Any], objs: Any, *args: Any, **kwargs: Any) -> Any:
        created = original(self, objs, *args, **kwargs)
        if self.model is model and created:
            breaker.reached += 1
            raise Boom(f"{model.__name__} bulk_create failed")
        return created

    monkeypatch.setattr(QuerySet, "bulk_create", broken)
    return breaker


# --- activities at each step, built by the services ---------------------------------------------


def draft(title: str = "渭南健康周") -> Activity:
    start = timezone.localdate() + timedelta(days=40)
    return activities.activity_create(
        by=people()["sn_head"],
        data={
            "title": title,
            "venue": "会展中心",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "sections": _full_sections(title),
            "budget": [{"category": "venue", "item": "场地", "amount": "1000.00"}],
        },
    )


def submitted() -> Activity:
    activity = draft()
    return activities.activity_submit(activity_id=activity.pk, by=people()["sn_head"])


def in_review() -> Activity:
    activity = submitted()
    reviews.review_open(
        activity_id=activity.pk,
        by=people()["hq_manager"],
        meeting_at=timezone.now(),
        departments=["planning", "finance"],
    )
    return activity


def revision_requested() -> Activity:
    activity = in_review()
    who = people()
    for department in ("planning", "finance"):
        reviews.opinion_give(
            activity_id=activity.pk,
            by=who[f"{department}_reviewer"],
            department=department,
            items=[{"section": "general", "comment": "细化预算", "required_change": True}],
        )
    reviews.review_return(activity_id=activity.pk, by=who["hq_manager"], summary="请细化")
    return activity


def resubmit(activity: Activity) -> Activity:
    return activities.activity_resubmit(
        activity_id=activity.pk,
        by=people()["sn_head"],
        changes={"budget": [{"category": "venue", "item": "场地", "amount": "1200.00"}]},
        staffing=[{"name": "张三", "role": "总指挥", "duty": "统筹"}],
        responses=[
            {"item_id": pk, "response": "已细化"}
            for pk in OpinionItem.objects.filter(opinion__round__activity=activity).values_list(
                "pk", flat=True
            )
        ],
    )


def ready_to_wrap_up() -> Activity:
    activity = walk(title="宝鸡收尾", until="on_site")
    head = people()["sn_head"]
    for kind, topics in (("briefing", []), ("training", ALL_TOPICS), ("mobilization", [])):
        onsite.meeting_record(
            activity_id=activity.pk,
            by=head,
            kind=kind,
            held_at=at(activity.start_date, 8),
            topics=topics,
        )
    onsite.daily_report_submit(
        activity_id=activity.pk,
        by=head,
        data={"date": activity.start_date, "visitors": 10, "leads": 1, "sales": "10.00"},
    )
    onsite.summary_write(
        activity_id=activity.pk,
        by=head,
        kind="activity",
        strengths="好",
        weaknesses="差",
        text="结",
    )
    return activity


# --- the cases ----------------------------------------------------------------------------------

COSTS = [{"category": "venue", "amount": "900.00"}, {"category": "promotion", "amount": "50.00"}]


@dataclass
class Case:
    """A service broken at one step: `prepare` builds what it acts on and returns the call;
    `break_` breaks the step."""

    prepare: Callable[[], Callable[[], Any]]
    break_: Callable[[pytest.MonkeyPatch], Breaker]


def _case_create() -> Callable[[], Any]:
    return lambda: draft("新建失败")


def _case_update() -> Callable[[], Any]:
    activity = draft()
    return lambda: activities.activity_update(
        activity_id=activity.pk,
        by=people()["sn_head"],
        revision=activity.revision,
        data={
            "title": "改名",
            "budget": [
                {"category": "venue", "item": "场地", "amount": "800.00"},
                {"category": "promotion", "item": "广告", "amount": "300.00"},
            ],
        },
    )


def _case_submit() -> Callable[[], Any]:
    activity = draft()
    return lambda: activities.activity_submit(activity_id=activity.pk, by=people()["sn_head"])


def _case_resubmit() -> Callable[[], Any]:
    activity = revision_requested()
    return lambda: resubmit(activity)


def _case_decide() -> Callable[[], Any]:
    activity = resubmit(revision_requested())
    return lambda: activities.activity_decide(
        activity_id=activity.pk, by=people()["hq_manager"], decision="approve"
    )


def _case_review_open() -> Callable[[], Any]:
    activity = submitted()
    return lambda: reviews.review_open(
        activity_id=activity.pk,
        by=people()["hq_manager"],
        meeting_at=timezone.now(),
        departments=["planning", "marketing", "logistics"],
    )


def _case_opinion_give() -> Callable[[], Any]:
    activity = in_review()
    return lambda: reviews.opinion_give(
        activity_id=activity.pk,
        by=people()["planning_reviewer"],
        department="planning",
        items=[
            {"section": "general", "comment": "一", "required_change": True},
            {"section": "general", "comment": "二", "required_change": False},
        ],
    )


def _case_review_return() -> Callable[[], Any]:
    activity = in_review()
    who = people()
    for department in ("planning", "finance"):
        reviews.opinion_give(
            activity_id=activity.pk,
            by=who[f"{department}_reviewer"],
            department=department,
            items=[],
        )
    return lambda: reviews.review_return(activity_id=activity.pk, by=who["hq_manager"], summary="x")


def _team(activity: Activity, usernames: list[str]) -> Any:
    start = activity.start_date
    return preparation.support_team_save(
        activity_id=activity.pk,
        by=people()["hq_manager"],
        name="",
        lead=usernames[0],
        members=[
            {
                "username": username,
                "role": "expert",
                "duty": "现场支持",
                "depart_at": at(start - timedelta(days=1), 8),
                "return_at": at(activity.end_date + timedelta(days=1), 18),
            }
            for username in usernames
        ],
    )


def _case_team_save() -> Callable[[], Any]:
    activity = walk(title="咸阳协销", until="approved", start=timezone.localdate() + timedelta(40))
    _team(activity, ["expert_zhang"])  # the members the broken change would replace
    return lambda: _team(activity, ["planner_li", "support_zhao", "support_qian"])


def _case_team_publish() -> Callable[[], Any]:
    activity = walk(title="咸阳发布", until="approved", start=timezone.localdate() + timedelta(40))
    _team(activity, ["expert_zhang", "planner_li"])
    return lambda: preparation.support_team_publish(
        activity_id=activity.pk, by=people()["hq_manager"]
    )


def _case_material_add() -> Callable[[], Any]:
    activity = walk(title="物料", until="approved")
    return lambda: preparation.material_add(
        activity_id=activity.pk,
        by=people()["hq_manager"],
        name="易拉宝",
        quantity="10",
        unit="个",
        owner_department="logistics",
        due_date=activity.start_date,
    )


def _case_start_onsite() -> Callable[[], Any]:
    activity = walk(title="驻外", until="approved")
    _team(activity, ["support_qian"])
    preparation.support_team_publish(activity_id=activity.pk, by=people()["hq_manager"])
    return lambda: preparation.activity_start_onsite(
        activity_id=activity.pk, by=people()["sn_head"]
    )


def _case_meeting() -> Callable[[], Any]:
    activity = walk(title="培训", until="on_site")
    return lambda: onsite.meeting_record(
        activity_id=activity.pk,
        by=people()["sn_head"],
        kind="briefing",
        held_at=at(activity.start_date, 9),
        attendees=["sn_xa_head", "sn_bj_head", "sn_staff1"],
        tasks=[
            {"office": "XA", "task": "签到"},
            {"username": "sn_staff1", "task": "礼品"},
        ],
    )


def _case_daily_report() -> Callable[[], Any]:
    activity = walk(title="日报", until="on_site")
    return lambda: onsite.daily_report_submit(
        activity_id=activity.pk,
        by=people()["sn_head"],
        data={"date": activity.start_date, "visitors": 5, "leads": 1, "sales": "1.00"},
    )


def _case_summary() -> Callable[[], Any]:
    activity = walk(title="总结", until="on_site")
    return lambda: onsite.summary_write(
        activity_id=activity.pk, by=people()["sn_head"], kind="activity", text="总结"
    )


def _case_wrap_up() -> Callable[[], Any]:
    activity = ready_to_wrap_up()
    return lambda: onsite.activity_wrap_up(activity_id=activity.pk, by=people()["sn_head"])


def _case_costs() -> Callable[[], Any]:
    activity = walk(title="费用", until="wrapped_up")
    finance = people()["finance_reviewer"]
    evaluation.evaluation_costs_set(activity_id=activity.pk, by=finance, costs=COSTS[:1])
    return lambda: evaluation.evaluation_costs_set(activity_id=activity.pk, by=finance, costs=COSTS)


def _case_evaluate() -> Callable[[], Any]:
    activity = walk(title="评估", until="wrapped_up")
    return lambda: evaluation.evaluation_complete(
        activity_id=activity.pk,
        by=people()["hq_manager"],
        costs=COSTS,
        sales="1000.00",
        attendance=10,
        leads=2,
        new_customers=1,
    )


def _case_lessons() -> Callable[[], Any]:
    activity = walk(title="备档", until="evaluated")
    return lambda: evaluation.lessons_send(
        activity_id=activity.pk, by=people()["hq_manager"], text="引以为鉴", items=["一", "二"]
    )


def _case_briefing_compile() -> Callable[[], Any]:
    walk(title="简报素材", until="evaluated")
    today = timezone.localdate()
    return lambda: briefings.briefing_compile(
        by=people()["hq_manager"],
        period_start=today - timedelta(days=40),
        period_end=today,
    )


def _case_briefing_publish() -> Callable[[], Any]:
    today = timezone.localdate()
    briefing = briefings.briefing_compile(
        by=people()["hq_manager"], period_start=today - timedelta(days=30), period_end=today
    )
    return lambda: briefings.briefing_publish(briefing_id=briefing.pk, by=people()["hq_manager"])


def _at(module: Any, name: str) -> Callable[[pytest.MonkeyPatch], Breaker]:
    return lambda monkeypatch: fail_after(monkeypatch, module, name)


def _bulk(model: type[Model]) -> Callable[[pytest.MonkeyPatch], Breaker]:
    return lambda monkeypatch: fail_after_bulk_create(monkeypatch, model)


CASES = {
    # activities (stage 1)
    "activity_create/audit": Case(_case_create, _at(activities, "audit_record")),
    "activity_create/budget_lines": Case(_case_create, _bulk(BudgetLine)),
    "activity_update/budget_lines": Case(_case_update, _bulk(BudgetLine)),
    "activity_submit/notification_queue": Case(_case_submit, _at(activities, "notify_activity")),
    "activity_submit/version_freeze": Case(_case_submit, _at(activities, "_freeze_version")),
    "activity_resubmit/version_freeze": Case(_case_resubmit, _at(activities, "_freeze_version")),
    "activity_resubmit/notification_queue": Case(
        _case_resubmit, _at(activities, "notify_activity")
    ),
    "activity_decide/transition_audit": Case(_case_decide, _at(activities, "activity_move")),
    # reviews (stage 1)
    "review_open/notification_queue": Case(_case_review_open, _at(reviews, "notify_activity")),
    "opinion_give/opinion_items": Case(_case_opinion_give, _bulk(OpinionItem)),
    "opinion_give/audit": Case(_case_opinion_give, _at(reviews, "audit_record")),
    "review_return/notification_queue": Case(_case_review_return, _at(reviews, "notify_activity")),
    # preparation (stage 2)
    "support_team_save/members": Case(_case_team_save, _bulk(TeamMember)),
    "support_team_save/audit": Case(_case_team_save, _at(preparation, "audit_record")),
    "support_team_publish/notification_queue": Case(
        _case_team_publish, _at(preparation, "notify_activity")
    ),
    "material_add/audit": Case(_case_material_add, _at(preparation, "audit_record")),
    "activity_start_onsite/transition": Case(_case_start_onsite, _at(preparation, "activity_move")),
    # on site (stage 3)
    "meeting_record/audit": Case(_case_meeting, _at(onsite, "audit_record")),
    "daily_report_submit/audit": Case(_case_daily_report, _at(onsite, "audit_record")),
    "summary_write/audit": Case(_case_summary, _at(onsite, "audit_record")),
    "activity_wrap_up/transition": Case(_case_wrap_up, _at(onsite, "activity_move")),
    # evaluation (stage 4)
    "evaluation_costs_set/costs": Case(_case_costs, _bulk(EvaluationCost)),
    "evaluation_complete/costs": Case(_case_evaluate, _bulk(EvaluationCost)),
    "evaluation_complete/transition": Case(_case_evaluate, _at(evaluation, "activity_move")),
    "lessons_send/notification_queue": Case(_case_lessons, _at(evaluation, "notify_activity")),
    # briefings (stage 4)
    "briefing_compile/market_entries": Case(_case_briefing_compile, _bulk(BriefingMarket)),
    "briefing_compile/audit": Case(_case_briefing_compile, _at(briefings, "audit_record")),
    "briefing_publish/notification_queue": Case(_case_briefing_publish, _at(briefings, "notify")),
}


@pytest.mark.parametrize("name", CASES)
def test_a_failure_midway_leaves_no_partial_rows(
    demo: None,
    name: str,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = CASES[name]
    call = case.prepare()
    before = snapshot()
    breaker = case.break_(monkeypatch)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Boom):
        call()

    assert breaker.reached == 1, "the broken step was never reached"
    assert snapshot() == before
    assert callbacks == []  # no inbox row, e-mail or group message about a change that failed
    monkeypatch.undo()
    call()  # the same change goes through once nothing fails
    assert snapshot() != before


# --- a group bot that hangs or errors never holds up a transition ------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_hanging_or_failing_bot_never_holds_up_the_decision(api, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WEBHOOK_TIMEOUT = 2.0
    settings.DELIVERY_MAX_ATTEMPTS = 2
    activity = walk(title="宝鸡挂起的机器人", until="resubmitted")
    with WebhookServer() as hanging, WebhookServer() as failing:
        hanging.hang = True
        failing.status = 500
        failing.answer = {"errcode": -1, "errmsg": "system busy"}
        targets = {
            name: notifications.target_create(
                by=people()["hq_manager"],
                kind="wecom",
                url=server.url(),
                secret="",
                market=None,
                notification_kinds=["decision"],
            )
            for name, server in (("hanging", hanging), ("failing", failing))
        }

        manager = api("hq_manager")
        started = time.monotonic()
        response = manager.post(f"/activities/{activity.pk}/decision", {"decision": "approve"})
        took = time.monotonic() - started

        assert response.status_code == 200, response.content
        # The decision waited for no bot: it is committed, the messages only queued.
        assert took < settings.WEBHOOK_TIMEOUT
        assert Activity.objects.get(pk=activity.pk).status == "approved"
        assert hanging.received == [] and failing.received == []
        deliveries = {
            name: Delivery.objects.get(target=target, notification_kind="decision")
            for name, target in targets.items()
        }
        assert {d.status for d in deliveries.values()} == {"queued"}

        # The worker sends them afterwards: the hanging bot costs WEBHOOK_TIMEOUT, both retry.
        started = time.monotonic()
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
        assert time.monotonic() - started < 10 * settings.WEBHOOK_TIMEOUT
        for delivery in deliveries.values():
            delivery.refresh_from_db()
        assert len(hanging.received) == 1 and len(failing.received) == 1
        assert (deliveries["hanging"].status, deliveries["hanging"].attempts) == ("retrying", 1)
        assert (deliveries["failing"].status, deliveries["failing"].response_code) == (
            "retrying",
            500,
        )

        # The retries come due; the last attempt fails for good.
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=StringIO())
        for delivery in deliveries.values():
            delivery.refresh_from_db()
        assert {(d.status, d.attempts) for d in deliveries.values()} == {("failed", 2)}
    assert Activity.objects.get(pk=activity.pk).status == "approved"


@pytest.mark.django_db(transaction=True)
def test_a_failing_notification_queue_after_commit_does_not_fail_the_committed_decision(
    api, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The inbox rows and deliveries are written after the decision commits; if that write
    fails (a locked or full database), the decision stands, so the caller must hear 200 — a 500
    would send them to retry a change that is already made. The failed write leaves no half."""
    activity = walk(title="咸阳队列失败", until="resubmitted")
    manager = api("hq_manager")
    notifications_before = Notification.objects.count()
    deliveries_before = Delivery.objects.count()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(notifications, "deliveries_queue", broken)

    response = manager.post(f"/activities/{activity.pk}/decision", {"decision": "approve"})

    assert response.status_code == 200, response.content
    assert Activity.objects.get(pk=activity.pk).status == "approved"
    assert Notification.objects.count() == notifications_before
    assert Delivery.objects.count() == deliveries_before


# --- the server killed in the middle of archiving -----------------------------------------------

# Run by `manage.py shell -c` in a child process: archive the activity, but stop after the
# archive's file and rows are written and before the transaction commits, and say so.
ARCHIVE_AND_HANG = """
import time
from django.contrib.auth.models import User
from campaigndesk.evaluation import services

moved = services.activity_move

def move_then_hang(*args, **kwargs):
    moved(*args, **kwargs)
    print("WRITTEN-NOT-COMMITTED", flush=True)
    time.sleep(600)

services.activity_move = move_then_hang
services.activity_archive(activity_id={activity_id}, by=User.objects.get(username="hq_manager"))
"""


def database_url() -> str:
    """The test database, as the child process's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(str(db['PASSWORD']), safe='')}" if db.get("PASSWORD") else ""
    host = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    return f"postgres://{quote(str(db['USER']), safe='')}{password}@{host}/{db['NAME']}"


def archive_files(media: Path) -> list[str]:
    return sorted(p.name for p in (media / "archives").glob("*")) if media.exists() else []


@pytest.mark.django_db(transaction=True)
def test_a_server_killed_mid_archive_leaves_the_activity_evaluated_and_repair_clears_the_file(
    demo: None, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    activity = walk(title="咸阳断电存档", until="evaluated")
    child = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            ARCHIVE_AND_HANG.format(activity_id=activity.pk),
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(media),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        # Blocks until the child is between write and commit (or has died: EOF).
        lines = iter(child.stdout.readline, "")
        reached = any(line.strip() == "WRITTEN-NOT-COMMITTED" for line in lines)
        if not reached:
            child.wait(30)
            pytest.fail(f"the child never reached the hook: {child.stderr.read()}")  # type: ignore[union-attr]
        [written] = archive_files(media)
        assert written.startswith(f"activity-{activity.pk}-")
        child.send_signal(signal.SIGKILL)  # the power goes out
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(30)
    assert child.returncode == -signal.SIGKILL

    # Nothing of the archiving is in the database; only its file is left behind.
    assert Activity.objects.get(pk=activity.pk).status == "evaluated"
    assert not Archive.objects.filter(activity_id=activity.pk).exists()
    assert not AuditEntry.objects.filter(activity_id=activity.pk, action="archive").exists()
    assert archive_files(media) == [written]

    out, err = StringIO(), StringIO()
    call_command("verify_archives", "--min-age", "0", stdout=out, stderr=err)
    assert f"orphan archives/{written}" in err.getvalue()
    assert archive_files(media) == [written]  # reported, not touched without --repair

    out = StringIO()
    call_command("verify_archives", "--repair", "--min-age", "0", stdout=out, stderr=StringIO())
    assert f"removed orphan archives/{written}" in out.getvalue()
    assert archive_files(media) == []

    # Archiving again works and leaves exactly one file, the archive's own.
    archive = evaluation.activity_archive(activity_id=activity.pk, by=people()["hq_manager"])
    assert Activity.objects.get(pk=activity.pk).status == "archived"
    assert archive_files(media) == [Path(archive.file.name).name]
    out, err = StringIO(), StringIO()
    call_command("verify_archives", "--repair", "--min-age", "0", stdout=out, stderr=err)
    assert "1 archives checked, 0 altered or missing" in out.getvalue()
    assert "orphan" not in out.getvalue() + err.getvalue()


def test_repair_spares_young_files_and_every_archives_own_file(
    demo: None, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    archived = walk(title="已存档", until="archived")
    own = Archive.objects.get(activity=archived).file.name
    stray = tmp_path / "archives" / "activity-999-0000000000000000.zip"
    stray.write_bytes(b"PK interrupted")

    # Just written: it may belong to an archiving that is about to commit.
    out = StringIO()
    call_command("verify_archives", "--repair", stdout=out, stderr=StringIO())
    assert stray.exists() and "removed" not in out.getvalue()

    old = time.time() - 3600
    os.utime(stray, (old, old))
    call_command("verify_archives", "--repair", stdout=out, stderr=StringIO())
    assert not stray.exists()
    assert (tmp_path / own).exists()
    assert "1 archives checked, 0 altered or missing" in out.getvalue()
