"""Stage 3 services and selectors called directly: meetings, daily reports, summaries, "my
tasks" and the competitor feed — the rules as the market head, the office heads, the support team
and HQ meet them, and the record each change leaves.

The helpers at the top (`on_site`, `record`, `report`, `summary`) are shared by the other test
modules of this folder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.conftest import approved_activity
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.core.models import AuditEntry
from campaigndesk.onsite import selectors, services
from campaigndesk.onsite.models import DailyReport, Meeting, Summary, Task
from campaigndesk.preparation.services import (
    activity_start_onsite,
    support_team_publish,
    support_team_save,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The support team sent on site; support_zhao and support_qian stay at headquarters.
TEAM = ("expert_zhang", "planner_li")
ALL_TOPICS = ["execution", "roles", "consumer_psychology", "service", "risk_control"]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Beijing-time moment on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def publish_team(user, activity: Activity, team: tuple[str, ...] = TEAM) -> None:  # type: ignore[no-untyped-def]
    """`team` leaves the day before the start at 08:00 and is back the day after at 20:00."""
    depart = at(activity.start_date - timedelta(days=1), 8)
    back = at(activity.end_date + timedelta(days=1), 20)
    hq = user("hq_manager")
    support_team_save(
        activity_id=activity.pk,
        by=hq,
        name="",
        lead=team[0],
        members=[
            {
                "username": username,
                "role": "expert" if index == 0 else "planner",
                "duty": "现场讲座与咨询",
                "depart_at": depart,
                "return_at": back,
            }
            for index, username in enumerate(team)
        ],
    )
    support_team_publish(activity_id=activity.pk, by=hq)


def on_site(  # type: ignore[no-untyped-def]
    user,
    *,
    head: str = "sn_head",
    title: str = "西安健康大讲堂",
    days: int = 30,
    team: tuple[str, ...] = TEAM,
) -> Activity:
    """An activity `days` ahead (two days long), approved, its team published, on site."""
    activity = approved_activity(head=head, title=title, days=days)
    publish_team(user, activity, team)
    activity_start_onsite(activity_id=activity.pk, by=user(head))
    activity.refresh_from_db()
    assert activity.status == Status.ON_SITE
    return activity


def record(user, activity: Activity, kind: str, *, by: str = "sn_head", **kwargs: Any) -> Meeting:  # type: ignore[no-untyped-def]
    kwargs.setdefault("held_at", at(activity.start_date, 9))
    return services.meeting_record(activity_id=activity.pk, by=user(by), kind=kind, **kwargs)


def report(  # type: ignore[no-untyped-def]
    user, activity: Activity, day: int = 0, *, by: str = "sn_head", **fields: Any
) -> DailyReport:
    """The report of the activity's day number `day` (0 = the first day)."""
    data = {"date": activity.start_date + timedelta(days=day), **fields}
    return services.daily_report_submit(activity_id=activity.pk, by=user(by), data=data)


def summary(  # type: ignore[no-untyped-def]
    user, activity: Activity, kind: str = "individual", *, by: str = "sn_head", **fields: Any
) -> Summary:
    fields = fields or {"text": "收获很多。"}
    return services.summary_write(activity_id=activity.pk, by=user(by), kind=kind, **fields)


def audit(activity: Activity, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(activity_id=activity.pk, action=action).order_by("id"))


@pytest.fixture
def activity(user) -> Activity:  # type: ignore[no-untyped-def]
    return on_site(user)


# --- meetings -----------------------------------------------------------------------------------


