"""The permission matrix's world, built once per module (see `matrix_world`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from campaigndesk.core.tests.matrix_world import World, world_fixture


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    yield from world_fixture(django_db_setup, django_db_blocker, tmp_path_factory.mktemp("media"))
