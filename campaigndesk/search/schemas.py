from __future__ import annotations

from ninja import Schema
from pydantic import Field

from campaigndesk.search.models import DocumentType

MAX_QUERY_CHARS = 200


class SearchFilters(Schema):
    q: str = Field(
        "",
        max_length=MAX_QUERY_CHARS,
        description="the words to find, Chinese with or without spaces, or English",
    )
    page: int = Field(1, ge=1, le=100_000)


class SearchHitOut(Schema):
    type: str = Field(description=" | ".join(DocumentType.values))
    id: int = Field(description="the id of the object of that type")
    activity_id: int | None = Field(description="the activity it belongs to; null for a briefing")
    title: str
    snippet: str = Field(
        description="HTML: up to 160 characters around the first match, matches in <mark>, "
        "the rest escaped"
    )


class SearchPage(Schema):
    items: list[SearchHitOut]
    count: int
    page: int
    page_size: int
