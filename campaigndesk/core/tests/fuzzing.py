"""What the API fuzz test (test_fuzz_api.py) runs on: the served OpenAPI document, a demo world
seeded once per module inside a transaction that is rolled back at the end, a bearer token per
role, and the real ids that path parameters are filled with part of the time (so the fuzzer
gets past 404s into the handlers)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import schemathesis
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from campaigndesk.org.models import ApiToken

# Who calls: every kind of role of the demo organisation, and nobody (no token → 401).
ROLES: tuple[str | None, ...] = (
    "hq_manager",
    "finance_reviewer",
    "marketing_reviewer",
    "expert_zhang",  # a support member
    "sn_head",
    "sn_xa_head",  # an office head
    "sn_staff1",
    "ha_head",
    "admin",
    None,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# `make test` runs a bounded, deterministic pass; `make fuzz` raises it (FUZZ_EXAMPLES=200).
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))

# Path parameter → how to list real values. Models of apps that are not installed are skipped, so
# endpoints added later get real ids as soon as their parameter name is listed here.
ID_SOURCES: dict[str, tuple[str, str]] = {
    "activity_id": ("activities.Activity", "pk"),
    "playbook_id": ("activities.Playbook", "pk"),
    "version": ("activities.ActivityVersion", "version"),
    "briefing_id": ("briefings.Briefing", "pk"),
    "notification_id": ("notifications.Notification", "pk"),
    "target_id": ("notifications.NotificationTarget", "pk"),
    "material_id": ("preparation.Material", "pk"),
    "report_id": ("onsite.DailyReport", "pk"),
    "summary_id": ("onsite.Summary", "pk"),
    "meeting_id": ("onsite.Meeting", "pk"),
    "job_id": ("exports.ExportJob", "pk"),
    "attachment_id": ("attachments.Attachment", "pk"),
    "budget_id": ("finance.MarketBudget", "pk"),
    "code": ("org.Market", "code"),
    "market": ("org.Market", "code"),
    "username": ("auth.User", "username"),
    "delegate": ("auth.User", "username"),
    "lead": ("auth.User", "username"),
}


def stretch_text(body: Any, data: Any) -> Any:
    """A fifth of the time, every text of a JSON body made long (300 or 3000 characters): the
    generator seldom writes long text, and PostgreSQL, unlike SQLite, refuses text longer than
    its column."""
    length = data.draw(st.sampled_from([0, 0, 0, 0, 0, 0, 0, 0, 300, 3000]), label="text length")
    if not length:
        return body

    def stretched(value: Any) -> Any:
        if isinstance(value, str):
            return "长" * length
        if isinstance(value, dict):
            return {key: stretched(item) for key, item in value.items()}
        if isinstance(value, list):
            return [stretched(item) for item in value]
        return value

    return stretched(body) if isinstance(body, dict | list) else body


def load_schema() -> Any:
    """The document served at /api/v1/openapi.json, fetched through the WSGI app as a client
    would (schemathesis validates it as OpenAPI 3.1 while loading)."""
    from campaigndesk.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@dataclass
class World:
    tokens: dict[str, str]
    ids: dict[str, list[Any]] = field(default_factory=dict)
    crashes: list[BaseException] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


def mix_in_real_ids(place: Any, world: World, data: Any) -> None:
    """Half the time, a parameter or body field named like a known kind of object gets the id
    of a real one (the fuzzer's own numbers mostly hit 404)."""
    if not isinstance(place, dict):
        return
    for name in list(place):
        real = world.ids.get(name)
        if real and data.draw(st.booleans(), label=f"real {name}"):
            place[name] = data.draw(st.sampled_from(real), label=name)


def _values(label: str, attribute: str) -> list[Any]:
    try:
        model = apps.get_model(label)
    except LookupError:
        return []
    values = model._default_manager.order_by("pk").values_list(attribute, flat=True)
    return list(dict.fromkeys(values))[:40]


def build_world() -> World:
    """The seeded world and its real ids. The module's transaction never commits, so what the
    services defer to the commit (the notifications of every step) runs at the seed's end."""
    from campaigndesk.activities.models import Activity
    from campaigndesk.notifications.models import Notification

    with TestCase.captureOnCommitCallbacks(execute=True):
        tokens = _seed()
    ids = {name: _values(*source) for name, source in ID_SOURCES.items()}
    # One activity of each market in each status it reached (SN, HA, SC; draft … archived).
    first: dict[tuple[str, str], int] = {}
    rows = Activity.objects.order_by("pk").values_list("market__code", "status", "pk")
    for code, status, pk in rows:
        first.setdefault((code, status), pk)
    ids["activity_id"] = sorted(first.values())
    # Each caller's first notification (the others' are 404 to it).
    inbox = Notification.objects.order_by("pk").values_list("recipient__username", "pk")
    ids["notification_id"] = sorted(dict(reversed(list(inbox))).values())
    return World(tokens=tokens, ids={name: values for name, values in ids.items() if values})


def _seed() -> dict[str, str]:
    """The demo organisation with its history (activities in every status of every market),
    a draft and a published briefing, a playbook, an export job, a group bot, and one token
    per role."""
    from campaigndesk.activities.models import Activity
    from campaigndesk.activities.playbooks import playbook_create
    from campaigndesk.briefings import services as briefings
    from campaigndesk.core.demo import seed_demo
    from campaigndesk.exports.services import export_job_start
    from campaigndesk.notifications.services import target_create

    seed_demo(walkthrough=True)
    people = {u.username: u for u in get_user_model().objects.all()}
    manager = people["hq_manager"]
    today = timezone.localdate()
    year_ago = today - timedelta(days=400)
    published = briefings.briefing_compile(by=manager, period_start=year_ago, period_end=today)
    briefings.briefing_publish(briefing_id=published.pk, by=manager)
    briefings.briefing_compile(
        by=manager, period_start=today - timedelta(days=30), period_end=today
    )
    archived = Activity.objects.filter(status="archived").order_by("pk").first()
    if archived is not None:
        playbook_create(by=manager, activity_id=archived.pk, title="模板")
    export_job_start(by=manager, date_from=year_ago, date_to=today)
    target_create(
        by=manager,
        kind="wecom",
        url="https://example.com/hook",
        market="SN",
        notification_kinds=["decision"],
    )
    for head in ("sn_head", "ha_head"):
        _attach_photo(people[head])
    return {role: ApiToken.issue(user=people[role], days=1)[1] for role in ROLES if role}


def _attach_photo(head: Any) -> None:
    """A photo on the latest activity of the head's market that is on site or later."""
    from campaigndesk.activities.models import Activity
    from campaigndesk.attachments.samples import sample_image
    from campaigndesk.attachments.services import attachment_upload
    from campaigndesk.core.errors import DomainError

    for activity in Activity.objects.filter(
        market=head.profile.market, status__in=["on_site", "wrapped_up", "evaluated"]
    ).order_by("-pk")[:3]:
        try:
            attachment_upload(
                activity_id=activity.pk, by=head, file=sample_image(), name="现场.jpg", kind="photo"
            )
            return
        except DomainError:
            continue


@contextmanager
def in_process_requests() -> Iterator[list[BaseException]]:
    """Requests sent straight to the WSGI app keep the test's connection (and its transaction),
    as Django's test client does; the exceptions behind 500s are collected for the report."""
    crashes: list[BaseException] = []

    def record(sender: Any, request: Any = None, **kwargs: Any) -> None:
        exc = sys.exc_info()[1]
        if exc is not None:
            crashes.append(exc)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(record)
    try:
        yield crashes
    finally:
        got_request_exception.disconnect(record)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the block writes is undone at its end."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
