"""Many people at the same instant, in real threads with their own database connections:
exactly one of two equal decisions or edits wins and the other is told why (409); fifty daily
reports posted at once over real HTTP are each stored exactly once, a second post of a day is a
duplicate — never "database is locked", never a 5xx. (SQLite: WAL, IMMEDIATE transactions and
a busy timeout, see settings; PostgreSQL: row locks and the unique constraint.)"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection

from campaigndesk.activities.models import Activity
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.models import Archive
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.onsite.models import DailyReport
from campaigndesk.org.models import Profile

pytestmark = pytest.mark.django_db(transaction=True)


class Server(ThreadedWSGIServer):
    """Django's threaded server (one thread a request, each closing its connections) with a
    listen backlog as deep as gunicorn's: the live server's is 10, and fifty clients connecting
    at once would be turned away by the kernel before Django saw them."""

    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def http_server(transactional_db: None) -> Iterator[str]:
    """The application over real HTTP on 127.0.0.1: its base URL."""
    server = Server(("127.0.0.1", 0), QuietHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def at_once(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Runs every call in its own thread, all released together by a barrier; returns their
    results in order (an exception is returned as the result). Each thread closes its own
    database connection, as a request thread does."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = calls[index]()
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def outcome(response: Any) -> tuple[int, str | None]:
    """(status, error code) of an API response."""
    if isinstance(response, BaseException):
        raise response
    body = response.json()
    return response.status_code, body.get("error", {}).get(
        "code"
    ) if response.status_code >= 400 else None


def test_two_hq_managers_approving_at_the_same_instant_one_wins(api) -> None:  # type: ignore[no-untyped-def]
    activity = walk(title="宝鸡并发批复", until="resubmitted")
    second = User.objects.create_user("hq_manager2", password="campaign-demo")
    Profile.objects.create(user=second, display_name="副主管", role="hq_manager")
    managers = [api("hq_manager"), api("hq_manager2")]
    path = f"/activities/{activity.pk}/decision"

    responses = at_once(
        [
            partial(client.post, path, {"decision": "approve", "reason": "同意"})
            for client in managers
        ]
    )

    assert sorted(outcome(r) for r in responses) == [(200, None), (409, "invalid_transition")]
    assert Activity.objects.get(pk=activity.pk).status == "approved"
    approvals = AuditEntry.objects.filter(activity_id=activity.pk, action="approve")
    assert approvals.count() == 1
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    assert approvals.get().actor.username == ["hq_manager", "hq_manager2"][winner]


def test_two_edits_on_one_revision_one_wins_the_other_is_stale(api) -> None:  # type: ignore[no-untyped-def]
    activity = walk(title="咸阳并发编辑", until="draft")
    head = [api("sn_head"), api("sn_head")]  # the head on two devices
    path = f"/activities/{activity.pk}"
    titles = ["咸阳并发编辑(甲)", "咸阳并发编辑(乙)"]

    responses = at_once(
        [
            partial(client.patch, path, {"title": title, "revision": activity.revision})
            for client, title in zip(head, titles, strict=True)
        ]
    )

    assert sorted(outcome(r) for r in responses) == [(200, None), (409, "stale_revision")]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    stored = Activity.objects.get(pk=activity.pk)
    assert stored.title == titles[winner]
    assert stored.revision == activity.revision + 1
    assert AuditEntry.objects.filter(activity_id=activity.pk, action="edit").count() == 1


def test_fifty_daily_reports_at_once_are_each_stored_once(http_server: str) -> None:
    from campaigndesk.core.demo import seed_demo

    seed_demo(walkthrough=False)
    # Three markets' activities on site at once, 17 + 17 + 16 days: fifty dates in all.
    activities = [
        walk(head=head, title=f"{head} 并发日报", days=days, until="on_site")
        for head, days in (("sn_head", 17), ("ha_head", 17), ("sc_head", 16))
    ]

    def http(method: str, path: str, body: Any, token: str | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"{http_server}/api/v1{path}",
            data=json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    tokens = {}
    for activity in activities:
        username = activity.created_by.username
        status, body = http(
            "POST", "/auth/token", {"username": username, "password": "campaign-demo"}
        )
        assert status == 200, body
        tokens[activity.pk] = body["token"]
    posts = [
        (activity, activity.start_date + timedelta(days=offset))
        for activity in activities
        for offset in range((activity.end_date - activity.start_date).days + 1)
    ]
    assert len(posts) == 50
    duplicates = posts[::5]  # ten clients post a day somebody else is posting too
    calls = [
        partial(
            http,
            "POST",
            f"/activities/{activity.pk}/daily-reports",
            {"date": day.isoformat(), "visitors": 10, "leads": 2, "sales": "100.00"},
            tokens[activity.pk],
        )
        for activity, day in posts + duplicates
    ]

    results = at_once(calls)

    for result in results:
        if isinstance(result, BaseException):
            raise result
    statuses = Counter(status for status, _body in results)
    assert statuses == {201: 50, 409: 10}, [
        body for status, body in results if status not in (201, 409)
    ]
    assert {body["error"]["code"] for status, body in results if status == 409} == {"duplicate"}
    stored = Counter(
        DailyReport.objects.filter(activity__in=activities).values_list("activity_id", "date")
    )
    assert stored == Counter((activity.pk, day) for activity, day in posts)
    assert (
        AuditEntry.objects.filter(
            activity_id__in=[a.pk for a in activities], action="daily_report"
        ).count()
        == 50
    )


def test_two_archivings_at_once_leave_one_archive_and_one_file(api, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    activity = walk(title="西安并发存档", until="evaluated")
    managers = [api("hq_manager"), api("hq_manager")]

    responses = at_once(
        [partial(client.post, f"/activities/{activity.pk}/archive") for client in managers]
    )

    assert sorted(outcome(r) for r in responses) == [(200, None), (409, "invalid_transition")]
    archive = Archive.objects.get(activity=activity)
    # The loser wrote no zip of its own: the only file is the archive's.
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.zip")] == [
        archive.file.name
    ]
    assert AuditEntry.objects.filter(activity_id=activity.pk, action="archive").count() == 1
