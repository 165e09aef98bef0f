"""Template helpers shared by every page: labels of statuses and actions, money, badges."""

from __future__ import annotations

from decimal import Decimal

from django import template

from campaigndesk.activities.workflow import ACTION_LABELS, Status
from campaigndesk.core.formatting import money as format_money

register = template.Library()

STATUS_COLOURS = {
    Status.DRAFT: "secondary",
    Status.SUBMITTED: "info",
    Status.IN_REVIEW: "primary",
    Status.REVISION_REQUESTED: "warning",
    Status.RESUBMITTED: "info",
    Status.APPROVED: "success",
    Status.REJECTED: "danger",
    Status.ON_SITE: "primary",
    Status.WRAPPED_UP: "success",
    Status.EVALUATED: "success",
    Status.ARCHIVED: "dark",
    Status.CANCELLED: "secondary",
}


@register.filter
def status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.filter
def status_colour(value: str) -> str:
    return STATUS_COLOURS.get(value, "secondary")  # type: ignore[call-overload]


@register.filter
def action_label(value: str) -> str:
    return str(ACTION_LABELS.get(value, value))


@register.filter
def money(value: Decimal | None) -> str:
    """¥12,500.00 — grouped, two decimals."""
    if value is None or value == "":
        return ""
    text = format_money(Decimal(value)) or ""
    whole, _, cents = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    return f"{sign}¥{int(whole):,}.{cents}"


@register.filter
def get_item(mapping: dict, key: str):  # type: ignore[no-untyped-def, type-arg]
    return mapping.get(key) if mapping else None


@register.filter
def budget_category(value: str) -> str:
    from campaigndesk.activities.models import BudgetCategory

    try:
        return str(BudgetCategory(value).label)
    except ValueError:
        return value


@register.filter
def days_to_deadline(activity):  # type: ignore[no-untyped-def]
    """Days left to submit a draft without an exception (negative: late)."""
    from campaigndesk.activities.selectors import days_to_deadline as compute

    return compute(activity)


@register.filter
def training_topic(value: str) -> str:
    from campaigndesk.onsite.models import TrainingTopic

    try:
        return str(TrainingTopic(value).label)
    except ValueError:
        return value
