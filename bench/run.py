# ruff: noqa: S603, S607 - starts its own servers and tools, with fixed arguments
"""The benchmark of issue 11 (`make bench`): the same API under gunicorn (2 sync workers),
first its floor (`GET /api/v1/health`, no database), then each scenario single-client and with 20
concurrent clients, each as a ratio of its p95 to the floor's at the same concurrency; the
briefing compile of one month; and the end-of-day burst (50 clients posting 500 daily reports,
then the rows counted). On SQLite and on a throwaway PostgreSQL this script starts itself; the
generated databases are kept in var/bench/, keyed by the scale, and reused.

    .venv/bin/python bench/run.py --db sqlite --db postgres --markets 30 --years 10
    .venv/bin/python bench/run.py --db postgres --layout prod   # make run-prod's layout

Load comes from wrk (with a Lua script for the token and the percentiles) when it is installed,
otherwise from Python threads (same measurements, lower ceiling: the client shares the 2 cores).
Only 127.0.0.1 is ever contacted. Results: a table on stdout and bench/results/<db>-<time>.json.
"""

from __future__ import annotations

import argparse
import calendar
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PG_ROOT = Path(tempfile.gettempdir()) / "campaigndesk-bench"
SECRET = "bench-secret-key-not-for-production-0123456789abcdef"
HOST = "127.0.0.1"

# name, path (formatted with the prepared ids), auth ("token" | "session" | None), target ratio
SCENARIOS: list[tuple[str, str, str | None, float]] = [
    ("activity list", "/api/v1/activities", "token", 3),
    ("activity detail", "/api/v1/activities/{activity_id}", "token", 3),
    ("history", "/api/v1/activities/{activity_id}/history", "token", 3),
    ("daily-report list", "/api/v1/activities/{activity_id}/daily-reports", "token", 3),
    ("reference pack", "/api/v1/activities/{activity_id}/reference-pack", "token", 10),
    ("HQ dashboard page", "/dashboard/", "session", 10),
    ("search", "/api/v1/search?q=%E4%B8%93%E5%AE%B6%E8%AE%B2%E5%BA%A7", "token", 10),
]
BRIEFING_TARGET_S = 1.0


@dataclass
class Result:
    scenario: str
    clients: int
    p50_ms: float
    p95_ms: float
    rps: float
    requests: int
    errors: int
    ratio: float | None = None
    target: float | None = None
    ok: bool | None = None


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


# --- databases ---------------------------------------------------------------------------------


def scale_key(args: argparse.Namespace) -> str:
    return f"m{args.markets}-y{args.years}-s{args.scale:g}"


def django_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "CAMPAIGNDESK_TESTING")}
    env.update(
        DATABASE_URL=database_url,
        CAMPAIGNDESK_SECRET_KEY=SECRET,
        ALLOWED_HOSTS=f"{HOST},localhost",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",  # plain http on the loopback
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env: dict[str, str], *argv: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *argv], env=env, check=True, cwd=ROOT)


