"""How values leave the system: money as 2-decimal strings, times in the local zone."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

CENT = Decimal("0.01")


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


def local_iso(value: datetime | None) -> str | None:
    """ISO 8601 with the offset of TIME_ZONE (Asia/Shanghai: +08:00)."""
    return None if value is None else timezone.localtime(value).isoformat()
