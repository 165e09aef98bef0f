from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class MemberIn(Schema):
    username: str
    role: str = Field(description="expert, planner or support")
    duty: str
    depart_at: datetime = Field(description="ISO 8601; without an offset, Asia/Shanghai")
    return_at: datetime


class TeamIn(Schema):
    name: str = Field("", description='default: "<activity title> support team"')
    lead: str = Field(description="username of a member")
    members: list[MemberIn]


class MemberOut(Schema):
    username: str
    display_name: str
    role: str
    duty: str
    depart_at: str
    return_at: str


class TeamOut(Schema):
    name: str
    lead: str
    published: bool
    published_at: str | None
    members: list[MemberOut]
    counts: dict[str, int]


class MaterialIn(Schema):
    name: str
    quantity: Decimal
    unit: str
    owner_department: str = Field(description="department code, e.g. logistics")
    due_date: date


class MaterialPatch(Schema):
    status: str | None = Field(
        None,
        description="requested, preparing, shipped or received; leave out to correct "
        "only the tracking number of a shipped item",
    )
    tracking_no: str = ""


class MaterialOut(Schema):
    id: int
    name: str
    quantity: str
    unit: str
    owner_department: str
    due_date: date
    status: str
    tracking_no: str
    overdue: bool
    shipped_at: str | None
    received_at: str | None


class AssignmentOut(Schema):
    activity_id: int
    title: str
    market: str
    venue: str
    start_date: date
    end_date: date
    status: str
    team: str
    team_lead: str
    role: str
    duty: str
    depart_at: str
    return_at: str
    materials_total: int
    materials_received: int
