"""Helpers every page's form uses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from campaigndesk.core.errors import DomainError, Forbidden, NotFound, ValidationFailed


def raise_http(error: DomainError) -> None:
    """Visibility and role errors become Django's 404 and 403 pages; any other error returns,
    for the page to show beside its form."""
    if isinstance(error, NotFound):
        raise Http404(str(error.message))
    if isinstance(error, Forbidden):
        raise PermissionDenied(str(error.message))


def spread_errors(
    error: ValidationFailed,
    errors: dict[str, str],
    rows: dict[str, list[dict[str, Any]]],
    rename: dict[str, str] | None = None,
) -> None:
    """Puts each refused field's reason where the page shows it: `<list>.<index>.<field>` beside
    that field of that row (a line added in place), everything else in `errors` for the top of
    the form. `rename` maps a service's field to the row's (e.g. office → target)."""
    for name, reason in error.fields.items():
        parts = name.split(".")
        target = rows.get(parts[0])
        if target is not None and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(target):
                target[index]["errors"][(rename or {}).get(parts[2], parts[2])] = reason
                continue
        errors[name] = reason
