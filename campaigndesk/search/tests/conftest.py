"""Helpers of the search tests: proposals and stage-1 reviews through the real services, and
"what does this user find"."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.evaluation.tests.builders import people
from campaigndesk.onsite.models import DailyReport
from campaigndesk.search.selectors import search_results_for


def found(user: Any, query: str) -> list[tuple[str, int]]:
    """(type, id) of every hit of `query` for `user`, best first (all pages)."""
    hits: list[tuple[str, int]] = []
    page = 1
    while True:
        results = search_results_for(user=user, query=query, page=page)
        hits += [(hit.kind, hit.object_id) for hit in results.items]
        if not results.has_next:
            return hits
        page += 1


def proposal(
    *, head: str = "sn_head", title: str = "社区健康行", sections: dict[str, str] | None = None
) -> Activity:
    """A draft proposal of `head`'s market, a month ahead, with the given section texts."""
    start = timezone.localdate() + timedelta(days=30)
    return activity_services.activity_create(
        by=people()[head],
        data={
            "title": title,
            "venue": "会展中心",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "sections": sections or {"background": "本地中老年消费者保健需求旺盛。"},
            "budget": [{"category": "venue", "item": "场地", "amount": "1000.00"}],
        },
    )


def reports(activity: Activity, texts: list[str], *, by: str = "sn_head") -> list[DailyReport]:
    """Daily reports written straight into the table (many of them, quickly), one a day from
    the activity's start, `texts` as their competitor notes."""
    reporter = people()[by]
    first: date = activity.start_date
    return [
        DailyReport.objects.create(
            activity=activity,
            date=first + timedelta(days=index),
            reported_by=reporter,
            competitors=text,
        )
        for index, text in enumerate(texts)
    ]


@pytest.fixture
def find(user):  # type: ignore[no-untyped-def]
    """`find("sn_head", "赠品")` → the (type, id) of that user's hits."""

    def run(username: str, query: str) -> list[tuple[str, int]]:
        return found(user(username), query)

    return run
