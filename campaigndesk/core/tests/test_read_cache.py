"""The hot API reads (core/readcache.py) answer again from a short-lived copy only while nothing
was written, only within the caller's scope, and exactly as they would compute it."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from campaigndesk.activities.models import Activity
from campaigndesk.core.audit import data_version
from campaigndesk.evaluation.tests.builders import walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cached(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.READ_CACHE_SECONDS = 60
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def read(client: Any, path: str) -> tuple[Any, int]:
    """The answer and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries.captured_queries)


def report(client: Any, activity: Activity, day: int, text: str) -> None:
    response = client.post(
        f"/activities/{activity.pk}/daily-reports",
        {
            "date": (activity.start_date + timedelta(days=day)).isoformat(),
            "visitors": 10,
            "leads": 2,
            "sales": "100.00",
            "competitors": text,
        },
    )
    assert response.status_code == 201, response.content


@pytest.fixture
def on_site(demo: None) -> Activity:
    """An SN campaign on site, with an evaluated one of the same market before it (so the
    reference pack has something to show)."""
    walk(title="宝鸡往期义诊", until="evaluated")
    return walk(title="宝鸡社区路演", until="on_site")


READS = [
    "/activities",
    "/activities?market=SN&page=1",
    "/activities/{id}",
    "/activities/{id}/history",
    "/activities/{id}/daily-reports",
    "/activities/{id}/reference-pack",
    "/search?q=%E9%B8%A1%E8%9B%8B",  # 鸡蛋
]


@pytest.mark.parametrize("template", READS)
def test_a_read_is_given_again_until_a_write(api, on_site: Activity, template: str) -> None:
    path = template.format(id=on_site.pk)
    head = api("sn_head")
    report(head, on_site, 0, "竞品赠送鸡蛋。")
    first, computed = read(head, path)
    again, reused = read(head, path)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"
    assert reused == 2  # the token, the newest audit id
    assert computed > reused

    report(head, on_site, 1, "竞品又送鸡蛋。")  # audited: a new key at once
    third, recomputed = read(head, path)
    assert recomputed == computed
    assert third.status_code == 200
    if "history" in path:
        assert len(third.json()) == len(first.json()) + 1
    if "daily-reports" in path or "search" in path:
        assert "竞品又送" in json.dumps(third.json(), ensure_ascii=False)


@pytest.mark.parametrize("template", READS)
def test_the_copy_is_what_the_read_computes(api, on_site: Activity, settings, template) -> None:
    path = template.format(id=on_site.pk)
    hq = api("hq_manager")
    report(api("sn_head"), on_site, 0, "竞品赠送鸡蛋。")
    kept = hq.get(path)
    assert hq.get(path).content == kept.content
    settings.READ_CACHE_SECONDS = 0
    assert hq.get(path).content == kept.content


def test_a_write_shows_in_the_list_and_the_activity_at_once(api, demo: None) -> None:
    head = api("sn_head")
    draft = head.get("/activities?status=draft").json()["items"][0]
    assert head.get(f"/activities/{draft['id']}").json()["title"] == draft["title"]
    response = head.patch(
        f"/activities/{draft['id']}", {"revision": draft["revision"], "title": "改过的标题"}
    )
    assert response.status_code == 200, response.content
    assert head.get(f"/activities/{draft['id']}").json()["title"] == "改过的标题"
    titles = [a["title"] for a in head.get("/activities?status=draft").json()["items"]]
    assert "改过的标题" in titles


def test_each_scope_has_its_own_copy(api, on_site: Activity) -> None:
    henan = walk(title="河南路演", head="ha_head", until="approved")
    hq, shaanxi, henan_head = api("hq_manager"), api("sn_head"), api("ha_head")
    everything = {a["id"] for a in hq.get("/activities").json()["items"]}
    assert {on_site.pk, henan.pk} <= everything
    assert henan.pk not in {a["id"] for a in shaanxi.get("/activities").json()["items"]}
    assert on_site.pk not in {a["id"] for a in henan_head.get("/activities").json()["items"]}

    # HQ's copies of an HA activity are never given to SN: 404, and a 404 is never kept.
    for template in READS[2:6]:
        path = template.format(id=henan.pk)
        assert hq.get(path).status_code == 200 and hq.get(path).content
        for _ in range(2):
            response, queries = read(shaanxi, path)
            assert response.status_code == 404 and queries > 2, path
            assert response.json()["error"]["code"] == "not_found"
        assert henan_head.get(path).status_code == 200

    # Search: HQ's copy holds HA's report; SN's answer to the same URL does not.
    report(henan_head, walk(title="郑州路演", head="ha_head", until="on_site"), 0, "河南独有的竞品")
    path = "/search?q=%E6%B2%B3%E5%8D%97%E7%8B%AC%E6%9C%89"  # 河南独有
    assert hq.get(path).json()["count"] == 1 and hq.get(path).json()["count"] == 1
    assert shaanxi.get(path).json()["count"] == 0
    assert henan_head.get(path).json()["count"] == 1


def test_not_kept_inside_a_transaction_of_our_own(demo: None) -> None:
    assert data_version().settled
    with transaction.atomic():
        assert not data_version().settled


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: concurrent writers")
@pytest.mark.django_db(transaction=True)
def test_not_kept_while_another_transaction_writes(api, on_site: Activity) -> None:
    """A writer still in progress may commit an audit id lower than the newest one seen: while
    one is, nothing is kept."""
    head = api("sn_head")
    path = f"/activities/{on_site.pk}/daily-reports"
    writing, release = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                Activity.objects.filter(pk=on_site.pk).update(venue="还在写")
                writing.set()
                release.wait(10)
                transaction.set_rollback(True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        assert not data_version().settled
        _, computed = read(head, path)
        _, again = read(head, path)
        assert again == computed  # computed again: nothing was kept
    finally:
        release.set()
        thread.join()
    assert data_version().settled
    read(head, path)
    assert read(head, path)[1] == 2


def test_a_large_answer_is_not_kept(api, on_site: Activity, monkeypatch) -> None:
    monkeypatch.setattr("campaigndesk.core.readcache.MAX_BYTES", 100)
    head = api("sn_head")
    path = f"/activities/{on_site.pk}/history"
    _, computed = read(head, path)
    assert len(head.get(path).content) > 100
    assert read(head, path)[1] == computed
