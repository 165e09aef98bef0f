"""One request of each benchmark scenario in-process, with its queries and their times (and a
cProfile of the Python time with --cprofile): where a slow scenario spends its time.

    DATABASE_URL=sqlite:///var/bench/m30-y10-s1.sqlite3 \
        .venv/bin/python bench/profile_one.py [--cprofile] [scenario…]
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaigndesk.settings")
os.environ.setdefault("CAMPAIGNDESK_SECRET_KEY", "bench-secret-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import djtool  # noqa: E402
from run import SCENARIOS  # noqa: E402


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    use_cprofile = "--cprofile" in sys.argv
    prepared = djtool.prepare(0)
    ids = {"activity_id": prepared["activity_id"]}
    client = Client()
    client.cookies["sessionid"] = str(prepared["session"])
    token = {"HTTP_AUTHORIZATION": f"Bearer {prepared['hq_token']}"}
    for name, template, auth, _target in SCENARIOS:
        if args and not any(a in name for a in args):
            continue
        path = template.format(**ids)
        headers = token if auth == "token" else {}
        client.get(path, **headers)  # warm
        times = []
        for _ in range(int(os.environ.get("REPEAT", "5"))):
            t0 = time.perf_counter()
            client.get(path, **headers)
            times.append(time.perf_counter() - t0)
        times.sort()
        profiler = cProfile.Profile() if use_cprofile else None
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            if profiler:
                profiler.enable()
            response = client.get(path, **headers)
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - t0
        sql_time = sum(float(q["time"]) for q in ctx.captured_queries)
        print(
            f"== {name}: {response.status_code} {elapsed * 1000:.1f} ms (min of {len(times)}: "
            f"{times[0] * 1000:.2f} ms, median {times[len(times) // 2] * 1000:.2f} ms), "
            f"{len(ctx.captured_queries)} queries {sql_time * 1000:.0f} ms"
        )
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:6]:
            print(f"   {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")
        if profiler:
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(
                int(os.environ.get("TOP", "25"))
            )
    if not args or any("briefing" in a for a in args):
        from datetime import date

        month = date.fromisoformat(str(prepared["month"]))
        import calendar
        import json

        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        body = json.dumps({"period_start": month.isoformat(), "period_end": last.isoformat()})
        profiler = cProfile.Profile() if use_cprofile else None
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            if profiler:
                profiler.enable()
            response = client.post("/api/v1/briefings", body, "application/json", **token)
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - t0
        sql_time = sum(float(q["time"]) for q in ctx.captured_queries)
        print(
            f"== briefing compile: {response.status_code} {elapsed * 1000:.0f} ms, "
            f"{len(ctx.captured_queries)} queries {sql_time * 1000:.0f} ms"
        )
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:8]:
            print(f"   {float(q['time']) * 1000:7.1f} ms  {q['sql'][:400]}")
        if profiler:
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
            stats.print_stats(int(os.environ.get("TOP", "25")))
    djtool.cleanup()


if __name__ == "__main__":
    main()
