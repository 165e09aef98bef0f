"""activity_submit, lead_time_exception_grant, activity_resubmit and activity_decide, called
directly: the stage-1 rules as the market head and the HQ manager meet them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigndesk.activities import services
from campaigndesk.activities.models import Activity, ActivityVersion, BudgetLine, ProposalTemplate
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import (
    Forbidden,
    InvalidTransition,
    LeadTimeViolation,
    NotFound,
    StaleRevision,
    UnansweredOpinions,
    ValidationFailed,
)
from campaigndesk.core.models import AuditEntry
from campaigndesk.notifications.models import Notification
from campaigndesk.reviews import services as reviews
from campaigndesk.reviews.models import OpinionItem

# Every required section of the demo template, written.
SECTIONS = {
    "background": "中老年消费者保健需求旺盛,竞品在宝鸡加大投入。",
    "theme": "专家讲座 + 义诊,两天。",
    "audience": "50 岁以上社区居民,预计 600 人。",
    "schedule": "提前两周宣传;活动当天 9:00–17:00。",
    "promotion": "社区海报、报纸、药店终端。",
    "products": "主推心脑血管产品,买二赠一。",
    "materials": "易拉宝 20 个,礼品 500 份。",
    "risk": "医疗急救预案,舆情应对专人。",
}
BUDGET = [
    {"category": "venue", "item": "场地租赁", "amount": Decimal("8000.00")},
    {"category": "promotion", "item": "社区海报", "amount": Decimal("1200.50")},
]
STAFFING = [{"username": "sn_bj_head", "role": "market", "duty": "现场总协调"}]
MEETING = datetime(2030, 1, 10, 6, 0, tzinfo=UTC)

# 12:00 in Shanghai on 2026-12-01 (04:00 UTC): a "today" far from midnight.
NOON = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)


def freeze(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """`timezone.now()` (and so `timezone.localdate()`) answers `moment` from now on."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def make_draft(user, *, start: date | None = None, **overrides: Any) -> Activity:
    start = start or timezone.localdate() + timedelta(days=40)
    data: dict[str, Any] = {
        "title": "宝鸡社区健康讲座",
        "start_date": start,
        "end_date": start + timedelta(days=1),
        "venue": "宝鸡市渭滨区文化馆",
        "sections": dict(SECTIONS),
        "budget": [dict(line) for line in BUDGET],
        "targets": {"attendance": 600, "leads": 120, "sales": Decimal("90000")},
        "staffing": [],
    }
    data.update(overrides)
    return services.activity_create(by=user("sn_head"), data=data)


def submit(user, activity: Activity) -> Activity:
    return services.activity_submit(activity_id=activity.pk, by=user("sn_head"))


def review(user, activity: Activity, opinions: dict[str, list[tuple[str, str, bool]]]) -> list:
    """One review round: the departments of `opinions` invited, each gives its items
    (section, comment, required change), the HQ manager returns them. The items, in order."""
    reviews.review_open(
        activity_id=activity.pk, by=user("hq_manager"), meeting_at=MEETING, departments=[*opinions]
    )
    items = []
    for department, rows in opinions.items():
        opinion = reviews.opinion_give(
            activity_id=activity.pk,
            by=user(f"{department}_reviewer"),
            department=department,
            items=[{"section": s, "comment": c, "required_change": r} for s, c, r in rows],
        )
        items += list(opinion.items.order_by("position"))
    reviews.review_return(activity_id=activity.pk, by=user("hq_manager"), summary="请细化方案。")
    return items


ROUND_1 = {
    "planning": [("schedule", "日程过紧,请拆分为两天。", True), ("general", "整体可行。", False)],
    "finance": [("materials", "礼品预算偏高。", True)],
}


@pytest.fixture
def returned(user) -> tuple[Activity, list[OpinionItem]]:
    """An SN proposal back with the market after round 1: items [planning required, planning
    not required, finance required]."""
    activity = make_draft(user)
    submit(user, activity)
    items = review(user, activity, ROUND_1)
    return Activity.objects.get(pk=activity.pk), items


