"""activity_create / activity_update / activity_cancel, called directly."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from campaigndesk.activities import services
from campaigndesk.activities.models import Activity, BudgetLine
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import (
    Forbidden,
    InvalidTransition,
    NotFound,
    StaleRevision,
    ValidationFailed,
)
from campaigndesk.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def proposal(**overrides: Any) -> dict[str, Any]:
    start = timezone.localdate() + timedelta(days=40)
    data: dict[str, Any] = {
        "title": "宝鸡社区健康讲座",
        "start_date": start,
        "end_date": start + timedelta(days=1),
        "venue": "宝鸡市渭滨区文化馆",
        "sections": {"background": "竞品在宝鸡加大投入。", "theme": "健康讲座"},
        "budget": [
            {"category": "venue", "item": "场地租赁", "amount": Decimal("8000.00")},
            {"category": "promotion", "item": "社区海报", "amount": Decimal("1200.50")},
        ],
        "targets": {"attendance": 600, "leads": 120, "sales": Decimal("90000")},
        "staffing": [{"username": "sn_bj_head", "role": "market", "duty": "现场总协调"}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(user) -> Activity:
    return services.activity_create(by=user("sn_head"), data=proposal())


def audit_rows(activity: Activity) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(activity_id=activity.pk).order_by("at", "id"))


# --- activity_create ----------------------------------------------------------------------------


def test_create_makes_a_draft_of_the_heads_market(user) -> None:
    sn_head = user("sn_head")

    activity = services.activity_create(by=sn_head, data=proposal())

    activity.refresh_from_db()
    assert activity.status == Status.DRAFT
    assert activity.market.code == "SN"
    assert (activity.revision, activity.version) == (1, 0)
    assert activity.created_by == sn_head
    assert activity.template.is_current
    assert [(b.category, b.item, b.amount) for b in activity.budget_lines.all()] == [
        ("venue", "场地租赁", Decimal("8000.00")),
        ("promotion", "社区海报", Decimal("1200.50")),
    ]
    assert activity.budget_total == Decimal("9200.50")
    assert activity.targets == {"attendance": 600, "leads": 120, "sales": Decimal("90000.00")}
    assert activity.staffing == [{"username": "sn_bj_head", "role": "market", "duty": "现场总协调"}]


def test_create_writes_one_audit_row(user) -> None:
    activity = services.activity_create(by=user("sn_head"), data=proposal())

    [row] = audit_rows(activity)
    assert (row.actor and row.actor.username, row.action, row.from_status, row.to_status) == (
        "sn_head",
        "create",
        "",
        "draft",
    )


@pytest.mark.parametrize(
    "username", ["hq_manager", "admin", "planning_reviewer", "sn_xa_head", "sn_staff1"]
)
def test_only_a_market_head_may_create(user, username: str) -> None:
    before = Activity.objects.count()

    with pytest.raises(Forbidden):
        services.activity_create(by=user(username), data=proposal())

    assert Activity.objects.count() == before


def test_create_refuses_bad_input_and_writes_nothing(user) -> None:
    before = (Activity.objects.count(), BudgetLine.objects.count(), AuditEntry.objects.count())
    data = proposal(
        title="  ",
        budget=[{"category": "catering", "item": "", "amount": Decimal("-1")}],
        sections={"nonsense": "x"},
    )

    with pytest.raises(ValidationFailed) as caught:
        services.activity_create(by=user("sn_head"), data=data)

    assert set(caught.value.fields) == {
        "title",
        "budget.0.category",
        "budget.0.item",
        "budget.0.amount",
        "sections.nonsense",
    }
    after = (Activity.objects.count(), BudgetLine.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_create_fails_whole_when_audit_fails(user, monkeypatch) -> None:
    before = (Activity.objects.count(), BudgetLine.objects.count())

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.activity_create(by=user("sn_head"), data=proposal())

    assert (Activity.objects.count(), BudgetLine.objects.count()) == before


# --- activity_update ----------------------------------------------------------------------------


def test_update_changes_fields_bumps_revision_and_records_the_change(draft, user) -> None:
    activity = services.activity_update(
        activity_id=draft.pk,
        by=user("sn_head"),
        revision=1,
        data={"title": "宝鸡大型健康讲座", "venue": "宝鸡市会展中心"},
    )

    activity.refresh_from_db()
    assert (activity.title, activity.venue, activity.revision) == (
        "宝鸡大型健康讲座",
        "宝鸡市会展中心",
        2,
    )
    row = audit_rows(activity)[-1]
    assert (row.actor and row.actor.username, row.action, row.from_status, row.to_status) == (
        "sn_head",
        "edit",
        "draft",
        "draft",
    )
    assert row.changes == {
        "title": {"before": "宝鸡社区健康讲座", "after": "宝鸡大型健康讲座"},
        "venue": {"before": "宝鸡市渭滨区文化馆", "after": "宝鸡市会展中心"},
    }


def test_update_replaces_budget_lines(draft, user) -> None:
    budget = [{"category": "travel", "item": "专家差旅", "amount": Decimal("3000")}]

    services.activity_update(
        activity_id=draft.pk, by=user("sn_head"), revision=1, data={"budget": budget}
    )

    draft.refresh_from_db()
    assert [(b.category, b.amount) for b in draft.budget_lines.all()] == [
        ("travel", Decimal("3000.00"))
    ]
    assert audit_rows(draft)[-1].changes["budget"]["after"] == [
        {"category": "travel", "item": "专家差旅", "amount": "3000.00"}
    ]


def test_update_without_a_change_keeps_revision_and_history(draft, user) -> None:
    services.activity_update(
        activity_id=draft.pk, by=user("sn_head"), revision=1, data={"title": "宝鸡社区健康讲座"}
    )

    draft.refresh_from_db()
    assert draft.revision == 1
    assert [row.action for row in audit_rows(draft)] == ["create"]


def test_update_allowed_when_revision_requested(draft, user) -> None:
    Activity.objects.filter(pk=draft.pk).update(status=Status.REVISION_REQUESTED)

    activity = services.activity_update(
        activity_id=draft.pk, by=user("sn_head"), revision=1, data={"venue": "宝鸡体育馆"}
    )

    assert activity.venue == "宝鸡体育馆"


def test_update_by_another_market_is_not_found(draft, user) -> None:
    with pytest.raises(NotFound):
        services.activity_update(
            activity_id=draft.pk, by=user("ha_head"), revision=1, data={"title": "x"}
        )


def test_update_of_a_missing_activity_is_not_found(user) -> None:
    with pytest.raises(NotFound):
        services.activity_update(
            activity_id=999_999, by=user("sn_head"), revision=1, data={"title": "x"}
        )


@pytest.mark.parametrize("username", ["sn_xa_head", "sn_staff1", "hq_manager"])
def test_update_by_a_wrong_role_is_forbidden(draft, user, username: str) -> None:
    with pytest.raises(Forbidden):
        services.activity_update(
            activity_id=draft.pk, by=user(username), revision=1, data={"title": "x"}
        )

    draft.refresh_from_db()
    assert draft.title == "宝鸡社区健康讲座"


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.APPROVED, Status.CANCELLED])
def test_update_outside_draft_or_revision_is_invalid_transition(draft, user, status) -> None:
    Activity.objects.filter(pk=draft.pk).update(status=status)

    with pytest.raises(InvalidTransition) as caught:
        services.activity_update(
            activity_id=draft.pk, by=user("sn_head"), revision=1, data={"title": "x"}
        )

    assert caught.value.details == {"status": status.value}


def test_update_on_a_stale_revision_writes_nothing(draft, user) -> None:
    sn_head = user("sn_head")
    services.activity_update(activity_id=draft.pk, by=sn_head, revision=1, data={"venue": "A"})

    with pytest.raises(StaleRevision) as caught:
        services.activity_update(activity_id=draft.pk, by=sn_head, revision=1, data={"venue": "B"})

    assert caught.value.details == {"revision": 2}
    draft.refresh_from_db()
    assert (draft.venue, draft.revision) == ("A", 2)
    assert [row.action for row in audit_rows(draft)] == ["create", "edit"]


def test_update_with_one_bad_field_changes_nothing(draft, user) -> None:
    data = {
        "title": "新标题",
        "budget": [{"category": "venue", "item": "场地", "amount": Decimal("1.005")}],
    }

    with pytest.raises(ValidationFailed) as caught:
        services.activity_update(activity_id=draft.pk, by=user("sn_head"), revision=1, data=data)

    assert set(caught.value.fields) == {"budget.0.amount"}
    draft.refresh_from_db()
    assert (draft.title, draft.revision, draft.budget_total) == (
        "宝鸡社区健康讲座",
        1,
        Decimal("9200.50"),
    )


def test_update_checks_dates_against_the_stored_ones(draft, user) -> None:
    later = draft.end_date + timedelta(days=5)

    with pytest.raises(ValidationFailed) as caught:
        services.activity_update(
            activity_id=draft.pk, by=user("sn_head"), revision=1, data={"start_date": later}
        )

    assert set(caught.value.fields) == {"end_date"}


def test_update_fails_whole_when_audit_fails(draft, user, monkeypatch) -> None:
    # The budget lines are rewritten before the audit row: all of it must roll back together.
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        services.activity_update(
            activity_id=draft.pk,
            by=user("sn_head"),
            revision=1,
            data={"title": "新标题", "budget": []},
        )

    draft.refresh_from_db()
    assert (draft.title, draft.revision, draft.budget_lines.count()) == ("宝鸡社区健康讲座", 1, 2)


# --- activity_cancel ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["sn_head", "hq_manager"])
def test_cancel_ends_the_activity_with_an_audit_row(draft, user, username: str) -> None:
    activity = services.activity_cancel(
        activity_id=draft.pk, by=user(username), reason="  场地不可用  "
    )

    activity.refresh_from_db()
    assert activity.status == Status.CANCELLED
    assert activity.revision == 2
    row = audit_rows(activity)[-1]
    assert (
        row.actor and row.actor.username,
        row.action,
        row.from_status,
        row.to_status,
        row.note,
    ) == (
        username,
        "cancel",
        "draft",
        "cancelled",
        "场地不可用",
    )


def test_cancel_an_approved_activity(draft, user) -> None:
    Activity.objects.filter(pk=draft.pk).update(status=Status.APPROVED)

    activity = services.activity_cancel(activity_id=draft.pk, by=user("hq_manager"))

    assert activity.status == Status.CANCELLED
    assert audit_rows(activity)[-1].from_status == "approved"


def test_cancel_by_another_market_is_not_found(draft, user) -> None:
    with pytest.raises(NotFound):
        services.activity_cancel(activity_id=draft.pk, by=user("ha_head"))


@pytest.mark.parametrize("username", ["planning_reviewer", "admin", "sn_xa_head", "sn_staff2"])
def test_cancel_by_a_wrong_role_is_forbidden(draft, user, username: str) -> None:
    with pytest.raises(Forbidden):
        services.activity_cancel(activity_id=draft.pk, by=user(username))

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.ON_SITE, Status.REJECTED])
def test_cancel_from_a_wrong_status_is_invalid_transition(draft, user, status) -> None:
    Activity.objects.filter(pk=draft.pk).update(status=status)
    rows = len(audit_rows(draft))

    with pytest.raises(InvalidTransition) as caught:
        services.activity_cancel(activity_id=draft.pk, by=user("sn_head"))

    assert caught.value.details == {"status": status.value}
    draft.refresh_from_db()
    assert (draft.status, draft.revision) == (status, 1)
    assert len(audit_rows(draft)) == rows
