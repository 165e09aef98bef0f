"""The database set-up: concurrent writers wait for each other instead of failing."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections

from campaigndesk.activities.models import Activity
from campaigndesk.activities.services import activity_create
from campaigndesk.core.demo import seed_demo


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_all_succeed() -> None:
    seed_demo(walkthrough=False)
    head = User.objects.get(username="sn_head")
    errors: list[BaseException] = []
    start = threading.Barrier(12)

    def write(n: int) -> None:
        try:
            start.wait()
            activity_create(
                by=head,
                data={
                    "title": f"并发草稿{n}",
                    "start_date": date(2031, 5, 1),
                    "end_date": date(2031, 5, 2),
                    "budget": [{"category": "venue", "item": "场地", "amount": "100.00"}],
                },
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Activity.objects.filter(title__startswith="并发草稿").count() == 12
