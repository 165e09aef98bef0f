"""schemathesis over the whole /api/v1/openapi.json: every operation, called as every kind of role
(and anonymously) with generated valid and invalid input — real ids mixed into its path, query
and body part of the time, long texts now and then — answers without a 5xx and within its
documented responses (status, content type, headers, body schema). `make test` runs a bounded
deterministic pass (FUZZ_EXAMPLES=12 per operation); `make fuzz` a longer one (200)."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from campaigndesk.core.api_errors import document_errors, possible_errors
from campaigndesk.core.tests import fuzzing

schema = fuzzing.load_schema()

# Lets pytest-django set up the test database; each test then runs in a savepoint of the
# module's transaction (the `world` below), and each example in one of its own.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(
    request: Any,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[fuzzing.World]:
    """Seeded once for the module; every write of the module is rolled back at its end, and
    uploaded files land in a temporary directory."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("fuzz-media")))
    with media, django_db_blocker.unblock(), fuzzing.in_process_requests() as crashes:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = fuzzing.build_world()
            world.crashes = crashes
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nAPI fuzzing: {world.statuses.total()} calls (up to {fuzzing.MAX_EXAMPLES} "
                f"per operation, as {len(fuzzing.ROLES)} callers, real ids of "
                f"{', '.join(f'{name} ×{len(v)}' for name, v in sorted(world.ids.items()))}); "
                "by status: "
                + ", ".join(f"{status} ×{n}" for status, n in sorted(world.statuses.items()))
            )


@schema.parametrize()
@schema.given(data=st.data())
@settings(
    max_examples=fuzzing.MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
def test_api_answers_within_its_schema(case: Any, data: Any, world: fuzzing.World) -> None:
    role = data.draw(st.sampled_from(fuzzing.ROLES), label="role")
    body = fuzzing.stretch_text(case.body, data)
    if body is not case.body:
        case.body = body
    for place in (case.path_parameters, case.query, case.body):
        fuzzing.mix_in_real_ids(place, world, data)
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role else {}
    del world.crashes[:]
    with fuzzing.rolled_back():
        response = case.call(headers=headers)
    world.statuses[response.status_code] += 1
    assert not world.crashes, f"{case.method} {case.formatted_path} as {role}: " + "".join(
        traceback.format_exception(world.crashes[0])
    )
    case.validate_response(response, checks=fuzzing.CHECKS, headers=headers)


def test_the_served_document_is_valid_openapi_3_1() -> None:
    assert schema.raw_schema["openapi"].startswith("3.1")
    schema.validate()  # raises on any violation of the OpenAPI 3.1 meta-schema


def test_every_operation_documents_its_error_responses_with_the_error_body() -> None:
    operations = [
        (path, method, operation)
        for path, item in schema.raw_schema["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 80
    for path, method, operation in operations:
        responses = operation["responses"]
        expected = {str(s) for s in possible_errors(path, method, operation)}
        assert expected <= set(responses), f"{method.upper()} {path}: {sorted(responses)}"
        if operation.get("security"):
            assert "401" in responses, f"{method.upper()} {path}"
        if "{" in path:
            assert "404" in responses, f"{method.upper()} {path}"
        for status, response in responses.items():
            if status.startswith("4"):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorOut", f"{method.upper()} {path} {status}"


def test_what_a_router_declares_is_kept_and_only_possible_errors_are_added() -> None:
    declared = {"description": "Wrong password", "content": {}}
    document: dict[str, Any] = {
        "paths": {
            "/token": {"post": {"requestBody": {}, "responses": {200: {}, 401: declared}}},
            "/health": {"get": {"responses": {200: {}}}},
            "/session": {"delete": {"security": [{"BearerToken": []}], "responses": {204: {}}}},
            "/things/{thing_id}": {
                "get": {"parameters": [{}], "security": [{"BearerToken": []}], "responses": {}},
                "delete": {"parameters": [{}], "security": [{"BearerToken": []}], "responses": {}},
            },
        }
    }
    document_errors(document)
    paths = document["paths"]
    assert paths["/token"]["post"]["responses"][401] is declared
    assert set(paths["/token"]["post"]["responses"]) == {200, 400, 401, 422}
    assert set(paths["/health"]["get"]["responses"]) == {200}
    assert set(paths["/session"]["delete"]["responses"]) == {204, 401}
    assert set(paths["/things/{thing_id}"]["get"]["responses"]) == {400, 401, 404, 422}
    assert set(paths["/things/{thing_id}"]["delete"]["responses"]) == {400, 401, 403, 404, 409, 422}
    assert "ErrorOut" in document["components"]["schemas"]
    assert "ErrorBody" in document["components"]["schemas"]


def test_the_docs_page_still_renders(client: Any) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
