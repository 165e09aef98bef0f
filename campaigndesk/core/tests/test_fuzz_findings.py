"""Regressions of what the API fuzzer (test_fuzz_api.py) found, each pinned by a plain request."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from campaigndesk.activities.models import Activity

pytestmark = pytest.mark.django_db


def _client(api: Any, username: str) -> Client:
    """A client that answers a crash with its 500 response instead of raising it."""
    return Client(raise_request_exception=False, **api(username).headers)


def _refused_fields(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    return error["details"]["fields"]  # type: ignore[no-any-return]


# PostgreSQL refuses text with a NUL character (psycopg DataError, so a 500) where SQLite stores
# it; the fuzzer's strings held one. Now every database answers 422 naming the field.
def test_a_nul_character_in_a_query_parameter_is_refused_with_the_field(api: Any) -> None:
    response = _client(api, "sn_head").get("/api/v1/activities", {"market": "S\x00N"})
    assert set(_refused_fields(response)) == {"market"}


def test_a_nul_character_in_a_body_field_is_refused_and_nothing_is_written(api: Any) -> None:
    before = Activity.objects.count()
    body = {
        "title": "社区\x00义诊",
        "venue": "会展中心",
        "start_date": "2030-01-01",
        "end_date": "2030-01-02",
        "sections": {"background": "背景\x00"},
        "budget": [{"category": "venue", "item": "场\x00地", "amount": "100.00"}],
    }
    response = _client(api, "sn_head").post(
        "/api/v1/activities", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    fields = _refused_fields(response)
    assert set(fields) == {"title", "sections.background", "budget.0.item"}
    assert fields["title"] == "Text may not contain NUL characters."
    assert Activity.objects.count() == before


def test_a_nul_character_at_login_is_refused_not_a_crash(api: Any) -> None:
    response = Client(raise_request_exception=False).post(
        "/api/v1/auth/token",
        {"username": "sn_head\x00", "password": "campaign-demo"},
        content_type="application/json",
    )
    assert set(_refused_fields(response)) == {"username"}


def test_a_nul_character_in_a_path_parameter_is_refused(api: Any) -> None:
    response = _client(api, "hq_manager").get("/api/v1/markets/S%00N/budget")
    assert set(_refused_fields(response)) == {"code"}


def test_text_that_merely_spells_the_escape_is_accepted(api: Any) -> None:
    response = _client(api, "sn_head").get("/api/v1/activities", {"market": "\\u0000"})
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0


def test_without_a_token_a_nul_character_is_still_401() -> None:
    response = Client().get("/api/v1/activities", {"market": "S\x00N"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