def resubmit(user, activity: Activity, **kwargs: Any) -> Activity:
    arguments: dict[str, Any] = {"changes": {}, "staffing": STAFFING, "responses": []}
    arguments.update(kwargs)
    return services.activity_resubmit(activity_id=activity.pk, by=user("sn_head"), **arguments)


def answers(items: list[OpinionItem]) -> list[dict[str, Any]]:
    return [{"item_id": item.pk, "response": f"已调整:{item.comment}"} for item in items]


def required(items: list[OpinionItem]) -> list[OpinionItem]:
    return [item for item in items if item.required_change]


def audit_rows(activity: Activity, action: str | None = None) -> list[AuditEntry]:
    rows = AuditEntry.objects.filter(activity_id=activity.pk).order_by("at", "id")
    return list(rows.filter(action=action) if action else rows)


def inbox(activity: Activity) -> set[tuple[str, str]]:
    return {
        (n.recipient.get_username(), n.kind)
        for n in Notification.objects.filter(activity_id=activity.pk).select_related("recipient")
    }


def hq_managers() -> set[str]:
    users = get_user_model().objects.filter(profile__role="hq_manager", is_active=True)
    return set(users.values_list("username", flat=True))


# --- activity_submit ----------------------------------------------------------------------------


def test_submit_sends_the_draft_to_hq_as_version_1(
    user, django_capture_on_commit_callbacks
) -> None:
    draft = make_draft(user, staffing=STAFFING)

    with django_capture_on_commit_callbacks() as callbacks:
        submit(user, draft)
        # HQ is told only once the submission is committed.
        assert not Notification.objects.filter(activity_id=draft.pk).exists()

    activity = Activity.objects.get(pk=draft.pk)
    assert (activity.status, activity.version, activity.revision) == ("submitted", 1, 2)
    assert activity.submitted_at is not None
    assert abs(activity.submitted_at - timezone.now()) < timedelta(minutes=1)
    version = ActivityVersion.objects.get(activity=activity)
    assert (version.version, version.submitted_by.get_username()) == (1, "sn_head")
    assert version.submitted_at == activity.submitted_at
    assert version.snapshot == {
        "title": "宝鸡社区健康讲座",
        "start_date": str(activity.start_date),
        "end_date": str(activity.end_date),
        "venue": "宝鸡市渭滨区文化馆",
        "sections": SECTIONS,
        "budget": [
            {"category": "venue", "item": "场地租赁", "amount": "8000.00"},
            {"category": "promotion", "item": "社区海报", "amount": "1200.50"},
        ],
        "targets": {"attendance": 600, "leads": 120, "sales": "90000.00"},
        "staffing": STAFFING,
    }
    last = audit_rows(activity)[-1]
    assert (last.action, last.actor.get_username(), last.from_status, last.to_status) == (
        "submit",
        "sn_head",
        "draft",
        "submitted",
    )

    for callback in callbacks:
        callback()
    assert "hq_manager" in hq_managers()
    assert inbox(activity) == {(name, "submitted") for name in hq_managers()}


def test_a_version_is_frozen_against_later_edits(user) -> None:
    draft = make_draft(user)
    submit(user, draft)

    Activity.objects.filter(pk=draft.pk).update(title="改过的标题")
    BudgetLine.objects.filter(activity=draft).update(amount=Decimal("1.00"))

    snapshot = ActivityVersion.objects.get(activity=draft, version=1).snapshot
    assert snapshot["title"] == "宝鸡社区健康讲座"
    assert [line["amount"] for line in snapshot["budget"]] == ["8000.00", "1200.50"]


