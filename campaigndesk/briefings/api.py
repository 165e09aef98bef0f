"""Briefing endpoints."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Router, Status

from campaigndesk.briefings import selectors, services
from campaigndesk.briefings.export import briefing_docx
from campaigndesk.briefings.models import Briefing
from campaigndesk.briefings.schemas import (
    BriefingIn,
    BriefingListItem,
    BriefingOut,
    BriefingPatch,
)
from campaigndesk.core.formatting import local_iso
from campaigndesk.core.http import ApiRequest
from campaigndesk.org import policies
from campaigndesk.org.schemas import ErrorOut

router = Router(tags=["briefings"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def briefing_out(briefing: Briefing, request: ApiRequest) -> dict[str, Any]:
    body = {
        "id": briefing.pk,
        "title": briefing.title,
        "intro": briefing.intro,
        "status": briefing.status,
        "period_start": briefing.period_start,
        "period_end": briefing.period_end,
        "published_at": local_iso(briefing.published_at),
        "markets": [
            {
                "market": e.market.code,
                "name": e.market.name,
                "activities": e.activities,
                "highlights": e.highlights,
                "competitors": e.competitors,
            }
            for e in briefing.entries.all()
        ],
    }
    if policies.is_hq(request.auth):
        body["read_by"] = [r.user.username for r in briefing.reads.all()]
    return body


def _get(request: ApiRequest, briefing_id: int) -> dict[str, Any]:
    return briefing_out(selectors.briefing_get(user=request.auth, briefing_id=briefing_id), request)


@router.post(
    "/briefings",
    response={201: BriefingOut, **ERRORS},
    summary="Compile a draft from every market's activities in the period [hq_manager]",
)
def briefings_create(request: ApiRequest, payload: BriefingIn) -> Status:
    briefing = services.briefing_compile(by=request.auth, **payload.model_dump())
    return Status(201, _get(request, briefing.pk))


@router.get("/briefings", response={200: list[BriefingListItem], 401: ErrorOut})
def briefings_list(request: ApiRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": b.pk,
            "title": b.title,
            "status": b.status,
            "period_start": b.period_start,
            "period_end": b.period_end,
            "published_at": local_iso(b.published_at),
        }
        for b in selectors.briefings_for(user=request.auth)[:200]
    ]


@router.get("/briefings/{briefing_id}", response={200: BriefingOut, 401: ErrorOut, 404: ErrorOut})
def briefings_get(request: ApiRequest, briefing_id: int) -> dict[str, Any]:
    return _get(request, briefing_id)


@router.patch(
    "/briefings/{briefing_id}",
    response={200: BriefingOut, **ERRORS},
    summary="Edit the draft [hq_manager]",
)
def briefings_update(request: ApiRequest, briefing_id: int, payload: BriefingPatch) -> Any:
    services.briefing_update(
        briefing_id=briefing_id, by=request.auth, data=payload.model_dump(exclude_unset=True)
    )
    return _get(request, briefing_id)


@router.post(
    "/briefings/{briefing_id}/publish",
    response={200: BriefingOut, **ERRORS},
    summary="Send it to every market's people [hq_manager]",
)
def briefings_publish(request: ApiRequest, briefing_id: int) -> Any:
    services.briefing_publish(briefing_id=briefing_id, by=request.auth)
    return _get(request, briefing_id)


@router.post(
    "/briefings/{briefing_id}/read",
    response={200: BriefingOut, **ERRORS},
    summary="Mark the briefing read",
)
def briefings_read(request: ApiRequest, briefing_id: int) -> Any:
    services.briefing_read(briefing_id=briefing_id, by=request.auth)
    return _get(request, briefing_id)


@router.get(
    "/briefings/{briefing_id}/export.docx",
    response={200: None, 401: ErrorOut, 404: ErrorOut},
    summary="The briefing as a Word document, for printing",
)
def briefings_export(request: ApiRequest, briefing_id: int) -> HttpResponse:
    briefing = selectors.briefing_get(user=request.auth, briefing_id=briefing_id)
    response = HttpResponse(
        briefing_docx(briefing),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="briefing-{briefing.pk}.docx"'
    return response
