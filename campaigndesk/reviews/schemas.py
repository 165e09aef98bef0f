from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class ReviewOpenIn(Schema):
    meeting_at: datetime = Field(description="ISO 8601; without an offset, Asia/Shanghai")
    departments: list[str] = Field(
        default_factory=list, description="department codes; empty: the default ones"
    )


class OpinionItemIn(Schema):
    section: str = Field(description="a section key of the activity's template, or `general`")
    comment: str
    required_change: bool = False


class OpinionIn(Schema):
    department: str
    items: list[OpinionItemIn] = Field(default_factory=list)


class OpinionItemOut(Schema):
    id: int
    section: str
    comment: str
    required_change: bool
    response: str


class OpinionOut(Schema):
    id: int
    round: int
    department: str
    given_by: str
    on_behalf_of: str | None
    given_at: str
    items: list[OpinionItemOut]


class ReturnIn(Schema):
    summary: str = ""


class RoundOut(Schema):
    round: int
    version: int
    meeting_at: str
    opened_by: str
    departments: list[str]
    given: list[str]
    owed: list[str]
    summary: str
    returned_at: str | None


class MyReviewOut(Schema):
    activity_id: int
    title: str
    market: str
    status: str
    round: int
    meeting_at: str
    department: str
    opinion_id: int | None
    owed: bool