def test_submit_names_the_missing_required_sections(user) -> None:
    sections = {k: v for k, v in SECTIONS.items() if k not in ("audience", "risk")}
    draft = make_draft(user, sections=sections)

    with pytest.raises(ValidationFailed) as refused:
        submit(user, draft)

    assert refused.value.details["missing"] == ["audience", "risk"]
    assert set(refused.value.details["fields"]) == {"sections.audience", "sections.risk"}
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.submitted_at) == ("draft", 0, None)
    assert not ActivityVersion.objects.filter(activity=draft).exists()
    assert audit_rows(draft, "submit") == []


def test_an_optional_section_may_stay_empty(user) -> None:
    # `staffing_plan` and `expected` are optional in the demo template.
    draft = make_draft(user, sections=dict(SECTIONS))

    assert submit(user, draft).status == "submitted"


@pytest.mark.parametrize("days", [20, 21, 60])
def test_submit_at_least_lead_days_ahead_is_accepted(user, monkeypatch, days: int) -> None:
    freeze(monkeypatch, NOON)
    draft = make_draft(user, start=TODAY + timedelta(days=days))

    assert submit(user, draft).status == "submitted"


@pytest.mark.parametrize("days", [19, 1, 0])
def test_submit_fewer_than_lead_days_ahead_is_refused(user, monkeypatch, days: int) -> None:
    freeze(monkeypatch, NOON)
    draft = make_draft(user, start=TODAY + timedelta(days=days))
    assert draft.template.lead_days == 20

    with pytest.raises(LeadTimeViolation) as refused:
        submit(user, draft)

    assert refused.value.details == {"lead_days": 20, "days_left": days}
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.revision) == ("draft", 0, 1)
    assert not ActivityVersion.objects.filter(activity=draft).exists()
    assert audit_rows(draft, "submit") == []


@pytest.mark.parametrize(
    ("now", "accepted"),
    [
        # 2026-12-01 23:30 in Shanghai: 2026-12-21 is 20 days away.
        (datetime(2026, 12, 1, 15, 30, tzinfo=UTC), True),
        # 2026-12-02 00:30 in Shanghai, still 2026-12-01 in UTC: 19 days are left.
        (datetime(2026, 12, 1, 16, 30, tzinfo=UTC), False),
    ],
)
def test_lead_time_counts_calendar_days_in_shanghai(
    user, monkeypatch, now: datetime, accepted: bool
) -> None:
    draft = make_draft(user, start=date(2026, 12, 21))
    freeze(monkeypatch, now)

    if accepted:
        assert submit(user, draft).status == "submitted"
    else:
        with pytest.raises(LeadTimeViolation) as refused:
            submit(user, draft)
        assert refused.value.details == {"lead_days": 20, "days_left": 19}


def test_lead_days_come_from_the_template(user, monkeypatch) -> None:
    freeze(monkeypatch, NOON)
    draft = make_draft(user, start=TODAY + timedelta(days=25))
    ProposalTemplate.objects.filter(pk=draft.template_id).update(lead_days=30)

    with pytest.raises(LeadTimeViolation) as refused:
        submit(user, draft)

    assert refused.value.details == {"lead_days": 30, "days_left": 25}


def test_submit_by_the_hq_manager_is_forbidden(user) -> None:
    draft = make_draft(user)

    with pytest.raises(Forbidden):
        services.activity_submit(activity_id=draft.pk, by=user("hq_manager"))

    assert Activity.objects.get(pk=draft.pk).status == "draft"


def test_submit_by_another_markets_head_is_not_found(user) -> None:
    draft = make_draft(user)

    with pytest.raises(NotFound):
        services.activity_submit(activity_id=draft.pk, by=user("ha_head"))

    assert Activity.objects.get(pk=draft.pk).status == "draft"


def test_submit_twice_is_an_invalid_transition(user) -> None:
    draft = make_draft(user)
    submit(user, draft)

    with pytest.raises(InvalidTransition) as refused:
        submit(user, draft)

    assert refused.value.details == {"status": "submitted"}
    assert ActivityVersion.objects.filter(activity=draft).count() == 1
    assert len(audit_rows(draft, "submit")) == 1


