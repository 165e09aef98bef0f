"""Scheduled reminders and escalation (`reminders_send`, `manage.py send_reminders`) at each
boundary, with the clock given as aware Beijing times: each reminder reaches the people who
must act, once per subject and Asia/Shanghai day.

The days are in 2031, far from the demo's sample drafts (dated from today), so nothing but
what a test builds is due."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from campaigndesk.activities.models import Activity, ProposalTemplate
from campaigndesk.evaluation.models import Lesson, LessonAck
from campaigndesk.notifications.models import Delivery, Notification, ReminderSent
from campaigndesk.notifications.reminders import reminders_send
from campaigndesk.notifications.services import target_create
from campaigndesk.onsite.models import DailyReport, Meeting, Summary
from campaigndesk.org.models import Department, Market
from campaigndesk.preparation.models import Material, SupportTeam, TeamMember
from campaigndesk.reviews.models import Opinion, ReviewRound

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = date(2031, 3, 10)
RULES = (
    "draft_deadline",
    "opinion_owed",
    "opinion_escalated",
    "material_due",
    "material_overdue",
    "daily_report",
    "summary_missing",
    "lessons_pending",
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Beijing wall-clock time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def who(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def run(now: datetime) -> dict[str, int]:
    """One run of the reminders at `now`, committed (notifications are written on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reminders_send(now=now)


def only(counts: dict[str, int], **expected: int) -> None:
    assert counts == {rule: expected.get(rule, 0) for rule in RULES}


def told(activity: Activity) -> list[tuple[str, str]]:
    """(username, kind) of each notification about the activity, sorted."""
    return sorted(
        Notification.objects.filter(activity_id=activity.pk).values_list(
            "recipient__username", "kind"
        )
    )


def activity(
    status: str, start: date, end: date | None = None, *, title: str = "宝鸡健康周"
) -> Activity:
    return Activity.objects.create(
        market=Market.objects.get(code="SN"),
        template=ProposalTemplate.objects.get(is_current=True),
        title=title,
        status=status,
        start_date=start,
        end_date=end or start,
        created_by=who("sn_head"),
    )


@pytest.fixture
def lead_days(demo: None) -> int:
    return ProposalTemplate.objects.get(is_current=True).lead_days


# --- Drafts approaching the last submission day -------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "reminded"), [(4, False), (3, True), (2, False), (1, True), (0, False)]
)
def test_a_draft_is_reminded_3_days_and_1_day_before_the_last_submission_day(
    lead_days: int, days_left: int, reminded: bool
) -> None:
    # The last submission day is start − lead_days.
    draft = activity("draft", D + timedelta(days=lead_days + days_left))

    counts = run(at(D, 9))

    if reminded:
        only(counts, draft_deadline=1)
        assert told(draft) == [("sn_head", "reminder")]
        [note] = Notification.objects.filter(activity_id=draft.pk)
        assert note.subject.startswith("宝鸡健康周")
        assert f"{days_left}天" in note.subject
        assert note.url == reverse("activities:detail", args=[draft.pk])
    else:
        only(counts)
        assert told(draft) == []


def test_a_submitted_proposal_is_not_reminded(lead_days: int) -> None:
    submitted = activity("submitted", D + timedelta(days=lead_days + 3))

    only(run(at(D, 9)))
    assert told(submitted) == []


def test_running_twice_the_same_day_reminds_once(lead_days: int) -> None:
    draft = activity("draft", D + timedelta(days=lead_days + 3))

    only(run(at(D, 0, 5)), draft_deadline=1)
    only(run(at(D, 9)))
    only(run(at(D, 23, 55)))

    assert told(draft) == [("sn_head", "reminder")]
    assert ReminderSent.objects.filter(day=D).count() == 1
    # Two days later it is one day before: reminded again.
    only(run(at(D + timedelta(days=2), 9)), draft_deadline=1)
    assert told(draft) == [("sn_head", "reminder")] * 2


# --- Review opinions still owed after the meeting -----------------------------------------------


@pytest.fixture
def meeting(demo: None) -> tuple[Activity, datetime]:
    """An activity in review; planning and marketing invited to a meeting on D at 10:00;
    planning has given its opinion, marketing still owes it."""
    in_review = activity("in_review", D + timedelta(days=40))
    meeting_at = at(D, 10)
    review_round = ReviewRound.objects.create(
        activity=in_review, number=1, version=1, meeting_at=meeting_at, opened_by=who("hq_manager")
    )
    review_round.departments.set(Department.objects.filter(code__in=["planning", "marketing"]))
    Opinion.objects.create(
        round=review_round,
        department=Department.objects.get(code="planning"),
        given_by=who("planning_reviewer"),
    )
    return in_review, meeting_at


