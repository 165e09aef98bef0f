from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import Field


class BriefingIn(Schema):
    period_start: date
    period_end: date
    title: str = ""


class MarketEntryPatch(Schema):
    market: str
    highlights: str | None = None
    competitors: str | None = None


class BriefingPatch(Schema):
    title: str | None = None
    intro: str | None = None
    markets: list[MarketEntryPatch] = Field(default_factory=list)


class MarketEntryOut(Schema):
    market: str
    name: str
    activities: list[dict[str, Any]]
    highlights: str
    competitors: str


class BriefingOut(Schema):
    id: int
    title: str
    intro: str
    status: str
    period_start: date
    period_end: date
    published_at: str | None
    markets: list[MarketEntryOut]
    read_by: list[str] | None = None


class BriefingListItem(Schema):
    id: int
    title: str
    status: str
    period_start: date
    period_end: date
    published_at: str | None
