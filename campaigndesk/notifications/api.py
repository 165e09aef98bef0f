"""The inbox over the API."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from campaigndesk.core.formatting import local_iso
from campaigndesk.core.http import ApiRequest
from campaigndesk.notifications import selectors, services
from campaigndesk.notifications.models import Notification
from campaigndesk.org.schemas import ErrorOut

router = Router(tags=["notifications"])
PAGE_SIZE = 50


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    activity_id: int | None
    url: str
    created_at: str
    read: bool


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class NotificationFilters(Schema):
    unread: bool = False
    page: int = Field(1, ge=1, le=100_000)


def notification_out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "activity_id": n.activity_id,
        "url": n.url,
        "created_at": local_iso(n.created_at),
        "read": n.read,
    }


@router.get(
    "/notifications",
    response={200: NotificationPage, 401: ErrorOut, 422: ErrorOut},
    summary="My inbox, newest first (50 a page)",
)
def notifications_list(request: ApiRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    qs = selectors.notifications_for_user(user=request.auth, unread=filters.unread)
    offset = (filters.page - 1) * PAGE_SIZE
    return {
        "items": [notification_out(n) for n in qs[offset : offset + PAGE_SIZE]],
        "count": qs.count(),
        "unread": selectors.unread_count(user=request.auth),
    }


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, 401: ErrorOut, 404: ErrorOut},
    summary="Mark one of my notifications read",
)
def notifications_read(request: ApiRequest, notification_id: int) -> dict[str, Any]:
    return notification_out(
        services.notification_mark_read(notification_id=notification_id, by=request.auth)
    )
