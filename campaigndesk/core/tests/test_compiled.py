"""Queries compiled once (core/compiled.py) give what their queryset gives, with each value."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from campaigndesk.activities.models import Activity
from campaigndesk.core.compiled import SHAPES_KEPT, Compiled

pytestmark = pytest.mark.django_db


def _activities(shape: Any, *, market: str, since: date) -> QuerySet[Any]:
    qs = Activity.objects.filter(market__code=market, start_date__gte=since)
    if shape == "drafts":
        qs = qs.filter(status="draft")
    return qs.order_by("id").values_list("id", "title", "start_date", "target_sales", "sections")


ACTIVITIES = Compiled(_activities)


def test_rows_are_what_the_queryset_gives(demo: None) -> None:
    for market in ("SN", "HA", "SC", "XX"):
        for shape in ("all", "drafts"):
            expected = list(_activities(shape, market=market, since=date(2000, 1, 1)))
            assert ACTIVITIES.rows(shape, market=market, since=date(2000, 1, 1)) == expected
    assert ACTIVITIES.rows("all", market="SN", since=date(2999, 1, 1)) == []


def test_compiled_once_per_shape(demo: None) -> None:
    ACTIVITIES.rows("all", market="SN", since=date(2000, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        ACTIVITIES.rows("all", market="HA", since=date(2001, 1, 1))
    assert len(queries.captured_queries) == 1


def _user(shape: Any, *, pk: int) -> QuerySet[Any]:
    return User.objects.select_related("profile__market", "profile__department").filter(pk=pk)


def test_a_model_comes_with_its_related_objects(user) -> None:
    head = user("sn_head")
    found = Compiled(_user).first(pk=head.pk)
    assert found == head and found._state.db == "default" and not found._state.adding
    with CaptureQueriesContext(connection) as queries:
        assert found.profile.market.code == "SN"
        assert found.profile.department is None
    assert queries.captured_queries == []
    assert Compiled(_user).first(pk=-1) is None


def test_an_empty_filter_runs_nothing(demo: None) -> None:
    nothing = Compiled(lambda shape, *, pk: Activity.objects.filter(pk__in=[]).values_list("id"))
    with CaptureQueriesContext(connection) as queries:
        assert nothing.rows(pk=1) == []
    assert queries.captured_queries == []


def test_values_out_of_an_integer_range_are_left_to_django(user) -> None:
    """Django answers an id out of the column's range with no rows (PostgreSQL would refuse the
    SQL); so does a compiled query, and a small-integer column still finds its rows."""
    users = Compiled(_user)
    assert users.first(pk=2**40) is None
    assert users.first(pk=user("sn_head").pk) == user("sn_head")
    some = Compiled(
        lambda shape, *, n: (
            Activity.objects.filter(target_attendance__gte=n).order_by("id").values_list("id")
        )
    )
    expected = list(
        Activity.objects.filter(target_attendance__gte=0).order_by("id").values_list("id")
    )
    assert some.rows(n=0) == expected and expected


def test_a_value_that_shapes_the_sql_is_refused(demo: None) -> None:
    with pytest.raises(TypeError):
        ACTIVITIES.rows("all", market=None, since=date(2000, 1, 1))
    flag = Compiled(lambda shape, *, on: Activity.objects.filter(id__gt=0).values_list("id"))
    with pytest.raises(TypeError):
        flag.rows(on=True)


def test_tests_catch_a_shape_that_depends_on_a_value(demo: None) -> None:
    """A builder that reads a value to decide the SQL (instead of putting it in the shape) is
    caught by the check every test run makes (settings.COMPILED_QUERY_CHECK)."""

    def sneaky(shape: Any, *, market: str) -> QuerySet[Any]:
        qs = Activity.objects.filter(market__code=market)
        return (qs.filter(status="draft") if market == "SN" else qs).values_list("id")

    compiled = Compiled(sneaky)
    compiled.rows(market="HA")
    with pytest.raises(AssertionError, match="differs from a fresh compile"):
        compiled.rows(market="SN")


def test_the_shapes_kept_are_bounded(demo: None) -> None:
    """A shape per page number: asking for every page keeps only the latest SHAPES_KEPT."""
    pages = Compiled(
        lambda shape, *, market: (
            Activity.objects.filter(market__code=market)
            .order_by("id")
            .values_list("id")[shape : shape + 1]
        )
    )
    for page in range(SHAPES_KEPT * 3):
        pages.rows(page, market="SN")
    assert len(pages._local.cache) == SHAPES_KEPT
    assert pages.rows(0, market="SN") == list(
        Activity.objects.filter(market__code="SN").order_by("id").values_list("id")[:1]
    )