def test_opinions_owed_are_reminded_a_day_after_the_meeting_and_escalated_the_day_after(
    meeting: tuple[Activity, datetime],
) -> None:
    in_review, meeting_at = meeting

    only(run(meeting_at + timedelta(hours=23)))
    assert told(in_review) == []

    only(run(meeting_at + timedelta(hours=24)), opinion_owed=1)
    assert told(in_review) == [("marketing_reviewer", "reminder")]
    [note] = Notification.objects.filter(activity_id=in_review.pk)
    assert "市场部" in note.subject
    assert note.url == reverse("reviews:opinion", args=[in_review.pk])

    # The next day (D+2, 09:59), still owed: the reviewer again, not yet the HQ manager.
    only(run(meeting_at + timedelta(hours=47, minutes=59)), opinion_owed=1)
    assert told(in_review) == [("marketing_reviewer", "reminder")] * 2

    # 48 hours after the meeting: the HQ manager too (the reviewer was told today already).
    only(run(meeting_at + timedelta(hours=48)), opinion_escalated=1)
    assert told(in_review) == [
        ("hq_manager", "reminder"),
        ("marketing_reviewer", "reminder"),
        ("marketing_reviewer", "reminder"),
    ]
    escalation = Notification.objects.get(
        activity_id=in_review.pk, recipient__username="hq_manager"
    )
    assert "市场部" in escalation.subject


def test_a_new_beijing_day_starts_at_midnight_beijing_time(
    meeting: tuple[Activity, datetime],
) -> None:
    in_review, _meeting_at = meeting
    # 23:59 and 00:01 in Beijing are the same UTC day (15:59 and 16:01 UTC), not the same day.
    only(run(at(D + timedelta(days=2), 23, 59)), opinion_owed=1, opinion_escalated=1)
    only(run(at(D + timedelta(days=3), 0, 1)), opinion_owed=1, opinion_escalated=1)
    assert len(told(in_review)) == 4


def test_no_reminder_once_every_opinion_is_given(meeting: tuple[Activity, datetime]) -> None:
    in_review, meeting_at = meeting
    Opinion.objects.create(
        round=in_review.review_rounds.get(),
        department=Department.objects.get(code="marketing"),
        given_by=who("marketing_reviewer"),
    )

    only(run(meeting_at + timedelta(hours=48)))
    assert told(in_review) == []


# --- Materials ----------------------------------------------------------------------------------


def material(status: str, due: date) -> Activity:
    approved = activity("approved", D + timedelta(days=10))
    Material.objects.create(
        activity=approved,
        name="宣传单",
        quantity=Decimal("5000"),
        unit="份",
        owner_department=Department.objects.get(code="logistics"),
        due_date=due,
        status=status,
        created_by=who("hq_manager"),
    )
    return approved


@pytest.mark.parametrize("status", ["requested", "preparing"])
def test_a_material_due_tomorrow_and_not_shipped_reminds_its_department(
    demo: None, status: str
) -> None:
    approved = material(status, D + timedelta(days=1))

    only(run(at(D, 9)), material_due=1)

    assert told(approved) == [("logistics_reviewer", "reminder")]
    [note] = Notification.objects.filter(activity_id=approved.pk)
    assert "宣传单" in note.subject


@pytest.mark.parametrize(
    ("status", "due_in_days"), [("shipped", 1), ("received", 1), ("requested", 2)]
)
def test_a_shipped_material_or_one_due_later_reminds_nobody(
    demo: None, status: str, due_in_days: int
) -> None:
    approved = material(status, D + timedelta(days=due_in_days))

    only(run(at(D, 9)))
    assert told(approved) == []


def test_an_overdue_material_is_material_overdue_to_hq_and_the_department(demo: None) -> None:
    approved = material("preparing", D - timedelta(days=1))

    only(run(at(D, 9)), material_overdue=1)

    assert told(approved) == [
        ("hq_manager", "material_overdue"),
        ("logistics_reviewer", "material_overdue"),
    ]
    only(run(at(D, 15)))
    assert len(told(approved)) == 2


def test_a_shipped_material_past_its_due_date_is_not_overdue(demo: None) -> None:
    approved = material("shipped", D - timedelta(days=1))

    only(run(at(D, 9)))
    assert told(approved) == []


# --- Daily reports ------------------------------------------------------------------------------


@pytest.fixture
def on_site(demo: None) -> Activity:
    return activity("on_site", D - timedelta(days=1), D + timedelta(days=1))


def report(of: Activity, day: date) -> None:
    DailyReport.objects.create(activity=of, date=day, reported_by=who("sn_head"))


def test_no_daily_report_by_21_00_reminds_the_market_head(on_site: Activity) -> None:
    only(run(at(D, 20, 59)))
    assert told(on_site) == []

    only(run(at(D, 21)), daily_report=1)
    assert told(on_site) == [("sn_head", "reminder")]
    [note] = Notification.objects.filter(activity_id=on_site.pk)
    assert note.url == reverse("onsite:report_new", args=[on_site.pk])


def test_21_00_is_beijing_time(on_site: Activity) -> None:
    # 21:00 UTC is 05:00 the next morning in Beijing: not yet time.
    only(run(datetime(2031, 3, 10, 20, 59, tzinfo=UTC)))
    assert told(on_site) == []
    # 13:00 UTC is 21:00 in Beijing.
    only(run(datetime(2031, 3, 10, 13, 0, tzinfo=UTC)), daily_report=1)
    assert told(on_site) == [("sn_head", "reminder")]


