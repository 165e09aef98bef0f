"""schemathesis over the whole /api/v1/openapi.json: every operation, called as every kind of role
(and anonymously) with generated valid and invalid input, real ids mixed into the path part of
the time, answers without a 5xx and within its documented responses (status, content type,
headers, body schema). `make test` runs a bounded deterministic pass; `make fuzz` a longer one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from campaigndesk.core.tests import fuzzing

schema = fuzzing.load_schema()

# Lets pytest-django set up the test database; each test then runs in a savepoint of the
# module's transaction (the `world` below), and each example in one of its own.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[fuzzing.World]:
    """Seeded once for the module; every write of the module is rolled back at its end."""
    with django_db_blocker.unblock(), fuzzing.in_process_requests() as crashes:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = fuzzing.build_world()
            world.crashes = crashes
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


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
    for name in list(case.path_parameters or {}):
        real = world.ids.get(name)
        if real and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(real), label=name)
    headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role else {}
    del world.crashes[:]
    with fuzzing.rolled_back():
        response = case.call(headers=headers)
    assert not world.crashes, f"{role}: {world.crashes[0]!r}"
    case.validate_response(response, checks=fuzzing.CHECKS, headers=headers)
