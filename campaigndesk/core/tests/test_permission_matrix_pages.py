"""The permission matrix of the pages, generated from `permission_matrix.PAGE_ROWS`: one request
per (URL pattern, role, scope) cell, logged in as the role's demo user, each in its own
rolled-back savepoint of the module's world."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from campaigndesk.core.tests.matrix_world import MARKER, MARKET_ROLES, ROLE_USERS, World
from campaigndesk.core.tests.permission_matrix import PAGE_ROWS, Row, cell_id, cells, placeholders

pytestmark = pytest.mark.django_db

# Django's own admin, the language switch and the API (its own matrix) are not pages of ours.
SKIPPED_PREFIXES = ("admin/", "i18n/", "api/", "static/", "media/")


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(_walk(pattern, route, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            found[namespace + pattern.name] = list(converters)
    return found


@cache
def named_pages() -> dict[str, list[str]]:
    """Every named URL pattern of the site (outside admin, i18n, static and the API) with the
    names of its parameters."""
    return _walk(get_resolver(), "", "")


def page_url(world: World, row: Row, role: str, scope: str) -> str:
    values = placeholders(world, row, role, scope)
    url = reverse(row.path, kwargs={name: values[name] for name in named_pages()[row.path]})
    if row.query:
        url += "?" + urlencode({k: v.format(**values) for k, v in row.query.items()})
    return url


def send(world: World, row: Row, role: str, scope: str) -> Any:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[ROLE_USERS[role]]
    url = page_url(world, row, role, scope)
    if row.method == "GET":
        return client.get(url)
    market = placeholders(world, row, role, scope)["market"]
    body = row.body(world, market, ROLE_USERS[role]) if callable(row.body) else row.body
    data = dict(body or {})
    if row.multipart:
        from campaigndesk.attachments.samples import sample_image

        data["file"] = sample_image()
    return client.post(url, data)


def assert_cell(response: Any, row: Row, role: str, scope: str) -> None:
    expected = row.expected(role, scope)
    status = response.status_code
    if expected == "ok":
        assert status in (200, 302), (status, response.content[:300])
        if status == 302:
            assert not response["Location"].startswith(resolve_url(settings.LOGIN_URL)), response[
                "Location"
            ]
    else:
        assert status == int(expected), (status, response.content[:300])


def assert_no_leak(response: Any, row: Row, role: str) -> None:
    """A page shown to a market's people holds nothing of another market (HA's titles)."""
    if role not in MARKET_ROLES or row.shared or response.status_code != 200:
        return
    if not response.get("Content-Type", "").startswith("text/"):
        return
    assert MARKER not in response.content.decode()


@pytest.mark.parametrize("cell", cells(PAGE_ROWS), ids=cell_id)
def test_page_cell(world: World, cell: tuple[Row, str, str]) -> None:
    row, role, scope = cell
    if row.path not in named_pages():
        assert row.pending, f"{row.path} is in the matrix but not among the pages"
        pytest.skip(f"{row.path} is not built yet")
    response = send(world, row, role, scope)
    assert_cell(response, row, role, scope)
    assert_no_leak(response, row, role)


@pytest.mark.parametrize("name", sorted({row.path for row in PAGE_ROWS} - {"login", "home"}))
def test_page_without_login_goes_to_login(world: World, name: str) -> None:
    if name not in named_pages():
        pytest.skip(f"{name} is not built yet")
    row = next(r for r in PAGE_ROWS if r.path == name)
    response = Client().generic(row.method, page_url(world, row, "admin", "own"))
    if name == "logout":
        assert response.status_code == 302
        return
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_every_page_has_its_row() -> None:
    """A new page cannot come without its row in the matrix."""
    covered = {row.path for row in PAGE_ROWS}
    missing = sorted(set(named_pages()) - covered)
    assert not missing, f"add these pages to permission_matrix.PAGE_ROWS: {missing}"
    stale = sorted(r.path for r in PAGE_ROWS if not r.pending and r.path not in named_pages())
    assert not stale, f"rows for pages the site does not have: {stale}"


def test_who_may_not_start_on_site_is_refused_before_the_materials_reminder(world: World) -> None:
    """An office head's click used to be answered with "materials not yet received"."""
    row = next(r for r in PAGE_ROWS if r.path == "preparation:start_onsite")
    for role in ("office_head", "logistics", "support_off"):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[ROLE_USERS[role]]
        assert client.post(page_url(world, row, role, "own")).status_code == 403, role
