"""Shapes of the finance endpoints. Money in and out as 2-decimal strings."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema
from pydantic import Field


class CapIn(Schema):
    category: str
    soft: Decimal | None = Field(None, description="over it, finance must sign off (null: none)")
    hard: Decimal | None = Field(None, description="over it, approval is refused (null: none)")


class BudgetIn(Schema):
    year: int
    total: Decimal
    caps: list[CapIn] = Field(default_factory=list, description="replaces the year's caps")
    quarters: list[Decimal | None] | None = Field(
        None,
        description="four amounts adding up to at most `total`, or null: when set, the "
        "remaining check also applies to the quarter of the activity's start date",
    )


class CapOut(Schema):
    category: str
    soft: str | None
    hard: str | None


class CategoryOut(Schema):
    category: str
    planned: str
    committed: str
    actual: str


class QuarterOut(Schema):
    quarter: int
    total: str | None
    planned: str
    committed: str
    actual: str
    remaining: str | None


class CountedOut(Schema):
    activity_id: int
    title: str
    status: str
    start_date: str
    column: str = Field(description="planned | committed | actual")
    amount: str


class BudgetOut(Schema):
    market: str
    year: int
    total: str | None = Field(description="null: no budget for the year, not capped")
    planned: str
    committed: str
    actual: str
    remaining: str | None = Field(description="total − committed − actual")
    remaining_after_pending: str | None = Field(description="remaining − planned")
    caps: list[CapOut]
    quarters: list[QuarterOut] | None = Field(description="null when no quarters are set")
    by_category: list[CategoryOut]
    activities: list[CountedOut]


class SignoffIn(Schema):
    reason: str = ""


class SignoffOut(Schema):
    id: int
    activity_id: int
    signed_by: str
    on_behalf_of: str | None
    reason: str
    budget_total: str
    by_category: dict[str, str]
    created_at: str | None
