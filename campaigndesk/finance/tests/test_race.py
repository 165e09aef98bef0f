"""Two approvals at the same moment cannot both spend the market's last budget: the check locks
the market's budget row, so the second waits and then reads what the first committed.

Runs on PostgreSQL (row locks, one connection per thread); SQLite serialises every write anyway.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import seed_demo
from campaigndesk.core.errors import BudgetExceeded
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.finance import selectors
from campaigndesk.finance.tests.conftest import YEAR, set_budget

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks"),
]


def test_two_approvals_at_once_cannot_both_use_the_last_budget(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seed_demo(walkthrough=False)
    set_budget(total="50000.00")
    first = walk(
        title="甲", start=date(YEAR, 5, 1), until="resubmitted", budget={"venue": "30000.00"}
    )
    second = walk(
        title="乙", start=date(YEAR, 5, 2), until="resubmitted", budget={"venue": "30000.00"}
    )
    manager = get_user_model().objects.get(username="hq_manager")

    # Hold each check a moment after it has read the budget row, so that without the lock
    # both would read "50000 remain" before either commits.
    counted = selectors.counted_activities

    def slow(**kwargs: Any) -> Any:
        result = counted(**kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(selectors, "counted_activities", slow)
    start = threading.Barrier(2)
    outcome: dict[int, str] = {}

    def approve(activity: Activity) -> None:
        start.wait()
        try:
            activity_services.activity_decide(
                activity_id=activity.pk, by=manager, decision="approve"
            )
            outcome[activity.pk] = "approved"
        except BudgetExceeded as error:
            outcome[activity.pk] = f"refused {error.details['excess']}"
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcome.values()) == ["approved", "refused 10000.00"]
    statuses = sorted(
        Activity.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == ["approved", "resubmitted"]
