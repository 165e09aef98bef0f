"""Playbooks over the API (the overview itself is a page)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Router, Schema, Status
from pydantic import Field

from campaigndesk.activities import playbooks
from campaigndesk.activities.api import WRITE_ERRORS, _reload
from campaigndesk.activities.models import Playbook
from campaigndesk.activities.schemas import ActivityOut
from campaigndesk.core.http import ApiRequest
from campaigndesk.org.schemas import ErrorOut

router = Router(tags=["playbooks"])


class PlaybookIn(Schema):
    activity_id: int
    title: str = ""


class PlaybookOut(Schema):
    id: int
    activity_id: int
    title: str
    market: str
    copies: int


class CloneIn(Schema):
    title: str = ""
    start_date: date
    end_date: date = Field(description="the copy's dates; people are cleared")


def playbook_out(p: Playbook) -> dict[str, Any]:
    return {
        "id": p.pk,
        "activity_id": p.activity_id,
        "title": p.title,
        "market": p.activity.market.code,
        "copies": p.copies.count(),
    }


@router.post(
    "/playbooks",
    response={201: PlaybookOut, **WRITE_ERRORS},
    summary="Mark an archived activity as a playbook [hq_manager]",
)
def playbooks_create(request: ApiRequest, payload: PlaybookIn) -> Status:
    playbook = playbooks.playbook_create(
        by=request.auth, activity_id=payload.activity_id, title=payload.title
    )
    return Status(
        201, playbook_out(Playbook.objects.select_related("activity__market").get(pk=playbook.pk))
    )


@router.get(
    "/playbooks",
    response={200: list[PlaybookOut], 401: ErrorOut},
    summary="Every playbook (any market may copy one)",
)
def playbooks_list(request: ApiRequest) -> list[dict[str, Any]]:
    from django.db.models import Count

    return [
        {
            "id": p.pk,
            "activity_id": p.activity_id,
            "title": p.title,
            "market": p.activity.market.code,
            "copies": p.n_copies,
        }
        for p in Playbook.objects.select_related("activity__market")
        .annotate(n_copies=Count("copies"))
        .order_by("-created_at")[:200]
    ]


@router.post(
    "/playbooks/{playbook_id}/clone",
    response={201: ActivityOut, **WRITE_ERRORS},
    summary="Start a draft of my market from a playbook [market_head]",
)
def playbooks_clone(request: ApiRequest, playbook_id: int, payload: CloneIn) -> Status:
    activity = playbooks.playbook_clone(
        playbook_id=playbook_id,
        by=request.auth,
        title=payload.title,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return Status(201, _reload(request, activity))
