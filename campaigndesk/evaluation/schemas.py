from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class CostIn(Schema):
    category: str
    amount: Decimal


class CostsIn(Schema):
    costs: list[CostIn]


class EvaluationIn(Schema):
    costs: list[CostIn] = Field(
        default_factory=list, description="empty: the costs finance entered are used"
    )
    sales: Decimal = Decimal("0")
    attendance: int = 0
    leads: int = 0
    new_customers: int = 0
    notes: str = ""


class CostOut(Schema):
    id: int
    category: str
    amount: str
    verified: bool
    verified_by: str | None
    verified_at: str | None
    receipts: int = Field(description="attachments of kind receipt with this category")


class AttainmentOut(Schema):
    attendance: str | None
    leads: str | None
    sales: str | None


class MetricsOut(Schema):
    cost_total: str
    budget_total: str
    budget_variance: str
    roi: str | None
    cost_per_attendee: str | None
    attainment: AttainmentOut


class EvaluationOut(Schema):
    costs: list[CostOut]
    sales: str
    attendance: int
    leads: int
    new_customers: int
    notes: str
    completed: bool
    metrics: MetricsOut


class ArchiveOut(Schema):
    sha256: str
    size: int
    created_at: str


class LessonIn(Schema):
    text: str
    items: list[str] = Field(default_factory=list)


class LessonOut(Schema):
    text: str
    items: list[str]
    acknowledged: list[str]
    pending: list[str]


class ReferenceOut(Schema):
    activity_id: int
    title: str
    start_date: date
    strengths: str
    weaknesses: str
    metrics: dict[str, Any]


class ReferencePackOut(Schema):
    previous: ReferenceOut | None
    same_period_last_year: ReferenceOut | None