def test_a_report_for_today_means_no_reminder(on_site: Activity) -> None:
    report(on_site, D)

    only(run(at(D, 21, 30)))
    assert told(on_site) == []


def test_yesterdays_report_does_not_count_for_today(on_site: Activity) -> None:
    report(on_site, D - timedelta(days=1))

    only(run(at(D, 21, 30)), daily_report=1)
    assert told(on_site) == [("sn_head", "reminder")]


def test_no_daily_report_reminder_outside_the_activity_days(on_site: Activity) -> None:
    only(run(at(D + timedelta(days=2), 21, 30)))
    only(run(at(D - timedelta(days=2), 21, 30)))
    assert told(on_site) == []


# --- Individual summaries -----------------------------------------------------------------------


@pytest.fixture
def wrapped_up(demo: None) -> Activity:
    """Ended on D − 3; owing summaries: the support member and the two staff at the meeting;
    sn_staff2 has written theirs."""
    end = D - timedelta(days=3)
    done = activity("wrapped_up", end - timedelta(days=1), end)
    expert = who("expert_zhang")
    team = SupportTeam.objects.create(activity=done, name="协销组", lead=expert)
    TeamMember.objects.create(
        team=team,
        user=expert,
        role="expert",
        duty="义诊",
        depart_at=at(end - timedelta(days=2), 8),
        return_at=at(end + timedelta(days=1), 18),
    )
    briefing = Meeting.objects.create(
        activity=done,
        kind="briefing",
        held_at=at(end - timedelta(days=1), 8),
        recorded_by=who("sn_head"),
    )
    briefing.attendees.set([who("sn_staff1"), who("sn_staff2")])
    Summary.objects.create(activity=done, kind="individual", author=who("sn_staff2"), text="完成")
    return done


def test_summaries_missing_three_days_after_the_end_remind_each_person(
    wrapped_up: Activity,
) -> None:
    only(run(at(D - timedelta(days=1), 12)))
    assert told(wrapped_up) == []

    only(run(at(D, 9)), summary_missing=2)
    assert told(wrapped_up) == [("expert_zhang", "reminder"), ("sn_staff1", "reminder")]
    assert set(
        Notification.objects.filter(activity_id=wrapped_up.pk).values_list("url", flat=True)
    ) == {reverse("onsite:summary", args=[wrapped_up.pk, "individual"])}


# --- Lessons ------------------------------------------------------------------------------------


@pytest.fixture
def lesson(demo: None) -> Lesson:
    """Sent on D − 7 at 10:00; sn_staff1 and sn_xa_head have acknowledged it."""
    evaluated = activity("evaluated", D - timedelta(days=30), D - timedelta(days=29))
    sent = Lesson.objects.create(
        activity=evaluated,
        text="签到区拥堵。",
        items=["提前布置签到区"],
        sent_by=who("hq_manager"),
        created_at=at(D - timedelta(days=7), 10),
    )
    for username in ("sn_staff1", "sn_xa_head"):
        LessonAck.objects.create(lesson=sent, user=who(username))
    return sent


def test_lessons_unacknowledged_after_seven_days_remind_each_pending_person(
    lesson: Lesson,
) -> None:
    only(run(at(D, 9, 59)))
    assert told(lesson.activity) == []

    only(run(at(D, 10)), lessons_pending=6)

    assert [u for u, _kind in told(lesson.activity)] == [
        "sn_bj_head",
        "sn_head",
        "sn_staff2",
        "sn_staff3",
        "sn_staff4",
        "sn_xy_head",
    ]
    assert {k for _u, k in told(lesson.activity)} == {"reminder"}
    assert Notification.objects.filter(activity_id=lesson.activity_id).values(
        "url"
    ).distinct().get()["url"] == reverse("evaluation:lessons", args=[lesson.activity_id])


# --- The command, and reminders reaching group bots ---------------------------------------------


def test_the_command_sends_what_is_due_now_and_prints_the_counts(lead_days: int) -> None:
    draft = activity("draft", timezone.localdate() + timedelta(days=lead_days + 1))
    out = io.StringIO()

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", stdout=out)

    assert out.getvalue().split() == [
        f"{rule}={1 if rule == 'draft_deadline' else 0}" for rule in RULES
    ]
    assert told(draft) == [("sn_head", "reminder")]

    again = io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", stdout=again)
    assert "draft_deadline=0" in again.getvalue().split()
    assert told(draft) == [("sn_head", "reminder")]


def test_a_reminder_reaches_the_markets_bot_and_the_persons_email(on_site: Activity) -> None:
    bot = target_create(
        by=who("hq_manager"),
        kind="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=sn",
        market="SN",
        notification_kinds=["reminder"],
    )

    only(run(at(D, 21)), daily_report=1)

    deliveries = Delivery.objects.filter(activity_id=on_site.pk)
    assert {(d.target_id, d.recipient_id, d.notification_kind) for d in deliveries} == {
        (bot.pk, None, "reminder"),
        (None, who("sn_head").pk, "reminder"),
    }
