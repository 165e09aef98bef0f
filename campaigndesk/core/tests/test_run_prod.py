"""`make run-prod`, the production layout (issue 11's scale-out), against the test PostgreSQL
database: two gunicorn processes on two ports and a task worker. Both serve the same
authenticated API; an export started through one is run by the worker (a task is a row in
the shared database) and its result read through the other."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from campaigndesk.org.models import ApiToken

ROOT = Path(settings.BASE_DIR)
HOST = "127.0.0.1"

pytestmark = pytest.mark.django_db(transaction=True)


def two_free_ports() -> int:
    """A port p with p + 1 free too (run-prod binds PORT, PORT + 1, …)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = int(s.getsockname()[1])
        try:
            with socket.socket() as s:
                s.bind((HOST, port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two free ports in a row")


def call(port: int, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=20)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    conn.request(method, f"/api/v1{path}", body=json.dumps(body) if body else None, headers=headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def wait_up(port: int, proc: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        assert proc.poll() is None, "make run-prod stopped early"
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"nothing answered on port {port}")


def test_two_app_processes_and_a_worker_share_one_database(demo: None, tmp_path: Path) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("run-prod is the PostgreSQL layout")
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or HOST}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"  # the test database, which this test's transactions commit to
    )
    _, token = ApiToken.issue(user=get_user_model().objects.get(username="sn_head"), days=1)
    port = two_free_ports()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "CAMPAIGNDESK_TESTING", "MAKEFLAGS", "MFLAGS")
    }
    env.update(
        DATABASE_URL=url,
        CAMPAIGNDESK_SECRET_KEY="run-prod-test-key-not-secret-0123456789abcdefghijkl",
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="WARNING",
    )
    proc = subprocess.Popen(
        # -o install: the environment is there; the test is about the layout.
        [
            "make",
            "-s",
            "-o",
            "install",
            "run-prod",
            "APP_PROCS=2",
            "WORKERS=1",
            "TASK_WORKERS=1",
            f"PORT={port}",
            f"BIND={HOST}",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        for p in (port, port + 1):
            wait_up(p, proc, deadline)

        # Both processes serve the same data to the same token.
        first, second = (
            call(port, "GET", "/activities", token),
            call(port + 1, "GET", "/activities", token),
        )
        assert first[0] == second[0] == 200
        assert first[1]["count"] == second[1]["count"] >= 1

        # A task queued by one process is run by the worker; the other sees it done.
        status, job = call(
            port,
            "POST",
            "/exports",
            token,
            {"date_from": date(2026, 1, 1).isoformat(), "date_to": date(2026, 12, 31).isoformat()},
        )
        assert status == 201, job
        assert job["status"] != "done"
        while time.monotonic() < deadline:
            status, seen = call(port + 1, "GET", f"/exports/{job['id']}", token)
            assert status == 200
            if seen["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert seen["status"] == "done", seen
        assert seen["download_url"]
        conn = http.client.HTTPConnection(HOST, port + 1, timeout=20)
        conn.request("GET", seen["download_url"], headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        assert response.status == 200
        assert response.read()[:2] == b"PK"  # the xlsx the worker wrote, read by the other app
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    # Stopped cleanly: nothing of the layout is left listening.
    for p in (port, port + 1):
        with socket.socket() as s:
            assert s.connect_ex((HOST, p)) != 0, f"port {p} still served"