def test_submit_on_a_stale_revision_writes_nothing(user) -> None:
    draft = make_draft(user)
    services.activity_update(
        activity_id=draft.pk, by=user("sn_head"), revision=1, data={"venue": "宝鸡会展中心"}
    )

    with pytest.raises(StaleRevision) as refused:
        services.activity_submit(activity_id=draft.pk, by=user("sn_head"), revision=1)

    assert refused.value.details == {"revision": 2}
    assert Activity.objects.get(pk=draft.pk).status == "draft"
    assert services.activity_submit(activity_id=draft.pk, by=user("sn_head"), revision=2)


# --- lead_time_exception_grant ------------------------------------------------------------------


def test_a_lead_time_exception_lets_a_late_draft_in(
    user, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    freeze(monkeypatch, NOON)
    draft = make_draft(user, start=TODAY + timedelta(days=5))
    with pytest.raises(LeadTimeViolation):
        submit(user, draft)

    with django_capture_on_commit_callbacks(execute=True):
        services.lead_time_exception_grant(
            activity_id=draft.pk, by=user("hq_manager"), reason=" 配合省卫健委义诊周 "
        )

    draft.refresh_from_db()
    assert draft.lead_time_exception_reason == "配合省卫健委义诊周"
    assert draft.lead_time_exception_by.get_username() == "hq_manager"
    assert draft.status == "draft"
    row = audit_rows(draft, "lead_time_exception")[-1]
    assert (row.actor.get_username(), row.note) == ("hq_manager", "配合省卫健委义诊周")
    assert ("sn_head", "lead_time_exception") in inbox(draft)
    assert submit(user, draft).status == "submitted"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_lead_time_exception_needs_a_reason(user, monkeypatch, reason: str) -> None:
    freeze(monkeypatch, NOON)
    draft = make_draft(user, start=TODAY + timedelta(days=5))

    with pytest.raises(ValidationFailed) as refused:
        services.lead_time_exception_grant(
            activity_id=draft.pk, by=user("hq_manager"), reason=reason
        )

    assert set(refused.value.details["fields"]) == {"reason"}
    assert audit_rows(draft, "lead_time_exception") == []
    with pytest.raises(LeadTimeViolation):
        submit(user, draft)


@pytest.mark.parametrize("username", ["sn_head", "planning_reviewer"])
def test_only_the_hq_manager_grants_an_exception(user, username: str) -> None:
    draft = make_draft(user)

    with pytest.raises(Forbidden):
        services.lead_time_exception_grant(activity_id=draft.pk, by=user(username), reason="急")

    draft.refresh_from_db()
    assert draft.lead_time_exception_at is None


def test_an_exception_for_a_submitted_activity_is_an_invalid_transition(user) -> None:
    draft = make_draft(user)
    submit(user, draft)

    with pytest.raises(InvalidTransition) as refused:
        services.lead_time_exception_grant(activity_id=draft.pk, by=user("hq_manager"), reason="x")

    assert refused.value.details == {"status": "submitted"}


# --- activity_resubmit --------------------------------------------------------------------------


def test_resubmit_sends_the_detailed_plan_as_version_2(
    user, returned, django_capture_on_commit_callbacks
) -> None:
    activity, items = returned
    budget = [
        {"category": "venue", "item": "场地租赁", "amount": "6500.00"},
        {"category": "promotion", "item": "社区海报", "amount": "1200.50"},
        {"category": "materials", "item": "礼品", "amount": "3000"},
    ]

    with django_capture_on_commit_callbacks(execute=True):
        resubmit(
            user,
            activity,
            changes={"venue": "宝鸡会展中心", "budget": budget},
            responses=answers(required(items)),
        )

    activity.refresh_from_db()
    assert (activity.status, activity.version) == ("resubmitted", 2)
    assert activity.venue == "宝鸡会展中心"
    assert activity.staffing == STAFFING
    lines = list(activity.budget_lines.order_by("position"))
    assert [(line.item, line.amount) for line in lines] == [
        ("场地租赁", Decimal("6500.00")),
        ("社区海报", Decimal("1200.50")),
        ("礼品", Decimal("3000.00")),
    ]
    for item in items:
        item.refresh_from_db()
    assert [item.response for item in items] == [
        "已调整:日程过紧,请拆分为两天。",
        "",
        "已调整:礼品预算偏高。",
    ]
    assert items[0].responded_at is not None and items[1].responded_at is None
    version = ActivityVersion.objects.get(activity=activity, version=2)
    assert version.snapshot["venue"] == "宝鸡会展中心"
    assert version.snapshot["staffing"] == STAFFING
    row = audit_rows(activity)[-1]
    assert (row.action, row.actor.get_username(), row.from_status, row.to_status) == (
        "resubmit",
        "sn_head",
        "revision_requested",
        "resubmitted",
    )
    assert set(row.changes) == {"venue", "budget", "staffing"}
    assert row.changes["venue"] == {"before": "宝鸡市渭滨区文化馆", "after": "宝鸡会展中心"}
    assert row.changes["staffing"] == {"before": [], "after": STAFFING}
    assert {(name, "resubmitted") for name in hq_managers()} <= inbox(activity)


def test_resubmit_answers_may_cover_items_without_required_change(user, returned) -> None:
    activity, items = returned

    resubmit(user, activity, responses=answers(items))

    assert [OpinionItem.objects.get(pk=i.pk).response for i in items] == [
        "已调整:日程过紧,请拆分为两天。",
        "已调整:整体可行。",
        "已调整:礼品预算偏高。",
    ]


def test_resubmit_without_staffing_is_refused(user, returned) -> None:
    activity, items = returned

    with pytest.raises(ValidationFailed) as refused:
        resubmit(user, activity, staffing=[], responses=answers(required(items)))

    assert set(refused.value.details["fields"]) == {"staffing"}
    assert Activity.objects.get(pk=activity.pk).status == "revision_requested"


def test_resubmit_lists_exactly_the_unanswered_required_items(user, returned) -> None:
    activity, items = returned
    planning_required, _planning_general, finance_required = items

    with pytest.raises(UnansweredOpinions) as none_answered:
        resubmit(user, activity)
    with pytest.raises(UnansweredOpinions) as one_answered:
        resubmit(user, activity, responses=answers([planning_required, _planning_general]))

    assert none_answered.value.details == {
        "item_ids": sorted([planning_required.pk, finance_required.pk])
    }
    assert one_answered.value.details == {"item_ids": [finance_required.pk]}


def test_a_blank_response_leaves_the_item_unanswered(user, returned) -> None:
    activity, items = returned
    responses = answers(required(items))
    responses[1]["response"] = "   "

    with pytest.raises(UnansweredOpinions) as refused:
        resubmit(user, activity, responses=responses)

    assert refused.value.details == {"item_ids": [items[2].pk]}


def test_a_response_to_an_item_of_no_returned_opinion_is_refused(user, returned) -> None:
    activity, items = returned
    other = make_draft(user, title="另一场")
    submit(user, other)
    foreign = review(user, other, {"marketing": [("theme", "主题不清。", False)]})

    with pytest.raises(ValidationFailed) as refused:
        resubmit(
            user,
            activity,
            responses=[*answers(required(items)), {"item_id": foreign[0].pk, "response": "好"}],
        )

    assert set(refused.value.details["fields"]) == {"responses.2.item_id"}


def test_staffing_names_people_by_username_or_by_name(user, returned) -> None:
    activity, items = returned
    staffing = [
        {"username": "sn_bj_head", "role": "market", "duty": "现场总协调"},
        {"name": "外聘主持人 李娜", "role": "host", "duty": "主持"},
    ]

    resubmit(user, activity, staffing=staffing, responses=answers(required(items)))

    assert Activity.objects.get(pk=activity.pk).staffing == staffing


def test_staffing_by_an_unknown_username_is_refused(user, returned) -> None:
    activity, items = returned
    staffing = [{"username": "nobody", "role": "market", "duty": "签到"}]

    with pytest.raises(ValidationFailed) as refused:
        resubmit(user, activity, staffing=staffing, responses=answers(required(items)))

    assert set(refused.value.details["fields"]) == {"staffing.0.username"}


def test_a_second_round_asks_only_for_its_own_items(user, returned) -> None:
    activity, items = returned
    resubmit(user, activity, responses=answers(required(items)))

    round_2 = review(user, activity, {"logistics": [("materials", "物料需提前十天到位。", True)]})

    rounds = list(activity.review_rounds.order_by("number"))
    assert [(r.number, r.version) for r in rounds] == [(1, 1), (2, 2)]
    with pytest.raises(UnansweredOpinions) as refused:
        resubmit(user, activity)
    assert refused.value.details == {"item_ids": [round_2[0].pk]}
    with pytest.raises(ValidationFailed) as old_item:
        resubmit(user, activity, responses=answers([round_2[0], items[0]]))
    assert set(old_item.value.details["fields"]) == {"responses.1.item_id"}

    resubmit(user, activity, responses=answers(round_2))

    activity.refresh_from_db()
    assert (activity.status, activity.version) == ("resubmitted", 3)
    assert OpinionItem.objects.get(pk=round_2[0].pk).response == "已调整:物料需提前十天到位。"


def test_resubmit_of_a_submitted_activity_is_an_invalid_transition(user) -> None:
    draft = make_draft(user)
    submit(user, draft)

    with pytest.raises(InvalidTransition) as refused:
        resubmit(user, draft)

    assert refused.value.details == {"status": "submitted"}


def test_resubmit_by_hq_is_forbidden_and_by_another_market_not_found(user, returned) -> None:
    activity, items = returned
    arguments: dict[str, Any] = {
        "changes": {},
        "staffing": STAFFING,
        "responses": answers(required(items)),
    }

    with pytest.raises(Forbidden):
        services.activity_resubmit(activity_id=activity.pk, by=user("hq_manager"), **arguments)
    with pytest.raises(NotFound):
        services.activity_resubmit(activity_id=activity.pk, by=user("ha_head"), **arguments)

    assert Activity.objects.get(pk=activity.pk).status == "revision_requested"


def test_resubmit_on_a_stale_revision_is_refused(user, returned) -> None:
    activity, items = returned

    with pytest.raises(StaleRevision):
        resubmit(user, activity, responses=answers(required(items)), revision=activity.revision - 1)

    assert Activity.objects.get(pk=activity.pk).status == "revision_requested"


# --- a transition is whole or nothing -----------------------------------------------------------


def state_of(activity: Activity) -> tuple[Any, ...]:
    fresh = Activity.objects.get(pk=activity.pk)
    return (
        fresh.status,
        fresh.revision,
        fresh.version,
        fresh.venue,
        fresh.sections,
        fresh.staffing,
        list(fresh.budget_lines.order_by("position").values_list("item", "amount")),
        ActivityVersion.objects.filter(activity=activity).count(),
        AuditEntry.objects.filter(activity_id=activity.pk).count(),
        list(
            OpinionItem.objects.filter(opinion__round__activity=activity)
            .order_by("pk")
            .values_list("response", flat=True)
        ),
    )


def test_a_resubmission_refused_for_unanswered_opinions_changes_nothing(
    user, returned, django_capture_on_commit_callbacks
) -> None:
    activity, items = returned
    before = state_of(activity)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(UnansweredOpinions):
        resubmit(
            user,
            activity,
            changes={
                "venue": "新场馆",
                "budget": [{"category": "venue", "item": "x", "amount": 1}],
            },
            responses=answers(items[:1]),
        )

    assert state_of(activity) == before
    assert callbacks == []


def test_a_resubmission_refused_after_writing_budget_lines_changes_nothing(
    user, returned, django_capture_on_commit_callbacks
) -> None:
    activity, items = returned
    before = state_of(activity)

    # Clearing a required section (an empty text) is refused only after the budget lines were
    # rewritten: nothing of it may stay.
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationFailed) as no:
        resubmit(
            user,
            activity,
            changes={
                "sections": {"background": "只剩背景。", "theme": ""},
                "budget": [{"category": "venue", "item": "新场地", "amount": "1.00"}],
            },
            responses=answers(items),
        )

    assert "theme" in no.value.details["missing"]
    assert state_of(activity) == before
    assert callbacks == []


