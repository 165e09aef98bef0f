from __future__ import annotations

from ninja import Schema


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    content_type: str
    kind: str
    daily_report_id: int | None
    meeting_id: int | None
    summary_id: int | None
    cost_category: str
    uploaded_by: str
    created_at: str
    thumbnail: bool
