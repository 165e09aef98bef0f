"""Finance's sign-off: who may give it, when, and that it covers only the budget it saw."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    Incomplete,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.tests.builders import at, walk
from campaigndesk.finance import selectors
from campaigndesk.finance.models import FinanceSignoff
from campaigndesk.finance.services import finance_signoff_give
from campaigndesk.finance.tests.conftest import YEAR, set_budget
from campaigndesk.org.models import Department, Profile
from campaigndesk.org.services import delegation_set
from campaigndesk.reviews import services as review_services

pytestmark = pytest.mark.django_db

CAPS = [{"category": "venue", "soft": "20000.00", "hard": "30000.00"}]


def person(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.select_related("profile").get(username=username)


def over_soft_cap(head: str = "sn_head") -> Activity:
    set_budget("SN", caps=CAPS, total="1000000.00")
    return walk(
        head=head,
        title="超软上限",
        start=date(YEAR, 5, 10),
        until="resubmitted",
        budget={"venue": "25000.00", "promotion": "3000.00"},
    )


def sign(activity: Activity, username: str = "finance_reviewer", reason: str = "已比价,同意"):  # type: ignore[no-untyped-def]
    return finance_signoff_give(activity_id=activity.pk, by=person(username), reason=reason)


def test_the_finance_reviewer_signs_off_and_it_is_audited(demo: None) -> None:
    activity = over_soft_cap()
    signoff = sign(activity)
    assert signoff.budget_total == 28000
    assert signoff.by_category == {"venue": "25000.00", "promotion": "3000.00"}
    entry = AuditEntry.objects.get(activity_id=activity.pk, action="finance_signoff")
    assert entry.actor == person("finance_reviewer")
    assert entry.on_behalf_of is None
    assert "已比价,同意" in entry.note
    assert selectors.budget_check(activity=activity).state == "signed"


@pytest.mark.parametrize("username", ["marketing_reviewer", "hq_manager", "sn_head", "admin"])
def test_anyone_but_finance_is_refused(demo: None, username: str) -> None:
    activity = over_soft_cap()
    with pytest.raises(Forbidden):
        sign(activity, username)
    assert not FinanceSignoff.objects.exists()


def test_another_markets_head_does_not_see_the_activity(demo: None) -> None:
    activity = over_soft_cap()
    with pytest.raises(NotFound):
        sign(activity, "ha_head")


def test_a_reason_is_required(demo: None) -> None:
    activity = over_soft_cap()
    with pytest.raises(ValidationFailed) as refused:
        sign(activity, reason="   ")
    assert "reason" in refused.value.fields


def test_only_while_the_proposal_is_with_hq(demo: None) -> None:
    set_budget("SN", total="1000000.00")
    draft = walk(title="草稿", start=date(YEAR, 5, 1), until="draft")
    with pytest.raises(InvalidTransition) as refused:
        sign(draft)
    assert refused.value.details == {"status": "draft"}
    approved = walk(title="已批准", start=date(YEAR, 5, 5), until="approved")
    with pytest.raises(InvalidTransition):
        sign(approved)


def test_the_same_budget_is_signed_once(demo: None) -> None:
    activity = over_soft_cap()
    sign(activity)
    with pytest.raises(Duplicate):
        sign(activity)
    assert FinanceSignoff.objects.count() == 1


def test_a_changed_budget_needs_a_new_sign_off(demo: None) -> None:
    activity = over_soft_cap()
    sign(activity)
    manager, head = person("hq_manager"), person("sn_head")
    # Another round: HQ reviews again, returns it, the market raises the venue budget.
    review_services.review_open(
        activity_id=activity.pk,
        by=manager,
        meeting_at=at(date(YEAR, 4, 1), 10),
        departments=["planning"],
    )
    review_services.opinion_give(
        activity_id=activity.pk, by=person("planning_reviewer"), department="planning", items=[]
    )
    review_services.review_return(activity_id=activity.pk, by=manager, summary="再细化")
    activity_services.activity_resubmit(
        activity_id=activity.pk,
        by=head,
        changes={"budget": [{"category": "venue", "item": "场地", "amount": "26000.00"}]},
        staffing=[{"name": "总指挥", "role": "总指挥", "duty": "统筹"}],
        responses=[],
    )
    check = selectors.budget_check(activity=Activity.objects.get(pk=activity.pk))
    assert check.state == "soft"
    assert check.signoff is None and check.stale_signoff is not None
    with pytest.raises(Incomplete):
        activity_services.activity_decide(activity_id=activity.pk, by=manager, decision="approve")
    sign(activity, reason="复核后同意")
    done = activity_services.activity_decide(
        activity_id=activity.pk, by=manager, decision="approve"
    )
    assert done.status == "approved"


def test_a_delegate_signs_on_behalf_of_the_absent_reviewer(demo: None) -> None:
    deputy = get_user_model().objects.create(username="finance_deputy")
    Profile.objects.create(
        user=deputy,
        display_name="财务副手",
        role="reviewer",
        department=Department.objects.get(code="finance"),
    )
    today = timezone.localdate()
    delegation_set(
        by=person("finance_reviewer"),
        delegate_username="finance_deputy",
        start_date=today,
        end_date=today + timedelta(days=3),
    )
    activity = over_soft_cap()
    signoff = sign(activity, "finance_deputy")
    assert signoff.on_behalf_of == person("finance_reviewer")
    entry = AuditEntry.objects.get(activity_id=activity.pk, action="finance_signoff")
    assert entry.actor == deputy and entry.on_behalf_of == person("finance_reviewer")