def test_a_resubmission_whose_audit_fails_changes_nothing(
    user, returned, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    activity, items = returned
    before = state_of(activity)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        resubmit(user, activity, changes={"venue": "新场馆"}, responses=answers(items))

    assert state_of(activity) == before
    assert callbacks == []


def test_a_submission_whose_audit_fails_changes_nothing(user, monkeypatch) -> None:
    draft = make_draft(user)
    before = state_of(draft)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        submit(user, draft)

    assert state_of(draft) == before


# --- activity_decide ----------------------------------------------------------------------------


@pytest.fixture
def resubmitted(user, returned) -> Activity:
    activity, items = returned
    return resubmit(user, activity, responses=answers(required(items)))


def test_approve_tells_the_market_head(
    user, resubmitted, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_decide(
            activity_id=resubmitted.pk, by=user("hq_manager"), decision="approve"
        )

    activity = Activity.objects.get(pk=resubmitted.pk)
    assert activity.status == "approved"
    row = audit_rows(activity)[-1]
    assert (row.action, row.actor.get_username(), row.from_status, row.to_status) == (
        "approve",
        "hq_manager",
        "resubmitted",
        "approved",
    )
    decisions = {name for name, kind in inbox(activity) if kind == "decision"}
    assert decisions == {"sn_head"}


def test_reject_with_a_reason_keeps_it_in_the_history(
    user, resubmitted, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_decide(
            activity_id=resubmitted.pk,
            by=user("hq_manager"),
            decision="reject",
            reason="  与总部秋季统一活动冲突  ",
        )

    activity = Activity.objects.get(pk=resubmitted.pk)
    assert activity.status == "rejected"
    row = audit_rows(activity)[-1]
    assert (row.action, row.from_status, row.to_status, row.note) == (
        "reject",
        "resubmitted",
        "rejected",
        "与总部秋季统一活动冲突",
    )
    assert ("sn_head", "decision") in inbox(activity)


@pytest.mark.parametrize("reason", ["", "  "])
def test_reject_without_a_reason_is_refused(user, resubmitted, reason: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.activity_decide(
            activity_id=resubmitted.pk, by=user("hq_manager"), decision="reject", reason=reason
        )

    assert set(refused.value.details["fields"]) == {"reason"}
    assert Activity.objects.get(pk=resubmitted.pk).status == "resubmitted"


def test_an_unknown_decision_is_refused(user, resubmitted) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.activity_decide(
            activity_id=resubmitted.pk, by=user("hq_manager"), decision="maybe"
        )

    assert set(refused.value.details["fields"]) == {"decision"}


def test_decide_while_in_review_is_an_invalid_transition(user) -> None:
    draft = make_draft(user)
    submit(user, draft)
    reviews.review_open(activity_id=draft.pk, by=user("hq_manager"), meeting_at=MEETING)

    with pytest.raises(InvalidTransition) as refused:
        services.activity_decide(activity_id=draft.pk, by=user("hq_manager"), decision="approve")

    assert refused.value.details == {"status": "in_review"}
    assert Activity.objects.get(pk=draft.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize("username", ["planning_reviewer", "sn_head"])
def test_only_the_hq_manager_decides(user, resubmitted, username: str) -> None:
    with pytest.raises(Forbidden):
        services.activity_decide(activity_id=resubmitted.pk, by=user(username), decision="approve")

    assert Activity.objects.get(pk=resubmitted.pk).status == "resubmitted"
