from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class MilestoneIn(Schema):
    date: date
    milestone: str
    owner: str = ""


class TaskIn(Schema):
    office: str = Field("", description="office code of this market")
    username: str = ""
    task: str
    due_date: date | None = None


class MeetingIn(Schema):
    kind: str = Field(description="briefing, training, mobilization or wrap_up")
    held_at: datetime
    chair: str = ""
    attendees: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list, description="training only")
    notes: str = ""
    schedule: list[MilestoneIn] = Field(default_factory=list, description="briefing only")
    tasks: list[TaskIn] = Field(default_factory=list, description="briefing only")


class TaskOut(Schema):
    id: int
    office: str | None
    username: str | None
    task: str
    due_date: date | None


class MeetingOut(Schema):
    id: int
    kind: str
    held_at: str
    chair: str | None
    attendees: list[str]
    topics: list[str]
    notes: str
    schedule: list[dict]
    tasks: list[TaskOut]


class ReportIn(Schema):
    date: date
    visitors: int = 0
    leads: int = 0
    sales: Decimal = Decimal("0")
    progress: str = ""
    public_relations: str = ""
    competitors: str = ""
    issues: str = ""


class ReportPatch(Schema):
    visitors: int | None = None
    leads: int | None = None
    sales: Decimal | None = None
    progress: str | None = None
    public_relations: str | None = None
    competitors: str | None = None
    issues: str | None = None


class ReportOut(Schema):
    id: int
    date: date
    visitors: int
    leads: int
    sales: str
    progress: str
    public_relations: str
    competitors: str
    issues: str
    reported_by: str
    updated_at: str


class Totals(Schema):
    visitors: int
    leads: int
    sales: str


class ReportList(Schema):
    items: list[ReportOut]
    totals: Totals


class SummaryIn(Schema):
    kind: str = Field(description="activity or individual")
    strengths: str = ""
    weaknesses: str = ""
    text: str = ""


class SummaryPatch(Schema):
    strengths: str = ""
    weaknesses: str = ""
    text: str = ""


class SummaryOut(Schema):
    id: int
    kind: str
    author: str
    strengths: str
    weaknesses: str
    text: str
    updated_at: str


class SummaryList(Schema):
    activity: SummaryOut | None
    individual: list[SummaryOut]
    missing: list[str]


class ChecklistItemOut(Schema):
    code: str
    label: str
    done: bool


class CompetitorNoteOut(Schema):
    activity_id: int
    title: str
    market: str
    date: date
    competitors: str
