from __future__ import annotations

from datetime import date

from ninja import Schema


class ExportJobIn(Schema):
    date_from: date
    date_to: date
    market: str | None = None


class ExportJobOut(Schema):
    id: int
    kind: str
    status: str
    progress: int
    rows: int
    date_from: date
    date_to: date
    market: str | None
    created_at: str
    finished_at: str | None
    download_url: str | None
