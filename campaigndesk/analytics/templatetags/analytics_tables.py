"""Showing a table cell by its column's kind, as the .xlsx formats it."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

from campaigndesk.core.templatetags.campaigndesk import money

register = template.Library()

PERCENT = Decimal("0.1")


@register.filter
def cell(value: Any, kind: str) -> str:
    """money ¥12,500.00 · ratio 50.0% · date 2025-06-01 · empty —"""
    if value is None or value == "":
        return "—"
    if kind == "money":
        return money(Decimal(value))
    if kind == "ratio":
        percent = (Decimal(value) * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)
        return f"{percent}%"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "date" and isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


@register.filter
def numeric(kind: str) -> bool:
    return kind in ("money", "ratio", "int")