def generate(env: dict[str, str], args: argparse.Namespace, stamp: Path) -> None:
    if stamp.exists():
        log(f"reusing the generated database ({stamp.read_text().strip()})")
        return
    manage(env, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(
        env,
        "generate_scale",
        f"--markets={args.markets}",
        f"--years={args.years}",
        f"--scale={args.scale}",
    )
    stamp.write_text(f"generated in {time.monotonic() - started:.0f}s on {date.today()}\n")


@contextmanager
def sqlite_database(args: argparse.Namespace) -> Iterator[str]:
    VAR.mkdir(parents=True, exist_ok=True)
    path = VAR / f"{scale_key(args)}.sqlite3"
    url = f"sqlite:///{path}"
    generate(django_env(url), args, path.with_suffix(".done"))
    yield url


@contextmanager
def postgres_database(args: argparse.Namespace, port: int) -> Iterator[str]:
    """A throwaway cluster as .ci/run starts one (fsync off), kept per scale for the next run."""
    bindir = Path(
        subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        or "/usr/lib/postgresql/15/bin"
    )
    if not (bindir / "initdb").exists():
        bindir = Path("/usr/lib/postgresql/15/bin")
    PG_ROOT.mkdir(exist_ok=True)
    shutil.chown(PG_ROOT, "postgres", "postgres")
    data = PG_ROOT / f"data-{scale_key(args)}"
    as_pg = ["runuser", "-u", "postgres", "--"]
    fresh = not data.exists()
    if fresh:
        subprocess.run(
            [
                *as_pg,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
    options = (
        f"-c listen_addresses={HOST} -p {port} -k {PG_ROOT} -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        " -c shared_buffers=512MB -c work_mem=16MB"
    )
    # A server already running on this data (started by hand to look into it) is used as it
    # is, and left running.
    running = (
        subprocess.run(
            [*as_pg, str(bindir / "pg_ctl"), "-D", str(data), "status"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ).returncode
        == 0
    )
    if running:
        # Its port, from postmaster.pid (line 4), not the one picked for a new server.
        port = int((data / "postmaster.pid").read_text().splitlines()[3])
    else:
        subprocess.run(
            [
                *as_pg,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(PG_ROOT / f"log-{port}"),
                "-o",
                options,
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    try:
        if fresh:
            subprocess.run(
                [
                    str(bindir / "createdb"),
                    "-h",
                    HOST,
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "campaigndesk",
                ],
                check=True,
            )
        url = f"postgres://postgres@{HOST}:{port}/campaigndesk"
        generate(django_env(url), args, data.with_suffix(".done"))
        yield url
    finally:
        if not running:
            subprocess.run(
                [*as_pg, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
            )


# --- servers -----------------------------------------------------------------------------------


def wait_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the server on port {port} did not come up")


@contextmanager
def servers(env: dict[str, str], *, count: int, workers: int) -> Iterator[list[int]]:
    """`count` gunicorn processes of `workers` sync workers each; yields their ports."""
    procs: list[subprocess.Popen[bytes]] = []
    ports = [free_port() for _ in range(count)]
    try:
        for port in ports:
            procs.append(
                subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "campaigndesk.wsgi",
                        "--workers",
                        str(workers),
                        "--bind",
                        f"{HOST}:{port}",
                        "--log-level",
                        "warning",
                        "--timeout",
                        "120",
                    ],
                    env=env,
                    cwd=ROOT,
                    start_new_session=True,
                )
            )
        for port in ports:
            wait_up(port)
        yield ports
    finally:
        for proc in procs:
            with _quiet():
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def _quiet() -> contextlib.suppress:
    return contextlib.suppress(ProcessLookupError)


# --- load --------------------------------------------------------------------------------------

WRK_LUA = """
local headers_file = os.getenv("BENCH_HEADERS")
-- gunicorn's sync workers close every connection: say so, or wrk waits on the closed socket.
wrk.headers["Connection"] = "close"
for line in io.lines(headers_file) do
  local k, v = line:match("^([^:]+): (.*)$")
  if k then wrk.headers[k] = v end
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.stderr:write(string.format("BENCH %d %d %d %d %d\\n", latency:percentile(50),
    latency:percentile(95), summary.requests, summary.duration, errors))
end
"""


def load_wrk(
    ports: list[int], path: str, headers: dict[str, str], clients: int, seconds: float
) -> Result:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "bench.lua"
        script.write_text(WRK_LUA)
        header_file = Path(tmp) / "headers"
        header_file.write_text("".join(f"{k}: {v}\n" for k, v in headers.items()))
        env = {**os.environ, "BENCH_HEADERS": str(header_file)}
        share = max(1, clients // len(ports))
        procs = [
            subprocess.Popen(
                [
                    "wrk",
                    "-t",
                    str(min(2, share)),
                    "-c",
                    str(share),
                    "-d",
                    f"{seconds:g}s",
                    "--timeout",
                    "30s",
                    "-s",
                    str(script),
                    f"http://{HOST}:{port}{path}",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for port in ports
        ]
        for proc in procs:
            _out, err = proc.communicate()
            line = next(x for x in err.splitlines() if x.startswith("BENCH "))
            results.append([int(v) for v in line.split()[1:]])
    p50 = max(r[0] for r in results) / 1000
    p95 = max(r[1] for r in results) / 1000
    requests = sum(r[2] for r in results)
    duration = max(r[3] for r in results) / 1e6
    errors = sum(r[4] for r in results)
    return Result("", clients, p50, p95, requests / duration, requests, errors)


def load_python(
    ports: list[int], path: str, headers: dict[str, str], clients: int, seconds: float
) -> Result:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(i: int) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(HOST, ports[i % len(ports)], timeout=30)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    bad += 1
            except OSError:
                bad += 1
                conn = http.client.HTTPConnection(HOST, ports[i % len(ports)], timeout=30)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Result(
        "", clients, q[49] * 1000, q[94] * 1000, len(latencies) / elapsed, len(latencies), errors
    )


def settle(ports: list[int], timeout: float = 120) -> None:
    """Waits until the workers have drained what the previous load left queued (wrk stops
    sending, but the requests already accepted still run): three quick health checks in a row."""
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        for port in ports:
            t0 = time.perf_counter()
            check_status(port, "/api/v1/health", {})
            quick = quick + 1 if time.perf_counter() - t0 < 0.05 else 0


def check_status(port: int, path: str, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        log(f"{path}: {response.status} {body[:300]!r}")
    return response.status


def burst(ports: list[int], pairs: list[list[Any]], clients: int) -> dict[str, Any]:
    """`clients` threads post the daily reports of `pairs` (one per pair) as fast as they can."""
    queue = list(enumerate(pairs))
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    latencies: list[float] = []

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, ports[i % len(ports)], timeout=60)
        while True:
            with lock:
                if not queue:
                    return
                n, (activity_id, day, token) = queue.pop()
            body = json.dumps(
                {
                    "date": day,
                    "visitors": 300,
                    "leads": 40,
                    "sales": "12000.00",
                    "progress": "bench-burst",
                    "public_relations": "",
                    "competitors": "竞品促销",
                    "issues": "",
                }
            )
            t0 = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    f"/api/v1/activities/{activity_id}/daily-reports",
                    body=body,
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                conn = http.client.HTTPConnection(HOST, ports[i % len(ports)], timeout=60)
            with lock:
                statuses[n] = status
                latencies.append(time.perf_counter() - t0)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    created = sum(1 for s in statuses.values() if s == 201)
    latencies.sort()
    return {
        "clients": clients,
        "posted": len(pairs),
        "created": created,
        "errors": len(pairs) - created,
        "error_statuses": sorted({s for s in statuses.values() if s != 201}),
        "seconds": round(elapsed, 2),
        "reports_per_s": round(len(pairs) / elapsed, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1) if latencies else 0,
    }


def djtool(env: dict[str, str], *argv: str, stdin: str | None = None) -> Any:
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "djtool.py"), *argv],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def briefing_compile(port: int, token: str, month: date) -> float:
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    body = json.dumps({"period_start": month.isoformat(), "period_end": last.isoformat()})
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    t0 = time.perf_counter()
    conn.request(
        "POST",
        "/api/v1/briefings",
        body=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - t0
    if response.status != 201:
        raise RuntimeError(f"briefing compile: {response.status}")
    return elapsed


# --- one run -----------------------------------------------------------------------------------


def run_one(db: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    env = django_env(url)
    if args.no_read_cache:  # every read computed: what a reader pays first after a write
        env.update(
            READ_CACHE_SECONDS="0", OVERVIEW_CACHE_SECONDS="0", SEARCH_COUNT_CACHE_SECONDS="0"
        )
    manage(env, "migrate", "--noinput", "-v0")  # a database generated before a new index
    manage(env, "collectstatic", "--noinput", "-v0")
    prepared = djtool(env, "prepare", str(args.burst))
    ids = {"activity_id": prepared["activity_id"]}
    token_headers = {"Authorization": f"Bearer {prepared['hq_token']}"}
    session_headers = {"Cookie": f"sessionid={prepared['session']}"}
    use_wrk = shutil.which("wrk") is not None and not args.python_client

    def load(
        ports: list[int], path: str, headers: dict[str, str], clients: int, seconds: float
    ) -> Result:
        # wrk's single connection stalls on every reconnect: one client is one Python thread.
        driver = load_wrk if use_wrk and clients > 1 else load_python
        return driver(ports, path, headers, clients, seconds)

    count, workers = (args.servers, args.workers) if args.layout == "prod" else (1, 2)
    rows: list[Result] = []
    worker_proc = None
    with servers(env, count=count, workers=workers) as ports:
        if args.layout == "prod":
            worker_proc = subprocess.Popen(
                [
                    PYTHON,
                    str(ROOT / "manage.py"),
                    "db_worker",
                    "--interval",
                    "1",
                    "--no-startup-delay",
                ],
                env=env,
                cwd=ROOT,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
            )
        try:
            for name, template, auth, _target in SCENARIOS:
                headers = token_headers if auth == "token" else session_headers
                status = check_status(ports[0], template.format(**ids), headers)
                if status != 200:
                    raise RuntimeError(f"{name}: {status}")
            floors: dict[int, Result] = {}
            for clients in (1, 20):
                # Warm both workers (imports, jieba's dictionary, the first connection).
                for _name, template, auth, _t in SCENARIOS:
                    headers = token_headers if auth == "token" else session_headers
                    load(ports, template.format(**ids), headers, 4, 1)
                settle(ports)
                floor = load(ports, "/api/v1/health", token_headers, clients, args.seconds)
                floor.scenario = "floor (GET /health)"
                floors[clients] = floor
                rows.append(floor)
                log(f"{db} floor ×{clients}: p95 {floor.p95_ms:.1f} ms, {floor.rps:.0f}/s")
                for name, template, auth, target in SCENARIOS:
                    headers = token_headers if auth == "token" else session_headers
                    settle(ports)
                    r = load(ports, template.format(**ids), headers, clients, args.seconds)
                    r.scenario = name
                    r.ratio = r.p95_ms / max(floor.p95_ms, 0.001)
                    r.target = target
                    r.ok = r.ratio <= target and r.errors == 0
                    rows.append(r)
                    log(f"{db} {name} ×{clients}: p95 {r.p95_ms:.1f} ms ({r.ratio:.1f}×)")
            month = date.fromisoformat(prepared["month"])
            settle(ports)
            # One compile first: the worker's first one also loads the segmenter's dictionary.
            briefing_compile(ports[0], prepared["hq_token"], month)
            times = [briefing_compile(ports[0], prepared["hq_token"], month) for _ in range(3)]
            settle(ports)
            compile_s = max(times)
            pairs = prepared["burst"]
            result_burst = burst(ports, pairs, args.burst_clients)
            found = djtool(env, "count", stdin=json.dumps(pairs))["found"]
            result_burst["lost"] = result_burst["created"] - found
            result_burst["ok"] = (
                result_burst["errors"] == 0
                and result_burst["lost"] == 0
                and len(pairs) == args.burst
            )
        finally:
            if worker_proc is not None:
                with _quiet():
                    os.killpg(worker_proc.pid, signal.SIGTERM)
                worker_proc.wait(timeout=20)
    cleaned = djtool(env, "cleanup")
    log(f"{db}: burst rows removed again: {cleaned['deleted']}")
    report = {
        "db": db,
        "layout": args.layout,
        "read_cache": not args.no_read_cache,
        "servers": count,
        "workers_per_server": workers,
        "scale": {"markets": args.markets, "years": args.years, "scale": args.scale},
        "rows": prepared["counts"],
        "client": "wrk (×20), python (×1)" if use_wrk else "python",
        "seconds_per_scenario": args.seconds,
        "results": [asdict(r) for r in rows],
        "briefing_compile": {
            "month": prepared["month"],
            "seconds": [round(t, 3) for t in times],
            "target_s": BRIEFING_TARGET_S,
            "ok": compile_s <= BRIEFING_TARGET_S,
        },
        "burst": result_burst,
    }
    return report


def print_table(report: dict[str, Any]) -> None:
    print(
        f"\n== {report['db']} ({report['layout']}"
        f"{'' if report.get('read_cache', True) else ', read copies off'}: "
        f"{report['servers']}×gunicorn "
        f"{report['workers_per_server']} workers; {report['rows']['activities']} activities; "
        f"client {report['client']}) =="
    )
    print(
        f"{'scenario':24} {'clients':>7} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} "
        f"{'ratio':>6} {'target':>6}  ok"
    )
    for r in report["results"]:
        ratio = f"{r['ratio']:.1f}" if r["ratio"] is not None else "1.0"
        target = f"≤{r['target']:g}" if r["target"] else ""
        ok = "" if r["ok"] is None else ("yes" if r["ok"] else "NO")
        print(
            f"{r['scenario']:24} {r['clients']:>7} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['rps']:>8.0f} {ratio:>6} {target:>6}  {ok}"
        )
    b = report["briefing_compile"]
    print(
        f"{'briefing compile (month)':24} {'1':>7} {'':>8} {max(b['seconds']) * 1000:>8.0f} "
        f"{'':>8} {'':>6} {'≤1 s':>6}  {'yes' if b['ok'] else 'NO'}"
    )
    u = report["burst"]
    print(
        f"burst: {u['clients']} clients, {u['posted']} reports in {u['seconds']} s "
        f"({u['reports_per_s']}/s, p95 {u['p95_ms']} ms): {u['errors']} errors "
        f"{u['error_statuses']}, {u['lost']} lost — {'ok' if u['ok'] else 'NOT OK'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--markets", type=int, default=30)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=5, help="per scenario and concurrency")
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--burst-clients", type=int, default=50)
    parser.add_argument("--layout", choices=["single", "prod"], default="single")
    parser.add_argument("--servers", type=int, default=2, help="gunicorn processes (prod layout)")
    parser.add_argument("--workers", type=int, default=2, help="workers per process (prod)")
    parser.add_argument("--pg-port", type=int, default=int(os.environ.get("BENCH_PG_PORT", 55447)))
    parser.add_argument("--python-client", action="store_true", help="ignore wrk")
    parser.add_argument(
        "--no-read-cache",
        action="store_true",
        help="turn the short read copies off (core.readcache, overview, search counts)",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="generate (or find) the databases, no run"
    )
    args = parser.parse_args()
    dbs = args.db or ["sqlite", "postgres"]
    if args.layout == "prod" and dbs != ["postgres"]:
        parser.error("--layout prod runs against PostgreSQL only (--db postgres)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = False
    for db in dbs:
        database = (
            sqlite_database(args) if db == "sqlite" else postgres_database(args, args.pg_port)
        )
        with database as url:
            if args.generate_only:
                continue
            report = run_one(db, url, args)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        suffix = ("-prod" if args.layout == "prod" else "") + (
            "-nocache" if args.no_read_cache else ""
        )
        out = RESULTS / f"{db}{suffix}-{stamp}.json"
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print_table(report)
        print(f"written: {out.relative_to(ROOT)}")
        failed |= not all(
            [r["ok"] is not False for r in report["results"]]
            + [report["briefing_compile"]["ok"], report["burst"]["ok"]]
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
