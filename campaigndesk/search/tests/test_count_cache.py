"""A query's count is kept a few seconds (paging through a common word's hits would count them
again on every page), under a key of the words, the caller's scope and the newest audit id: a
write is counted at once, and no one gets another scope's count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.onsite import services as onsite_services
from campaigndesk.search.selectors import search_results_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cached(settings):  # type: ignore[no-untyped-def]
    settings.SEARCH_COUNT_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def count(person, query: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The count `person` gets, and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        results = search_results_for(user=person, query=query)
    return results.count, len(queries.captured_queries)


def test_a_count_is_reused_until_a_write_and_only_in_its_scope(user) -> None:
    activity = walk(title="宝鸡社区路演", until="on_site")
    head, hq, other = user("sn_head"), user("hq_manager"), user("ha_head")

    def report(day: int, text: str) -> None:
        onsite_services.daily_report_submit(
            activity_id=activity.pk,
            by=head,
            data={"date": activity.start_date + timedelta(days=day), "competitors": text},
        )

    report(0, "竞品赠送鸡蛋。")
    first, computed = count(head, "鸡蛋")
    again, reused = count(head, "鸡蛋")
    # newest audit id, count, page; then newest audit id and page only
    assert (first, again) == (1, 1)
    assert (computed, reused) == (3, 2)

    assert count(other, "鸡蛋")[0] == 0  # another market: its own count, not the cached one
    assert count(hq, "鸡蛋")[0] == 1

    report(1, "竞品又送鸡蛋。")  # audited: counted at once, by everyone
    assert count(head, "鸡蛋") == (2, 3)
    assert count(hq, "鸡蛋")[0] == 2
    assert count(other, "鸡蛋")[0] == 0
