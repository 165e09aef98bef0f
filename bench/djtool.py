"""The benchmark's errands inside Django, run as a subprocess with the server's environment
(DATABASE_URL …): `prepare` issues tokens and a session and picks the objects the scenarios
read; `count` and `cleanup` check and remove what the end-of-day burst wrote."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaigndesk.settings")

import django

django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigndesk.activities.models import Activity  # noqa: E402
from campaigndesk.core.models import AuditEntry  # noqa: E402
from campaigndesk.onsite.models import DailyReport  # noqa: E402
from campaigndesk.org.models import ApiToken  # noqa: E402

BURST_MARK = "bench-burst"


def _session(user: object) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    store[BACKEND_SESSION_KEY] = "campaigndesk.org.backends.ProfileBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    store.create()
    assert store.session_key
    return store.session_key


def prepare(burst: int) -> dict[str, object]:
    User = get_user_model()
    manager = User.objects.get(username="hq_manager")
    head = User.objects.get(username="g01_head")
    _, hq_token = ApiToken.issue(user=manager, days=1)
    _, head_token = ApiToken.issue(user=head, days=1)
    # The market head's most reported archived activity: detail, history, reports, pack.
    activity = (
        Activity.objects.filter(market__code="G01", status="archived")
        .annotate(n=Count("daily_reports"))
        .order_by("-n", "-start_date")
        .first()
    )
    assert activity is not None, "no archived activity in G01: generate more data"
    # The burst: (on-site activity, day) pairs without a report, spread over the markets.
    today = timezone.localdate()
    taken = set(
        DailyReport.objects.filter(activity__status="on_site").values_list("activity_id", "date")
    )
    heads: dict[int, str] = {}
    candidates: list[list[object]] = []
    on_site = Activity.objects.filter(status="on_site").select_related("market__head")
    per_market: dict[int, list[tuple[int, str]]] = {}
    for a in on_site.order_by("id"):
        if a.market.head is None:
            continue
        if a.market_id not in heads:
            heads[a.market_id] = ApiToken.issue(user=a.market.head, days=1)[1]
        day = max(a.start_date, today - timedelta(days=3))
        while day <= a.end_date:
            if (a.pk, day) not in taken:
                per_market.setdefault(a.market_id, []).append((a.pk, day.isoformat()))
            day += timedelta(days=1)
    # Round-robin over the markets so concurrent posts hit different activities.
    queues = [list(v) for v in per_market.values()]
    market_of = list(per_market)
    while len(candidates) < burst and any(queues):
        for i, q in enumerate(queues):
            if q and len(candidates) < burst:
                activity_id, day = q.pop(0)
                candidates.append([activity_id, day, heads[market_of[i]]])
    month = activity.start_date.replace(day=1)
    return {
        "hq_token": hq_token,
        "head_token": head_token,
        "session": _session(manager),
        "activity_id": activity.pk,
        "month": month.isoformat(),
        "burst": candidates,
        "counts": {
            "activities": Activity.objects.count(),
            "daily_reports": DailyReport.objects.count(),
            "audit": AuditEntry.objects.count(),
        },
    }


def count(pairs: list[list[object]]) -> dict[str, int]:
    found = 0
    for activity_id, day, _token in pairs:
        found += DailyReport.objects.filter(activity_id=activity_id, date=day).count()
    return {"found": found}


def cleanup() -> dict[str, int]:
    ids = list(DailyReport.objects.filter(progress=BURST_MARK).values_list("id", flat=True))
    DailyReport.objects.filter(pk__in=ids).delete()
    AuditEntry.objects.filter(object_type="daily_report", object_id__in=ids).delete()
    AuditEntry.objects.filter(action="daily_report", object_id__in=ids).delete()
    ApiToken.objects.filter(expires_at__lt=timezone.now() + timedelta(days=2)).delete()
    return {"deleted": len(ids)}


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "prepare":
        print(json.dumps(prepare(int(sys.argv[2]))))
    elif command == "count":
        print(json.dumps(count(json.load(sys.stdin))))
    elif command == "cleanup":
        print(json.dumps(cleanup()))
    else:
        raise SystemExit(f"unknown command {command}")
