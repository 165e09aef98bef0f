"""Fixtures of the finance tests: a temporary media folder (archives are files), logged-in page
clients, and a helper that gives a market its budget through the real service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from campaigndesk.finance.models import MarketBudget
from campaigndesk.finance.services import market_budget_set

YEAR = 2025  # a past year: activities are entered late through lead-time exceptions


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def login(client, user):  # type: ignore[no-untyped-def]
    def as_(username: str):  # type: ignore[no-untyped-def]
        client.force_login(user(username))
        return client

    return as_


def set_budget(
    market: str = "SN",
    *,
    year: int = YEAR,
    total: str = "100000.00",
    caps: list[dict[str, Any]] | None = None,
    quarters: list[str] | None = None,
) -> MarketBudget:
    finance = get_user_model().objects.get(username="finance_reviewer")
    return market_budget_set(
        market_code=market, by=finance, year=year, total=total, caps=caps or [], quarters=quarters
    )
