"""Every write endpoint of the API leaves an audit row naming its actor.

The write operations are read from the OpenAPI schema, so a new one is caught; the request for
each is its row of the permission matrix, sent by the first role that row lets through. A few
need their activity one step further along first (`PREPARE`); a write that finds nothing to do
(ending a delegation that does not exist) is given something to do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigndesk.core.models import AuditEntry
from campaigndesk.core.tests.matrix_world import OWN, ROLE_USERS, World
from campaigndesk.core.tests.permission_matrix import API_ROWS, PAGE_ROWS, Row
from campaigndesk.core.tests.test_permission_matrix_api import operations, send
from campaigndesk.core.tests.test_permission_matrix_pages import named_pages
from campaigndesk.core.tests.test_permission_matrix_pages import send as send_page
from campaigndesk.evaluation.tests.builders import ALL_TOPICS, at
from campaigndesk.onsite import services as onsite
from campaigndesk.org.services import delegation_set
from campaigndesk.preparation import services as prep
from campaigndesk.reviews import services as review_services

pytestmark = pytest.mark.django_db

WRITES = ("POST", "PUT", "PATCH", "DELETE")
DONE = ("200", "201", "204")


def _opinions_given(world: World) -> None:
    activity = world.activity("in_review", OWN)
    for department in ("planning", "marketing", "logistics", "finance"):
        review_services.opinion_give(
            activity_id=activity.pk,
            by=world.people[f"{department}_reviewer"],
            department=department,
            items=[],
        )


def _team_published(world: World) -> None:
    prep.support_team_publish(
        activity_id=world.activity("approved", OWN).pk, by=world.people["hq_manager"]
    )


def _ready_to_wrap_up(world: World) -> None:
    activity, head = world.activity("on_site", OWN), world.people["sn_head"]
    for kind, topics in (("briefing", []), ("training", ALL_TOPICS), ("mobilization", [])):
        onsite.meeting_record(
            activity_id=activity.pk,
            by=head,
            kind=kind,
            held_at=at(activity.start_date, 8),
            topics=topics,
        )
    onsite.summary_write(activity_id=activity.pk, by=head, kind="activity", text="总结")


def _delegating(world: World) -> None:
    delegation_set(
        by=world.people["finance_reviewer"],
        delegate_username="finance_reviewer2",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + timedelta(days=3),
    )


# op → (what to do first, the role that then succeeds, its status)
PREPARE: dict[str, tuple[Callable[[World], None], str, str]] = {
    "POST /activities/{activity_id}/return": (_opinions_given, "hq_manager", "200"),
    "POST /activities/{activity_id}/start-onsite": (_team_published, "hq_manager", "200"),
    "POST /activities/{activity_id}/wrap-up": (_ready_to_wrap_up, "market_head", "200"),
    "DELETE /me/delegation": (_delegating, "finance", "204"),
}


def write_case(op: str) -> tuple[Row, str, str]:
    """The matrix row of `op` and the first role it lets through, with the status expected."""
    rows = sorted((r for r in API_ROWS if r.op == op), key=lambda r: r.variant != "")
    if op in PREPARE:
        _, role, status = PREPARE[op]
        return rows[0], role, status
    for row in rows:
        for role in ROLE_USERS:
            code = row.expected(role, "own")
            if code in DONE or code == "in":
                return row, role, code
    raise AssertionError(f"no role succeeds at {op} in the matrix: give it a PREPARE step")


def write_operations() -> list[str]:
    return sorted(f"{method} {path}" for method, path in operations() if method in WRITES)


@pytest.mark.parametrize("op", write_operations())
def test_write_leaves_an_audit_row_naming_the_actor(world: World, op: str) -> None:
    row, role, status = write_case(op)
    if op in PREPARE:
        PREPARE[op][0](world)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = send(world, row, role, "own")
    if status == "in":
        assert 200 <= response.status_code < 300, response.content[:300]
    else:
        assert response.status_code == int(status), response.content[:300]
    actor = world.people[ROLE_USERS[role]]
    written = AuditEntry.objects.filter(pk__gt=last)
    assert written.filter(actor=actor).exists(), (
        f"{op} by {actor.username} wrote no audit row naming them "
        f"(rows: {list(written.values_list('action', 'actor__username'))})"
    )


# --- pages: their POSTs call the same services, so they leave the same rows -----------------------
# Not writes of ours: Django's log-out, and the support team's conflict check (a dry run).
PAGE_NOT_WRITES = {"logout", "preparation:team_check"}
PAGE_PREPARE: dict[str, tuple[Callable[[World], None], str]] = {
    "reviews:return": (_opinions_given, "hq_manager"),
    "preparation:start_onsite": (_team_published, "hq_manager"),
    "onsite:wrap_up": (_ready_to_wrap_up, "market_head"),
}


def page_posts() -> list[str]:
    return sorted(
        {r.path for r in PAGE_ROWS if r.method == "POST" and r.path in named_pages()}
        - PAGE_NOT_WRITES
    )


@pytest.mark.parametrize("name", page_posts())
def test_page_post_leaves_an_audit_row_naming_the_actor(world: World, name: str) -> None:
    row = next(r for r in PAGE_ROWS if r.path == name)
    if name in PAGE_PREPARE:
        PAGE_PREPARE[name][0](world)
        role = PAGE_PREPARE[name][1]
    else:
        role = next(r for r in ROLE_USERS if row.expected(r, "own") == "ok")
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = send_page(world, row, role, "own")
    assert response.status_code in (200, 302), response.status_code
    actor = world.people[ROLE_USERS[role]]
    written = AuditEntry.objects.filter(pk__gt=last)
    assert written.filter(actor=actor).exists(), (
        f"{name} by {actor.username} wrote no audit row naming them "
        f"(rows: {list(written.values_list('action', 'actor__username'))})"
    )
