"""Stage 4 services: finance's costs, the manager's evaluation, the archive and the lessons —
the normal path, the wrong status (409), the wrong role (403), another market (404), the audit
row, and the notifications queued after commit."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from campaigndesk.activities.models import Activity
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation import selectors, services
from campaigndesk.evaluation.models import Archive, Evaluation, Lesson, LessonAck
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.notifications.models import Notification

SN_PEOPLE = [
    "sn_bj_head",
    "sn_head",
    "sn_staff1",
    "sn_staff2",
    "sn_staff3",
    "sn_staff4",
    "sn_xa_head",
    "sn_xy_head",
]
COSTS = [
    {"category": "venue", "amount": "12000.00"},
    {"category": "promotion", "amount": "18800.00"},
    {"category": "materials", "amount": "9600.50"},
]


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def status_of(activity: Activity) -> str:
    return Activity.objects.get(pk=activity.pk).status


def complete(activity: Activity, by, costs=COSTS, **over):  # type: ignore[no-untyped-def]
    values = {
        "sales": "93800.00",
        "attendance": 1130,
        "leads": 216,
        "new_customers": 72,
        "notes": "整体达成预期。",
        **over,
    }
    return services.evaluation_complete(activity_id=activity.pk, by=by, costs=costs, **values)


def amounts(evaluation: Evaluation) -> list[tuple[str, Decimal]]:
    return [(c.category, c.amount) for c in evaluation.costs.all()]


# --- finance's actual costs ---------------------------------------------------------------------


def test_finance_enters_costs_without_completing_the_evaluation(user) -> None:
    activity = walk()
    evaluation = services.evaluation_costs_set(
        activity_id=activity.pk, by=user("finance_reviewer"), costs=COSTS
    )
    assert amounts(evaluation) == [
        ("venue", Decimal("12000.00")),
        ("promotion", Decimal("18800.00")),
        ("materials", Decimal("9600.50")),
    ]
    assert evaluation.completed_at is None
    assert status_of(activity) == "wrapped_up"
    entry = AuditEntry.objects.filter(activity_id=activity.pk, action="costs").get()
    assert entry.actor == user("finance_reviewer")
    assert (entry.from_status, entry.to_status) == ("wrapped_up", "wrapped_up")
    assert "40400.50" in entry.note


def test_entering_costs_again_replaces_them(user) -> None:
    activity = walk()
    finance = user("finance_reviewer")
    services.evaluation_costs_set(activity_id=activity.pk, by=finance, costs=COSTS)
    evaluation = services.evaluation_costs_set(
        activity_id=activity.pk, by=finance, costs=[{"category": "travel", "amount": "300.00"}]
    )
    assert amounts(evaluation) == [("travel", Decimal("300.00"))]


def test_the_hq_manager_may_enter_costs_too(user) -> None:
    activity = walk()
    evaluation = services.evaluation_costs_set(
        activity_id=activity.pk, by=user("hq_manager"), costs=COSTS[:1]
    )
    assert amounts(evaluation) == [("venue", Decimal("12000.00"))]


@pytest.mark.parametrize("username", ["planning_reviewer", "sn_head", "expert_zhang"])
def test_others_may_not_enter_costs(user, username: str) -> None:
    activity = walk()
    with pytest.raises(Forbidden):
        services.evaluation_costs_set(activity_id=activity.pk, by=user(username), costs=COSTS)
    assert not Evaluation.objects.filter(activity=activity).exists()


def test_another_markets_head_does_not_see_the_activity(user) -> None:
    activity = walk()
    with pytest.raises(NotFound):
        services.evaluation_costs_set(activity_id=activity.pk, by=user("ha_head"), costs=COSTS)


@pytest.mark.parametrize("until", ["on_site", "evaluated"])
def test_costs_are_entered_only_while_wrapped_up(user, until: str) -> None:
    activity = walk(until=until)
    with pytest.raises(InvalidTransition) as raised:
        services.evaluation_costs_set(
            activity_id=activity.pk, by=user("finance_reviewer"), costs=COSTS
        )
    assert raised.value.details["status"] == until


def test_bad_cost_lines_are_refused_by_line(user) -> None:
    activity = walk()
    with pytest.raises(ValidationFailed) as raised:
        services.evaluation_costs_set(
            activity_id=activity.pk,
            by=user("finance_reviewer"),
            costs=[
                {"category": "venue", "amount": "100.00"},
                {"category": "fireworks", "amount": "1.00"},
                {"category": "venue", "amount": "-5.00"},
                {"category": "venue", "amount": "1.005"},
                {"category": "venue", "amount": "lots"},
            ],
        )
    assert set(raised.value.fields) == {
        "costs.1.category",
        "costs.2.amount",
        "costs.3.amount",
        "costs.4.amount",
    }
    assert not Evaluation.objects.filter(activity=activity).exists()


# --- the manager completes the evaluation -------------------------------------------------------


def test_the_manager_completes_the_evaluation(user) -> None:
    activity = walk()
    evaluation = complete(activity, user("hq_manager"))
    assert status_of(activity) == "evaluated"
    assert evaluation.completed_by == user("hq_manager")
    assert evaluation.completed_at is not None
    assert (evaluation.sales, evaluation.attendance, evaluation.leads) == (
        Decimal("93800.00"),
        1130,
        216,
    )
    assert evaluation.new_customers == 72
    assert evaluation.notes == "整体达成预期。"
    entry = AuditEntry.objects.filter(activity_id=activity.pk, action="evaluate").get()
    assert (entry.from_status, entry.to_status) == ("wrapped_up", "evaluated")
    stored = selectors.evaluation_of(activity=activity)
    assert stored is not None
    metrics = selectors.metrics_of(stored, activity)
    assert metrics["cost_total"] == "40400.50"
    assert metrics["roi"] == "1.3218"


def test_without_costs_given_finances_are_used(user) -> None:
    activity = walk()
    services.evaluation_costs_set(
        activity_id=activity.pk, by=user("finance_reviewer"), costs=COSTS[:2]
    )
    evaluation = complete(activity, user("hq_manager"), costs=None)
    assert amounts(evaluation) == [
        ("venue", Decimal("12000.00")),
        ("promotion", Decimal("18800.00")),
    ]


def test_costs_given_by_the_manager_replace_finances(user) -> None:
    activity = walk()
    services.evaluation_costs_set(activity_id=activity.pk, by=user("finance_reviewer"), costs=COSTS)
    evaluation = complete(
        activity, user("hq_manager"), costs=[{"category": "venue", "amount": "5.00"}]
    )
    assert amounts(evaluation) == [("venue", Decimal("5.00"))]


def test_no_costs_at_all_is_refused_and_nothing_changes(user) -> None:
    activity = walk()
    with pytest.raises(ValidationFailed) as raised:
        complete(activity, user("hq_manager"), costs=[])
    assert "costs" in raised.value.fields
    assert status_of(activity) == "wrapped_up"
    assert not Evaluation.objects.filter(activity=activity).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sales", "-1.00"),
        ("sales", "10.001"),
        ("sales", "many"),
        ("attendance", -1),
        ("attendance", "x"),
        ("leads", -3),
        ("new_customers", -1),
        ("notes", "长" * 20_001),
    ],
)
def test_out_of_range_numbers_are_refused(user, field: str, value: object) -> None:
    activity = walk()
    with pytest.raises(ValidationFailed) as raised:
        complete(activity, user("hq_manager"), **{field: value})
    assert list(raised.value.fields) == [field]
    assert status_of(activity) == "wrapped_up"


@pytest.mark.parametrize(
    ("field", "costs", "sales", "reason"),
    [
        ("sales", None, "1000000000000.00", "Too large."),
        ("costs.0.amount", [{"category": "venue", "amount": "1e13"}], "0", "Too large."),
        ("costs.0.amount", [{"category": "venue", "amount": "-5"}], "0", "Must not be negative."),
    ],
)
def test_each_refused_amount_says_why(
    user, field: str, costs: object, sales: str, reason: str
) -> None:
    """An amount past what the database holds was refused as "must not be negative"."""
    activity = walk()
    with translation.override("en"), pytest.raises(ValidationFailed) as raised:
        complete(activity, user("hq_manager"), sales=sales, **({"costs": costs} if costs else {}))
    assert raised.value.fields == {field: reason}


@pytest.mark.parametrize("username", ["finance_reviewer", "sn_head", "planner_li"])
def test_only_the_manager_completes(user, username: str) -> None:
    activity = walk()
    with pytest.raises(Forbidden):
        complete(activity, user(username))
    assert status_of(activity) == "wrapped_up"


def test_another_market_cannot_complete(user) -> None:
    activity = walk()
    with pytest.raises(NotFound):
        complete(activity, user("sc_head"))


@pytest.mark.parametrize("until", ["approved", "on_site", "evaluated"])
def test_completing_outside_wrapped_up_is_an_invalid_transition(user, until: str) -> None:
    activity = walk(until=until)
    with pytest.raises(InvalidTransition):
        complete(activity, user("hq_manager"))
    assert status_of(activity) == until


# --- archive ------------------------------------------------------------------------------------


def test_archiving_stores_the_zip_and_freezes_the_activity(user, media: Path) -> None:
    activity = walk(until="evaluated")
    archive = services.activity_archive(activity_id=activity.pk, by=user("hq_manager"))
    assert status_of(activity) == "archived"
    stored = media / archive.file.name
    assert stored.parent == media / "archives"
    data = stored.read_bytes()
    assert archive.size == len(data)
    assert archive.sha256 == hashlib.sha256(data).hexdigest()
    entry = AuditEntry.objects.filter(activity_id=activity.pk, action="archive").get()
    assert (entry.from_status, entry.to_status) == ("evaluated", "archived")
    assert archive.sha256 in entry.note


@pytest.mark.parametrize("until", ["wrapped_up", "archived"])
def test_only_an_evaluated_activity_is_archived(user, media: Path, until: str) -> None:
    activity = walk(until=until)
    with pytest.raises(InvalidTransition):
        services.activity_archive(activity_id=activity.pk, by=user("hq_manager"))
    assert Archive.objects.filter(activity=activity).count() == (1 if until == "archived" else 0)
    assert len(list((media / "archives").glob("*"))) == (1 if until == "archived" else 0)


@pytest.mark.parametrize(
    ("username", "error"),
    [("finance_reviewer", Forbidden), ("sn_head", Forbidden), ("ha_head", NotFound)],
)
def test_only_the_manager_archives(user, media: Path, username: str, error: type) -> None:
    activity = walk(until="evaluated")
    with pytest.raises(error):
        services.activity_archive(activity_id=activity.pk, by=user(username))
    assert status_of(activity) == "evaluated"
    assert not (media / "archives").exists() or not list((media / "archives").iterdir())


# --- lessons ------------------------------------------------------------------------------------


LESSON_TEXT = "统一认识:社区联合邀约值得推广。"


def send(activity: Activity, by, text: str = LESSON_TEXT, items=None):  # type: ignore[no-untyped-def]
    return services.lessons_send(
        activity_id=activity.pk,
        by=by,
        text=text,
        items=["签到区动线要分开", "礼品按到场人数的1.2倍准备"] if items is None else items,
    )


def test_lessons_reach_every_person_of_the_market(  # type: ignore[no-untyped-def]
    user, django_capture_on_commit_callbacks
) -> None:
    activity = walk(until="evaluated")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lesson = send(activity, user("hq_manager"))
    assert len(callbacks) == 1
    told = Notification.objects.filter(kind="lessons_sent", activity_id=activity.pk)
    assert sorted(n.recipient.username for n in told) == SN_PEOPLE
    assert {n.url for n in told} == {reverse("evaluation:lessons", args=[activity.pk])}
    assert lesson.items == ["签到区动线要分开", "礼品按到场人数的1.2倍准备"]
    entry = AuditEntry.objects.filter(activity_id=activity.pk, action="lessons").get()
    assert entry.actor == user("hq_manager")


def test_nobody_is_told_before_the_commit(  # type: ignore[no-untyped-def]
    user, django_capture_on_commit_callbacks
) -> None:
    activity = walk(until="evaluated")
    with django_capture_on_commit_callbacks(execute=False):
        send(activity, user("hq_manager"))
    assert not Notification.objects.filter(kind="lessons_sent").exists()


def test_blank_items_are_dropped_and_text_is_required(user) -> None:
    activity = walk(until="evaluated")
    with pytest.raises(ValidationFailed) as raised:
        send(activity, user("hq_manager"), text="   ")
    assert list(raised.value.fields) == ["text"]
    lesson = send(activity, user("hq_manager"), items=["  要点一 ", "", "   ", "要点二"])
    assert lesson.items == ["要点一", "要点二"]


def test_lessons_may_follow_the_archive(user, media: Path) -> None:
    activity = walk(until="archived")
    assert send(activity, user("hq_manager")).activity_id == activity.pk


def test_lessons_are_sent_once(user) -> None:
    activity = walk(until="evaluated")
    send(activity, user("hq_manager"))
    with pytest.raises(Duplicate):
        send(activity, user("hq_manager"), text="再发一次")
    assert Lesson.objects.get(activity=activity).text == LESSON_TEXT


def test_lessons_wait_for_the_evaluation(user) -> None:
    activity = walk(until="wrapped_up")
    with pytest.raises(InvalidTransition):
        send(activity, user("hq_manager"))


@pytest.mark.parametrize(
    ("username", "error"),
    [("sn_head", Forbidden), ("planning_reviewer", Forbidden), ("ha_head", NotFound)],
)
def test_only_the_manager_sends_lessons(user, username: str, error: type) -> None:
    activity = walk(until="evaluated")
    with pytest.raises(error):
        send(activity, user(username))


def test_acknowledging_moves_a_person_from_pending_to_acknowledged(user) -> None:
    activity = walk(until="evaluated")
    send(activity, user("hq_manager"))
    status = selectors.lesson_status(activity=activity)
    assert [u.username for u in status.pending] == SN_PEOPLE
    assert status.acknowledged == []

    services.lessons_acknowledge(activity_id=activity.pk, by=user("sn_staff1"))
    services.lessons_acknowledge(activity_id=activity.pk, by=user("sn_staff1"))  # harmless
    status = selectors.lesson_status(activity=activity)
    assert [u.username for u in status.acknowledged] == ["sn_staff1"]
    assert "sn_staff1" not in [u.username for u in status.pending]
    assert len(status.pending) == len(SN_PEOPLE) - 1
    assert LessonAck.objects.filter(lesson__activity=activity).count() == 1
    assert AuditEntry.objects.filter(activity_id=activity.pk, action="lessons_ack").count() == 1


def test_acknowledging_works_after_the_archive(user, media: Path) -> None:
    activity = walk(until="evaluated")
    send(activity, user("hq_manager"))
    services.activity_archive(activity_id=activity.pk, by=user("hq_manager"))
    services.lessons_acknowledge(activity_id=activity.pk, by=user("sn_head"))
    status = selectors.lesson_status(activity=activity)
    assert [u.username for u in status.acknowledged] == ["sn_head"]


@pytest.mark.parametrize(
    ("username", "error"),
    [("ha_head", NotFound), ("finance_reviewer", Forbidden), ("hq_manager", Forbidden)],
)
def test_only_the_markets_people_acknowledge(user, username: str, error: type) -> None:
    activity = walk(until="evaluated")
    send(activity, user("hq_manager"))
    with pytest.raises(error):
        services.lessons_acknowledge(activity_id=activity.pk, by=user(username))
    assert not LessonAck.objects.exists()


def test_nothing_to_acknowledge_before_the_lessons_are_sent(user) -> None:
    activity = walk(until="evaluated")
    with pytest.raises(NotFound):
        services.lessons_acknowledge(activity_id=activity.pk, by=user("sn_staff1"))
