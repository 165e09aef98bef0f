from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class SectionOut(Schema):
    key: str
    title: str
    required: bool
    help_text: str


class TemplateOut(Schema):
    version: int
    lead_days: int
    sections: list[SectionOut]


class BudgetLineIn(Schema):
    category: str = Field(
        description="venue, promotion, materials, travel, staff, hospitality or other"
    )
    item: str
    amount: Decimal = Field(description='money as a string, e.g. "12500.00"')


class BudgetLineOut(Schema):
    category: str
    item: str
    amount: str


class TargetsIn(Schema):
    attendance: int | None = None
    leads: int | None = None
    sales: Decimal | None = None


class TargetsOut(Schema):
    attendance: int | None
    leads: int | None
    sales: str | None


class StaffingIn(Schema):
    username: str | None = None
    name: str | None = None
    role: str
    duty: str


class ActivityIn(Schema):
    title: str
    start_date: date
    end_date: date
    venue: str = ""
    sections: dict[str, str] = Field(default_factory=dict)
    budget: list[BudgetLineIn] = Field(default_factory=list)
    targets: TargetsIn = Field(default_factory=TargetsIn)
    staffing: list[StaffingIn] = Field(default_factory=list)


class ProposalChangesIn(Schema):
    """Any proposal fields; those left out stay as they are."""

    title: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    venue: str | None = None
    sections: dict[str, str] | None = None
    budget: list[BudgetLineIn] | None = None
    targets: TargetsIn | None = None
    staffing: list[StaffingIn] | None = None


class ActivityPatch(ProposalChangesIn):
    revision: int = Field(description="the revision this edit is based on")


class ActivityOut(Schema):
    id: int
    title: str
    market: str
    status: str
    start_date: date
    end_date: date
    venue: str
    sections: dict[str, str]
    budget: list[BudgetLineOut]
    budget_total: str
    targets: TargetsOut
    staffing: list[dict[str, str]]
    revision: int
    version: int
    template_version: int
    created_by: str
    created_at: str
    updated_at: str
    submitted_at: str | None
    playbook: int | None = None


class ActivityPage(Schema):
    items: list[ActivityOut]
    count: int
    page: int
    page_size: int


class CancelIn(Schema):
    reason: str = ""


class HistoryEntryOut(Schema):
    at: str
    actor: str | None
    on_behalf_of: str | None
    action: str
    from_status: str
    to_status: str
    note: str
    changes: dict


class SubmitIn(Schema):
    revision: int | None = Field(None, description="optional: refuse if the draft changed since")


class ReasonIn(Schema):
    reason: str = ""


class ResponseIn(Schema):
    item_id: int
    response: str


class ResubmitIn(Schema):
    changes: ProposalChangesIn = Field(
        default_factory=ProposalChangesIn, description="activity fields to change"
    )
    staffing: list[StaffingIn] = Field(default_factory=list)
    responses: list[ResponseIn] = Field(default_factory=list)
    revision: int | None = None


class DecisionIn(Schema):
    decision: str = Field(description='"approve" or "reject"')
    reason: str = ""


class VersionOut(Schema):
    version: int
    submitted_at: str
    submitted_by: str


class ChangeOut(Schema):
    field: str
    before: Any = None
    after: Any = None


class DiffOut(Schema):
    version: int
    against: int
    changes: list[ChangeOut]
