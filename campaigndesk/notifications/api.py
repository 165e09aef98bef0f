"""The inbox over the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from campaigndesk.core.errors import Forbidden, NotFound
from campaigndesk.core.formatting import local_iso
from campaigndesk.core.http import ApiRequest
from campaigndesk.notifications import selectors, services
from campaigndesk.notifications.models import Delivery, Notification, NotificationTarget
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


class TargetIn(Schema):
    kind: str = Field(description="wecom, dingtalk or feishu")
    url: str
    secret: str = Field("", description="DingTalk (or Feishu) signing secret")
    market: str | None = Field(None, description="a market code, or null for HQ")
    notification_kinds: list[str]
    name: str = ""


class TargetOut(Schema):
    id: int
    kind: str
    name: str
    url: str
    has_secret: bool
    market: str | None
    notification_kinds: list[str]
    active: bool


class DeliveryOut(Schema):
    at: str
    notification_kind: str
    status: str
    attempts: int
    response_code: int | None


TARGET_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def target_out(t: NotificationTarget) -> dict[str, Any]:
    return {
        "id": t.pk,
        "kind": t.kind,
        "name": t.name,
        "url": t.url,
        "has_secret": bool(t.secret),
        "market": t.market.code if t.market else None,
        "notification_kinds": t.notification_kinds,
        "active": t.active,
    }


def _hq_targets(request: ApiRequest) -> Any:
    if not services.may_configure_targets(request.auth):
        raise Forbidden(_("Only HQ configures group bots."))
    return NotificationTarget.objects.select_related("market")


@router.post(
    "/notification-targets",
    response={201: TargetOut, **TARGET_ERRORS},
    summary="Add a WeCom, DingTalk or Feishu group bot [admin, hq_manager]",
)
def targets_create(request: ApiRequest, payload: TargetIn) -> Status:
    target = services.target_create(by=request.auth, **payload.model_dump())
    return Status(201, target_out(_hq_targets(request).get(pk=target.pk)))


@router.get("/notification-targets", response={200: list[TargetOut], **TARGET_ERRORS})
def targets_list(request: ApiRequest) -> list[dict[str, Any]]:
    return [target_out(t) for t in _hq_targets(request).order_by("id")]


@router.delete("/notification-targets/{target_id}", response={204: None, **TARGET_ERRORS})
def targets_delete(request: ApiRequest, target_id: int) -> Status:
    services.target_delete(by=request.auth, target_id=target_id)
    return Status(204, None)


@router.get(
    "/notification-targets/{target_id}/deliveries",
    response={200: list[DeliveryOut], **TARGET_ERRORS},
    summary="The delivery log of a target, newest first (200 at most)",
)
def targets_deliveries(request: ApiRequest, target_id: int) -> list[dict[str, Any]]:
    target = _hq_targets(request).filter(pk=target_id).first()
    if target is None:
        raise NotFound()
    return [
        {
            "at": local_iso(d.updated_at),
            "notification_kind": d.notification_kind,
            "status": d.status,
            "attempts": d.attempts,
            "response_code": d.response_code,
        }
        for d in Delivery.objects.filter(target=target).order_by("-created_at", "-id")[:200]
    ]
