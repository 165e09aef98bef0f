"""The transition table against DOMAIN.md's lifecycle of an activity."""

from __future__ import annotations

import pytest
from django.utils import translation

from campaigndesk.activities import workflow
from campaigndesk.activities.workflow import Status as S
from campaigndesk.core.errors import InvalidTransition

# DOMAIN.md, "Lifecycle of an activity": (from, action, to). Nothing else may exist.
LIFECYCLE = {
    (S.DRAFT, "submit", S.SUBMITTED),
    (S.SUBMITTED, "open_review", S.IN_REVIEW),
    (S.IN_REVIEW, "return", S.REVISION_REQUESTED),
    (S.REVISION_REQUESTED, "resubmit", S.RESUBMITTED),
    (S.RESUBMITTED, "approve", S.APPROVED),
    (S.RESUBMITTED, "reject", S.REJECTED),
    (S.RESUBMITTED, "open_review", S.IN_REVIEW),
    (S.APPROVED, "start_onsite", S.ON_SITE),
    (S.ON_SITE, "wrap_up", S.WRAPPED_UP),
    (S.WRAPPED_UP, "evaluate", S.EVALUATED),
    (S.EVALUATED, "archive", S.ARCHIVED),
    *(
        (source, "cancel", S.CANCELLED)
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.IN_REVIEW,
            S.REVISION_REQUESTED,
            S.RESUBMITTED,
            S.APPROVED,
        )
    ),
}


def test_transition_table_is_exactly_the_lifecycle() -> None:
    table = {
        (source, action, target)
        for action, (sources, target) in workflow.TRANSITIONS.items()
        for source in sources
    }

    assert table == LIFECYCLE


@pytest.mark.parametrize(("source", "action", "target"), sorted(LIFECYCLE))
def test_next_status_follows_each_transition(source: S, action: str, target: S) -> None:
    assert workflow.next_status(action, source) == target


WRONG = [
    (status, action)
    for action in workflow.TRANSITIONS
    for status in S
    if not any(s == status and a == action for s, a, _t in LIFECYCLE)
]


def test_every_action_from_a_wrong_status_is_invalid_transition() -> None:
    assert len(WRONG) == len(workflow.TRANSITIONS) * len(S) - len(LIFECYCLE)
    for status, action in WRONG:
        with pytest.raises(InvalidTransition) as caught:
            workflow.next_status(action, status)

        assert caught.value.code == "invalid_transition"
        assert caught.value.status == 409
        assert caught.value.details == {"status": status.value}, (status, action)


def test_no_step_can_be_skipped() -> None:
    with pytest.raises(InvalidTransition):
        workflow.next_status("approve", S.SUBMITTED)
    with pytest.raises(InvalidTransition):
        workflow.next_status("start_onsite", S.RESUBMITTED)
    with pytest.raises(InvalidTransition):
        workflow.next_status("archive", S.WRAPPED_UP)


@pytest.mark.parametrize("status", [S.REJECTED, S.CANCELLED, S.ARCHIVED])
def test_nothing_leaves_an_ended_activity(status: S) -> None:
    assert workflow.allowed_actions(status) == []
    assert status in workflow.TERMINAL


@pytest.mark.parametrize("status", [S.ON_SITE, S.WRAPPED_UP, S.EVALUATED])
def test_cannot_cancel_once_on_site(status: S) -> None:
    with pytest.raises(InvalidTransition):
        workflow.next_status("cancel", status)


def test_allowed_actions_of_resubmitted() -> None:
    assert set(workflow.allowed_actions(S.RESUBMITTED)) == {
        "open_review",
        "approve",
        "reject",
        "cancel",
    }


@pytest.mark.parametrize("status", [S.DRAFT, S.REVISION_REQUESTED])
def test_proposal_editable_while_the_market_holds_the_pen(status: S) -> None:
    workflow.ensure_editable(status)


@pytest.mark.parametrize("status", [s for s in S if s not in {S.DRAFT, S.REVISION_REQUESTED}])
def test_proposal_not_editable_otherwise(status: S) -> None:
    with pytest.raises(InvalidTransition) as caught:
        workflow.ensure_editable(status)

    assert caught.value.details == {"status": status.value}


def test_invalid_transition_message_names_action_and_status() -> None:
    with translation.override("en"), pytest.raises(InvalidTransition) as caught:
        workflow.next_status("submit", S.CANCELLED)

    assert str(caught.value.message) == (
        "“Submit” is not possible while the activity is “Cancelled”."
    )
