"""Shared fixtures: the contract's demo organisation, and an API client per user."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from campaigndesk.core.demo import seed_demo

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told that this is safe (it is: the loop is idle while the test queries).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium: tests never download a browser."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Pages in Chinese, in Beijing time, as our users see them."""
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def demo(db: None) -> None:
    """The demo organisation, template and one sample draft per market."""
    seed_demo(walkthrough=False)


@pytest.fixture
def user(demo: None):  # type: ignore[no-untyped-def]
    """`user("sn_head")` → that demo user."""
    User = get_user_model()

    def get(username: str):  # type: ignore[no-untyped-def]
        return User.objects.select_related("profile").get(username=username)

    return get


class ApiClient:
    """A JSON client for /api/v1 holding one user's bearer token."""

    def __init__(self, token: str | None = None, language: str | None = None) -> None:
        self.client = Client()
        self.headers: dict[str, Any] = {}
        if token:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if language:
            self.headers["HTTP_ACCEPT_LANGUAGE"] = language

    def _send(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return getattr(self.client, method)(
            f"/api/v1{path}", data=data, content_type="application/json", **self.headers
        )

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, **self.headers)

    def post(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self._send("post", path, body, raw)

    def patch(self, path: str, body: Any = None, raw: str | None = None) -> Any:
        return self._send("patch", path, body, raw)

    def put(self, path: str, body: Any = None) -> Any:
        return self._send("put", path, body)

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", **self.headers)


@pytest.fixture
def api(demo: None):  # type: ignore[no-untyped-def]
    """`api("sn_head")` → an ApiClient logged in through POST /auth/token; `api()` anonymous."""

    def make(username: str | None = None, language: str | None = None) -> ApiClient:
        if username is None:
            return ApiClient(language=language)
        response = ApiClient().post(
            "/auth/token", {"username": username, "password": "campaign-demo"}
        )
        assert response.status_code == 200, response.content
        return ApiClient(response.json()["token"], language=language)

    return make


def approved_activity(*, head: str = "sn_head", title: str = "已批准的活动", days: int = 30) -> Any:
    """An activity walked through stage 1 by the real services, approved."""
    from datetime import timedelta

    from django.utils import timezone

    from campaigndesk.activities.services import (
        activity_create,
        activity_decide,
        activity_resubmit,
        activity_submit,
    )
    from campaigndesk.core.demo import _full_sections
    from campaigndesk.reviews.services import opinion_give, review_open, review_return

    User = get_user_model()
    people = {u.username: u for u in User.objects.all()}
    start = timezone.localdate() + timedelta(days=days)
    activity = activity_create(
        by=people[head],
        data={
            "title": title,
            "venue": "会展中心",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "sections": _full_sections(title),
            "budget": [{"category": "venue", "item": "场地", "amount": "1000.00"}],
        },
    )
    activity_submit(activity_id=activity.pk, by=people[head])
    review_open(
        activity_id=activity.pk,
        by=people["hq_manager"],
        meeting_at=timezone.now(),
        departments=["planning"],
    )
    opinion_give(
        activity_id=activity.pk, by=people["planning_reviewer"], department="planning", items=[]
    )
    review_return(activity_id=activity.pk, by=people["hq_manager"], summary="同意")
    activity_resubmit(
        activity_id=activity.pk,
        by=people[head],
        changes={},
        staffing=[{"name": "张三", "role": "总指挥", "duty": "统筹"}],
        responses=[],
    )
    return activity_decide(activity_id=activity.pk, by=people["hq_manager"], decision="approve")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the files this run stored (attachments, archives, exports) unless MEDIA_ROOT was
    given from outside."""
    import shutil

    from django.conf import settings

    media = settings.MEDIA_ROOT
    if "MEDIA_ROOT" not in os.environ and str(media).endswith(f"test-media-{os.getpid()}"):
        shutil.rmtree(media, ignore_errors=True)
