from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field


class ErrorBody(Schema):
    code: str
    message: str
    details: dict = Field(default_factory=dict)


class ErrorOut(Schema):
    """Every 4xx: `{"error": {code, message, details}}`."""

    error: ErrorBody


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class MeOut(Schema):
    username: str
    display_name: str
    role: str | None
    department: str | None
    market: str | None
    office: str | None


class TokenOut(Schema):
    token: str
    expires_at: str
    user: MeOut


class OfficeOut(Schema):
    code: str
    name: str
    head: str | None


class MarketOut(Schema):
    code: str
    name: str
    province: str
    head: str | None
    offices: list[OfficeOut]


class DepartmentOut(Schema):
    code: str
    name: str
    invited_by_default: bool


class DelegationIn(Schema):
    delegate: str
    start_date: date
    end_date: date


class DelegationOut(Schema):
    delegate: str
    start_date: date
    end_date: date


class PersonOut(Schema):
    username: str
    display_name: str
    role: str
    office: str | None
    active: bool


class PersonIn(Schema):
    username: str = Field(max_length=150)
    display_name: str = Field(max_length=64)
    role: str
    office: str | None = None
    password: str = Field(max_length=256)


class PersonPatch(Schema):
    """Only the fields sent change; `office: null` takes the person out of any office."""

    display_name: str | None = Field(default=None, max_length=64)
    role: str | None = None
    office: str | None = None
    active: bool | None = None
