"""Finance hears of a proposal over a cap when it reaches HQ, not only at approval."""

from __future__ import annotations

from datetime import date

import pytest

from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.finance.tests.conftest import YEAR, set_budget
from campaigndesk.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

CAPS = [{"category": "venue", "soft": "20000.00", "hard": "30000.00"}]


def alerted(activity_id: int) -> list[str]:
    return sorted(
        Notification.objects.filter(activity_id=activity_id, kind=Kind.BUDGET_CAP).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_submission_over_a_soft_cap_tells_finance_and_only_finance(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    set_budget("SN", caps=CAPS, total="1000000.00")
    with django_capture_on_commit_callbacks(execute=True):
        activity = walk(
            head="sn_head",
            title="超软上限",
            start=date(YEAR, 5, 10),
            until="resubmitted",
            budget={"venue": "25000.00"},
        )
    # Once at the submission and once at the resubmission.
    assert alerted(activity.pk) == ["finance_reviewer", "finance_reviewer"]


def test_a_proposal_within_its_caps_or_without_a_budget_tells_no_one(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    set_budget("SN", caps=CAPS, total="1000000.00")
    with django_capture_on_commit_callbacks(execute=True):
        within = walk(
            head="sn_head",
            title="上限以内",
            start=date(YEAR, 5, 10),
            until="resubmitted",
            budget={"venue": "20000.00"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        uncapped = walk(
            head="ha_head",
            title="无预算市场",
            start=date(YEAR, 5, 10),
            until="resubmitted",
            budget={"venue": "90000.00"},
        )
    assert alerted(within.pk) == []
    assert alerted(uncapped.pk) == []


def test_a_proposal_over_the_remaining_budget_tells_finance(
    demo: None, django_capture_on_commit_callbacks
) -> None:
    set_budget("SN", total="10000.00")
    with django_capture_on_commit_callbacks(execute=True):
        activity = walk(
            head="sn_head",
            title="超出余额",
            start=date(YEAR, 5, 10),
            until="resubmitted",
            budget={"venue": "12000.00"},
        )
    assert alerted(activity.pk) == ["finance_reviewer", "finance_reviewer"]
