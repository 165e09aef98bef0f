"""The permission matrix of the API, generated from `permission_matrix.API_ROWS`: one request
per (operation, role, scope) cell, each in its own rolled-back savepoint of the module's world.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from campaigndesk.core.tests.matrix_world import (
    DRAFT_BRIEFING_WORD,
    HA_WORD,
    MARKER,
    MARKET_ROLES,
    OTHER,
    OWN,
    ROLE_USERS,
    SN_WORD,
    World,
)
from campaigndesk.core.tests.permission_matrix import API_ROWS, Row, cell_id, cells, placeholders

pytestmark = pytest.mark.django_db

ERROR_CODES = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}
PUBLIC = {("GET", "/health"), ("POST", "/auth/token")}


@cache
def operations() -> frozenset[tuple[str, str]]:
    """(method, path) of every operation of the API, from its OpenAPI schema."""
    from campaigndesk.api import api

    schema = api.get_openapi_schema()
    return frozenset(
        (method.upper(), path.removeprefix("/api/v1"))
        for path, methods in schema["paths"].items()
        for method in methods
    )


def send(world: World, row: Row, role: str, scope: str) -> Any:
    values = placeholders(world, row, role, scope)
    url = "/api/v1" + row.path.format(**values)
    if row.query:
        url += "?" + urlencode({k: v.format(**values) for k, v in row.query.items()})
    body = row.body(world, values["market"], ROLE_USERS[role]) if callable(row.body) else row.body
    auth = f"Bearer {world.tokens[ROLE_USERS[role]]}"
    if row.multipart:
        from campaigndesk.attachments.samples import sample_image

        return Client().post(url, {**(body or {}), "file": sample_image()}, HTTP_AUTHORIZATION=auth)
    return Client().generic(
        row.method,
        url,
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )


def assert_cell(response: Any, row: Row, role: str, scope: str) -> None:
    expected = row.expected(role, scope)
    status = response.status_code
    if expected == "in":
        assert status < 500 and status not in (401, 403, 404), (status, response.content[:300])
    else:
        assert status == int(expected), (status, response.content[:300])
    if status in ERROR_CODES and response.get("Content-Type", "").startswith("application/json"):
        assert response.json()["error"]["code"] == ERROR_CODES[status]


def assert_no_leak(response: Any, row: Row, role: str) -> None:
    """A market's people never read another market's data (HA's titles and words)."""
    if role not in MARKET_ROLES or row.shared or response.status_code >= 300:
        return
    kind = response.get("Content-Type", "")
    if not (kind.startswith("application/json") or kind.startswith("text/")):
        return
    text = response.content.decode()
    assert MARKER not in text and HA_WORD not in text, text[:500]


@pytest.mark.parametrize("cell", cells(API_ROWS), ids=cell_id)
def test_api_cell(world: World, cell: tuple[Row, str, str]) -> None:
    row, role, scope = cell
    if (row.method, row.path) not in operations():
        assert row.pending, f"{row.op} is in the matrix but not in the API"
        pytest.skip(f"{row.op} is not built yet")
    if (
        "{attachment_id}" in row.path
        and (OWN if scope == "own" else OTHER) not in world.attachments
    ):
        pytest.skip("no attachment in the world")
    response = send(world, row, role, scope)
    assert_cell(response, row, role, scope)
    assert_no_leak(response, row, role)


@pytest.mark.parametrize("op", sorted({row.op for row in API_ROWS}))
def test_api_without_token_is_401(world: World, op: str) -> None:
    method, path = op.split(" ", 1)
    if (method, path) not in operations():
        pytest.skip(f"{op} is not built yet")
    if (method, path) in PUBLIC:
        return
    row = next(r for r in API_ROWS if r.op == op)
    url = "/api/v1" + path.format(**placeholders(world, row, "admin", "own"))
    response = Client().generic(method, url, data="{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_every_api_operation_has_its_row() -> None:
    """A new endpoint cannot come without its row in the matrix."""
    covered = {(row.method, row.path) for row in API_ROWS}
    missing = sorted(" ".join(op) for op in operations() - covered)
    assert not missing, f"add these operations to permission_matrix.API_ROWS: {missing}"
    stale = sorted(
        r.op for r in API_ROWS if not r.pending and (r.method, r.path) not in operations()
    )
    assert not stale, f"rows for operations the API does not have: {stale}"


# --- what the lists hold: the matrix checks who gets in, these what they then read ---------------


def get(world: World, username: str, path: str, **query: str) -> Any:
    response = Client().get(
        "/api/v1" + path, query, HTTP_AUTHORIZATION=f"Bearer {world.tokens[username]}"
    )
    assert response.status_code == 200, response.content[:300]
    return response.json()


SN_PEOPLE = ("sn_head", "sn_xa_head", "sn_staff1")


def test_search_finds_another_markets_words_for_hq_only(world: World) -> None:
    assert get(world, "hq_manager", "/search", q=HA_WORD)["count"] > 0
    assert get(world, "planning_reviewer", "/search", q=HA_WORD)["count"] > 0
    for username in SN_PEOPLE:
        assert get(world, username, "/search", q=HA_WORD)["count"] == 0, username
        assert get(world, username, "/search", q=SN_WORD)["count"] > 0, username


def test_search_finds_a_draft_briefing_for_hq_only(world: World) -> None:
    assert get(world, "hq_manager", "/search", q=DRAFT_BRIEFING_WORD)["count"] == 1
    for username in SN_PEOPLE:
        assert get(world, username, "/search", q=DRAFT_BRIEFING_WORD)["count"] == 0, username


def test_another_markets_activities_asked_by_filter_are_not_listed(world: World) -> None:
    assert get(world, "hq_manager", "/activities", market="HA")["count"] > 0
    for username in SN_PEOPLE:
        assert get(world, username, "/activities", market="HA") == {
            "items": [],
            "count": 0,
            "page": 1,
            "page_size": 20,
        }
        assert get(world, username, "/activities", market="SN")["count"] > 0
        assert get(world, username, "/competitors", market="HA") == []


def test_market_people_see_their_market_only(world: World) -> None:
    assert {m["code"] for m in get(world, "hq_manager", "/markets")} == {"SN", "HA", "SC"}
    for username in SN_PEOPLE:
        assert [m["code"] for m in get(world, username, "/markets")] == ["SN"]
        table = get(world, username, "/analytics/roi-by-market", market="HA")
        assert "河南" not in json.dumps(table, ensure_ascii=False), table
        assert get(world, username, "/reviews/mine") == []


def test_inbox_and_exports_are_their_owners(world: World) -> None:
    for username in ("hq_manager", "sn_head", "sn_staff1"):
        inbox = get(world, username, "/notifications")
        assert [n["id"] for n in inbox["items"]] == [world.notifications[username]]
    assert [j["id"] for j in get(world, "sn_head", "/exports")] == [world.jobs["SN"]]
    assert get(world, "hq_manager", "/exports") == []


def test_another_markets_lessons_reach_neither_our_inbox_nor_our_bot(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from campaigndesk.notifications.models import Delivery, Notification
    from campaigndesk.notifications.services import target_create

    sn_bot = target_create(
        by=world.people["hq_manager"],
        kind="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=sn",
        market="SN",
        notification_kinds=["lessons_sent"],
    )
    ha_activity = world.activity("evaluated", OTHER)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            f"/api/v1/activities/{ha_activity.pk}/lessons",
            json.dumps({"text": "引以为鉴", "items": ["早签到"]}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {world.tokens['hq_manager']}",
        )
    assert response.status_code == 201
    told = set(
        Notification.objects.filter(activity_id=ha_activity.pk).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"ha_head"}
    assert not Delivery.objects.filter(target=sn_bot).exists()
