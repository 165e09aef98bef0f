"""Money as it comes in (JSON strings or numbers, form fields): a Decimal of two places, or the
reason it was refused, in the reader's language, under the field's name."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
# The largest amount a DecimalField(max_digits=14, decimal_places=2) holds.
MAX_AMOUNT = Decimal("999999999999.99")


def clean_amount(
    value: Any, *, name: str, errors: dict[str, str], required: bool = True
) -> Decimal | None:
    """`value` as a non-negative amount of at most two decimal places, or None with
    `errors[name]` set (None without an error when it is empty and not `required`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = _("This field is required.")
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[name] = _("Enter an amount such as 12500.00.")
        return None
    if not amount.is_finite():
        errors[name] = _("Enter an amount such as 12500.00.")
        return None
    if amount < 0:
        errors[name] = _("Must not be negative.")
        return None
    if amount > MAX_AMOUNT:
        errors[name] = _("Too large.")
        return None
    if amount != amount.quantize(CENT):
        errors[name] = _("At most two decimal places.")
        return None
    return amount.quantize(CENT)