def test_briefing_keeps_schedule_and_division_of_labour(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    start = activity.start_date
    meeting = record(
        user,
        activity,
        "briefing",
        attendees=["sn_xa_head", "sn_bj_head", "sn_xy_head"],
        notes="统一进度与分工。",
        schedule=[
            {"date": start - timedelta(days=2), "milestone": "场地布置完成", "owner": "冯伟"},
            {"date": start.isoformat(), "milestone": "开幕", "owner": ""},
        ],
        tasks=[
            {"office": "XA", "task": "签到台与接待", "due_date": start},
            {"username": "sn_staff3", "task": "物料清点"},
        ],
    )
    assert meeting.chair == user("sn_head")  # the recorder chairs unless told otherwise
    assert sorted(u.username for u in meeting.attendees.all()) == [
        "sn_bj_head",
        "sn_xa_head",
        "sn_xy_head",
    ]
    assert [row["milestone"] for row in meeting.schedule] == ["场地布置完成", "开幕"]
    assert meeting.schedule[0]["date"] == (start - timedelta(days=2)).isoformat()
    tasks = list(Task.objects.filter(meeting=meeting).order_by("position"))
    assert [(t.office.code if t.office else None, t.text, t.due_date) for t in tasks] == [
        ("XA", "签到台与接待", start),
        (None, "物料清点", None),
    ]
    assert tasks[1].assignee == user("sn_staff3")
    (entry,) = audit(activity, "meeting")
    assert entry.actor == user("sn_head")
    assert entry.from_status == entry.to_status == Status.ON_SITE


def test_the_hq_manager_may_record_a_meeting_too(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    meeting = record(user, activity, "mobilization", by="hq_manager", chair="sn_head")
    assert meeting.chair == user("sn_head")
    assert meeting.recorded_by == user("hq_manager")


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        ("training", {}, "topics"),
        ("training", {"topics": ["execution", "cooking"]}, "topics"),
        ("mobilization", {"topics": ["execution"]}, "topics"),
        ("briefing", {"topics": ["service"]}, "topics"),
        ("party", {}, "kind"),
        ("briefing", {"attendees": ["sn_xa_head", "nobody"]}, "attendees"),
        ("briefing", {"chair": "ghost"}, "attendees"),
        ("briefing", {"tasks": [{"office": "ZZ", "task": "郑州的任务"}]}, "tasks.0.office"),
        ("briefing", {"tasks": [{"task": "没有人负责"}]}, "tasks.0.office"),
        ("briefing", {"tasks": [{"office": "XA", "task": "  "}]}, "tasks.0.task"),
        ("briefing", {"schedule": [{"date": "soon", "milestone": "开幕"}]}, "schedule.0.date"),
        ("mobilization", {"tasks": [{"office": "XA", "task": "签到"}]}, "schedule"),
        ("briefing", {"held_at": None}, "held_at"),
    ],
)
def test_a_meeting_with_a_bad_field_is_refused_and_not_saved(  # type: ignore[no-untyped-def]
    user, activity: Activity, kind: str, extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        record(user, activity, kind, **extra)
    assert field in caught.value.fields
    assert not Meeting.objects.filter(activity=activity).exists()
    assert not Task.objects.filter(activity=activity).exists()


def test_training_keeps_each_topic_once(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    meeting = record(
        user, activity, "training", topics=["execution", "roles", "execution"], chair="expert_zhang"
    )
    assert meeting.topics == ["execution", "roles"]
    assert meeting.chair == user("expert_zhang")


@pytest.mark.parametrize(
    ("by", "error"),
    [
        ("sn_staff1", Forbidden),
        ("sn_xa_head", Forbidden),
        ("planning_reviewer", Forbidden),
        ("expert_zhang", Forbidden),
        ("ha_head", NotFound),
    ],
)
def test_only_the_market_head_and_hq_record_meetings(  # type: ignore[no-untyped-def]
    user, activity: Activity, by: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        record(user, activity, "mobilization", by=by)
    assert not Meeting.objects.filter(activity=activity).exists()


def test_meetings_wait_until_the_activity_is_on_site(user) -> None:  # type: ignore[no-untyped-def]
    approved = approved_activity(title="尚未驻外的活动")
    with pytest.raises(InvalidTransition) as caught:
        record(user, approved, "briefing")
    assert caught.value.details == {"status": "approved"}


# --- daily reports ------------------------------------------------------------------------------


def test_a_daily_report_is_saved_and_recorded(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    saved = report(
        user,
        activity,
        1,
        visitors=320,
        leads=45,
        sales=Decimal("12000.50"),
        progress="按计划进行",
        competitors="某竞品在隔壁摆摊",
    )
    saved.refresh_from_db()
    assert (saved.date, saved.visitors, saved.leads, saved.sales) == (
        activity.end_date,
        320,
        45,
        Decimal("12000.50"),
    )
    assert saved.reported_by == user("sn_head")
    (entry,) = audit(activity, "daily_report")
    assert "12000.50" in entry.note and "320" in entry.note


@pytest.mark.parametrize("day", [-1, 2])
def test_a_date_outside_the_activity_is_refused(user, activity: Activity, day: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        report(user, activity, day)
    assert set(caught.value.fields) == {"date"}
    assert not DailyReport.objects.filter(activity=activity).exists()


def test_a_second_report_for_a_day_is_a_duplicate(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    first = report(user, activity, 0, visitors=10)
    with pytest.raises(Duplicate) as caught:
        report(user, activity, 0, by="sn_xa_head", visitors=99)
    assert caught.value.details == {"report_id": first.pk}
    assert DailyReport.objects.get(activity=activity).visitors == 10


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"visitors": -1}, "visitors"),
        ({"leads": -5}, "leads"),
        ({"visitors": "abc"}, "visitors"),
        ({"sales": Decimal("-0.01")}, "sales"),
        ({"sales": Decimal("12.345")}, "sales"),
        ({"sales": "十二"}, "sales"),
        ({"progress": "长" * 5001}, "progress"),
    ],
)
def test_a_bad_figure_is_refused(  # type: ignore[no-untyped-def]
    user, activity: Activity, fields: dict[str, Any], bad: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        report(user, activity, 0, **fields)
    assert set(caught.value.fields) == {bad}
    assert not DailyReport.objects.filter(activity=activity).exists()


@pytest.mark.parametrize(
    "by", ["sn_head", "sn_xa_head", "sn_xy_head", "expert_zhang", "planner_li"]
)
def test_heads_and_the_support_team_report(user, activity: Activity, by: str) -> None:  # type: ignore[no-untyped-def]
    assert report(user, activity, 0, by=by).reported_by == user(by)


@pytest.mark.parametrize(
    ("by", "error"),
    [
        ("sn_staff1", Forbidden),
        ("support_zhao", Forbidden),
        ("hq_manager", Forbidden),
        ("ha_head", NotFound),
    ],
)
def test_others_do_not_report(user, activity: Activity, by: str, error: type[Exception]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        report(user, activity, 0, by=by)
    assert not DailyReport.objects.filter(activity=activity).exists()


def test_reports_wait_until_the_activity_is_on_site(user) -> None:  # type: ignore[no-untyped-def]
    approved = approved_activity(title="尚未驻外的活动")
    with pytest.raises(InvalidTransition) as caught:
        report(user, approved, 0)
    assert caught.value.details == {"status": "approved"}


def test_correcting_a_report_keeps_what_it_said_before(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    saved = report(user, activity, 0, visitors=100, sales=Decimal("500.00"), issues="")
    services.daily_report_update(
        activity_id=activity.pk,
        report_id=saved.pk,
        by=user("sn_xa_head"),
        data={"visitors": 120, "issues": "音响故障半小时"},
    )
    saved.refresh_from_db()
    assert (saved.visitors, saved.sales, saved.issues) == (120, Decimal("500.00"), "音响故障半小时")
    (entry,) = audit(activity, "daily_report_edit")
    assert entry.actor == user("sn_xa_head")
    assert entry.changes == {
        "visitors": {"before": "100", "after": "120"},
        "issues": {"before": "", "after": "音响故障半小时"},
    }


def test_a_correction_that_changes_nothing_leaves_no_record(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    saved = report(user, activity, 0, visitors=100, sales=Decimal("500.00"))
    services.daily_report_update(
        activity_id=activity.pk,
        report_id=saved.pk,
        by=user("sn_head"),
        data={"visitors": 100, "sales": Decimal("500.00")},
    )
    assert audit(activity, "daily_report_edit") == []


def test_a_correction_is_checked_like_a_new_report(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    saved = report(user, activity, 0, visitors=100)
    with pytest.raises(ValidationFailed) as caught:
        services.daily_report_update(
            activity_id=activity.pk,
            report_id=saved.pk,
            by=user("sn_head"),
            data={"visitors": -3},
        )
    assert set(caught.value.fields) == {"visitors"}
    saved.refresh_from_db()
    assert saved.visitors == 100
    with pytest.raises(Forbidden):
        services.daily_report_update(
            activity_id=activity.pk, report_id=saved.pk, by=user("sn_staff1"), data={"leads": 1}
        )


def test_a_report_is_corrected_only_under_its_own_activity(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    other = on_site(user, title="宝鸡社区义诊", days=60)
    theirs = report(user, other, 0, visitors=7)
    with pytest.raises(NotFound):
        services.daily_report_update(
            activity_id=activity.pk, report_id=theirs.pk, by=user("sn_head"), data={"visitors": 8}
        )
    theirs.refresh_from_db()
    assert theirs.visitors == 7


def test_report_totals_add_up_exactly(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    assert selectors.report_totals(activity=activity) == {
        "visitors": 0,
        "leads": 0,
        "sales": Decimal("0.00"),
    }
    report(user, activity, 0, visitors=300, leads=40, sales=Decimal("0.10"))
    report(user, activity, 1, visitors=21, leads=2, sales=Decimal("0.20"))
    assert selectors.report_totals(activity=activity) == {
        "visitors": 321,
        "leads": 42,
        "sales": Decimal("0.30"),
    }


# --- summaries ----------------------------------------------------------------------------------


def test_the_market_head_writes_the_one_activity_summary(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    written = summary(user, activity, "activity", strengths="组织有序", weaknesses="宣传偏晚")
    assert (written.kind, written.author) == ("activity", user("sn_head"))
    assert len(audit(activity, "summary")) == 1
    with pytest.raises(Duplicate) as caught:
        summary(user, activity, "activity", text="再写一份")
    assert caught.value.details == {"summary_id": written.pk}
    with pytest.raises(Forbidden):
        summary(user, activity, "activity", by="sn_xa_head")
    with pytest.raises(Forbidden):
        summary(user, activity, "activity", by="hq_manager")


@pytest.mark.parametrize("by", ["expert_zhang", "sn_staff1", "sn_xa_head", "sn_head"])
def test_each_participant_writes_one_individual_summary(user, activity: Activity, by: str) -> None:  # type: ignore[no-untyped-def]
    mine = summary(user, activity, by=by, strengths="沟通顺畅")
    assert mine.author == user(by)
    with pytest.raises(Duplicate) as caught:
        summary(user, activity, by=by, text="第二份")
    assert caught.value.details == {"summary_id": mine.pk}


@pytest.mark.parametrize(
    ("by", "error"), [("support_zhao", Forbidden), ("hq_manager", Forbidden), ("ha_head", NotFound)]
)
def test_outsiders_write_no_individual_summary(  # type: ignore[no-untyped-def]
    user, activity: Activity, by: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        summary(user, activity, by=by)
    assert not Summary.objects.filter(activity=activity).exists()


def test_an_empty_summary_is_refused(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed):
        summary(user, activity, "activity", strengths=" ", weaknesses="", text="\n")
    assert not Summary.objects.filter(activity=activity).exists()


def test_missing_shrinks_as_participants_write(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    def missing() -> list[str]:
        return [u.username for u in selectors.summaries_of(activity=activity).missing]

    assert missing() == ["expert_zhang", "planner_li"]  # the team owes one from the start
    record(user, activity, "briefing", attendees=["sn_xa_head", "hq_manager", "expert_zhang"])
    record(user, activity, "training", topics=["execution"], attendees=["sn_staff1"])
    # hq_manager attended, but only the market's people and the team owe a summary.
    assert missing() == ["expert_zhang", "planner_li", "sn_staff1", "sn_xa_head"]
    summary(user, activity, by="expert_zhang")
    summary(user, activity, by="sn_staff1")
    assert missing() == ["planner_li", "sn_xa_head"]
    summary(user, activity, "activity")  # the activity summary is not the head's own
    summary(user, activity, by="sn_staff2")  # wrote without attending: nothing changes
    assert missing() == ["planner_li", "sn_xa_head"]
    summary(user, activity, by="planner_li")
    summary(user, activity, by="sn_xa_head")
    assert missing() == []


# --- my tasks and the competitor feed -----------------------------------------------------------


def test_my_tasks_are_those_for_me_or_my_office(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    record(
        user,
        activity,
        "briefing",
        tasks=[
            {"office": "XA", "task": "西安签到台"},
            {"username": "sn_staff3", "task": "宝鸡物料清点"},
        ],
    )

    def tasks(username: str) -> list[str]:
        return [t.text for t in selectors.tasks_of(user=user(username))]

    assert tasks("sn_xa_head") == ["西安签到台"]
    assert tasks("sn_staff1") == ["西安签到台"]
    assert tasks("sn_staff3") == ["宝鸡物料清点"]
    assert tasks("sn_bj_head") == []
    assert tasks("ha_head") == []


def test_the_competitor_feed_is_newest_first_and_scoped(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    henan = on_site(user, head="ha_head", title="郑州社区健康行", days=60)
    report(user, activity, 0, competitors="A 牌降价")
    report(user, activity, 1, competitors="")
    report(user, henan, 0, by="ha_head", competitors="B 牌送礼品")

    def feed(username: str, **filters: Any) -> list[str]:
        qs = selectors.competitor_feed(user=user(username), **filters)
        return [r.competitors for r in qs]

    assert feed("hq_manager") == ["B 牌送礼品", "A 牌降价"]
    assert feed("hq_manager", market="SN") == ["A 牌降价"]
    assert feed("hq_manager", date_from=henan.start_date) == ["B 牌送礼品"]
    assert feed("hq_manager", date_to=activity.end_date) == ["A 牌降价"]
    assert feed("sn_staff1") == ["A 牌降价"]
    assert feed("ha_head", market="SN") == []


def test_the_same_amount_typed_without_cents_is_no_change(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    saved = report(user, activity, 0, visitors=100, sales=Decimal("500.00"))
    services.daily_report_update(
        activity_id=activity.pk,
        report_id=saved.pk,
        by=user("sn_head"),
        data={"visitors": 101, "sales": "500"},
    )
    (entry,) = audit(activity, "daily_report_edit")
    assert entry.changes == {"visitors": {"before": "100", "after": "101"}}
