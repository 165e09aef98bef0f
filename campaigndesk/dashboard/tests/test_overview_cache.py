"""The overview's body is reused between views only while nothing was written, and only within
one scope: a write shows at once, another market's people never get HQ's (or another market's)
body."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigndesk.dashboard.tests.test_dashboard import client_for
from campaigndesk.evaluation.tests.builders import walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cached(settings, media):  # type: ignore[no-untyped-def]
    settings.OVERVIEW_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page(client) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The overview's body (board to figures; the page around it carries a fresh CSRF token)
    and the number of queries of the view."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index('data-testid="board"') : html.index('data-testid="market-figures"')]
    return body, len(queries.captured_queries)


def test_a_second_view_reuses_the_body_until_a_write(demo: None) -> None:
    today = timezone.localdate()
    walk(title="甘肃义诊", head="sn_head", start=today + timedelta(days=20), until="approved")
    hq = client_for("hq_manager")
    first, computed = page(hq)
    second, reused = page(hq)
    assert "甘肃义诊" in first and second == first
    # session, user, header, the newest audit id — none of the overview's own queries
    assert reused < computed - 10

    # A write through the services (it leaves an audit row) is on the next view.
    walk(title="河南路演", head="ha_head", start=today + timedelta(days=25), until="approved")
    third, recomputed = page(hq)
    assert "河南路演" in third and recomputed == computed


def test_each_scope_has_its_own_body(demo: None) -> None:
    today = timezone.localdate()
    walk(title="河南路演", head="ha_head", start=today + timedelta(days=25), until="approved")
    assert "河南路演" in page(client_for("hq_manager"))[0]  # HQ's body, now cached
    shaanxi, _ = page(client_for("sn_head"))
    assert "河南路演" not in shaanxi
    assert "河南路演" in page(client_for("ha_head"))[0]
    assert "河南路演" not in page(client_for("sn_head"))[0]  # and not from the market's cache
