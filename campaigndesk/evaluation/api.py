"""Stage 4 endpoints: evaluation, archive, lessons, and the reference pack."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import FileResponse, HttpResponse
from ninja import Router, Status

from campaigndesk.activities.api import READ_ERRORS, WRITE_ERRORS
from campaigndesk.activities.selectors import activity_get, activity_visible
from campaigndesk.attachments.models import Attachment, AttachmentKind
from campaigndesk.core.errors import NotFound
from campaigndesk.core.formatting import local_iso, money
from campaigndesk.core.http import ApiRequest
from campaigndesk.core.readcache import json_response, reuse
from campaigndesk.evaluation import selectors, services
from campaigndesk.evaluation.models import Archive, Evaluation
from campaigndesk.evaluation.schemas import (
    ArchiveOut,
    CostsIn,
    EvaluationIn,
    EvaluationOut,
    LessonIn,
    LessonOut,
    ReferencePackOut,
)

router = Router(tags=["HQ review"])


def evaluation_out(evaluation: Evaluation) -> dict[str, Any]:
    activity = evaluation.activity
    receipts = Counter(
        Attachment.objects.filter(activity=activity, kind=AttachmentKind.RECEIPT).values_list(
            "cost_category", flat=True
        )
    )
    return {
        "costs": [
            {
                "id": c.pk,
                "category": c.category,
                "amount": money(c.amount),
                "verified": c.verified_at is not None,
                "verified_by": c.verified_by.username if c.verified_by else None,
                "verified_at": local_iso(c.verified_at),
                "receipts": receipts[c.category],
            }
            for c in evaluation.costs.select_related("verified_by")
        ],
        "sales": money(evaluation.sales),
        "attendance": evaluation.attendance,
        "leads": evaluation.leads,
        "new_customers": evaluation.new_customers,
        "notes": evaluation.notes,
        "completed": evaluation.completed_at is not None,
        "metrics": selectors.metrics_of(evaluation, activity),
    }


def _evaluation(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    evaluation = selectors.evaluation_of(activity=activity)
    if evaluation is None:
        raise NotFound()
    evaluation.activity = activity
    return evaluation_out(evaluation)


@router.get("/activities/{activity_id}/evaluation", response={200: EvaluationOut, **READ_ERRORS})
def evaluation_get(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    return _evaluation(request, activity_id)


@router.put(
    "/activities/{activity_id}/evaluation/costs",
    response={200: EvaluationOut, **WRITE_ERRORS},
    summary="Enter the actual costs [finance reviewer, hq_manager; wrapped_up]",
)
def evaluation_costs(request: ApiRequest, activity_id: int, payload: CostsIn) -> dict[str, Any]:
    services.evaluation_costs_set(
        activity_id=activity_id, by=request.auth, costs=[c.model_dump() for c in payload.costs]
    )
    return _evaluation(request, activity_id)


@router.post(
    "/activities/{activity_id}/evaluation/costs/{line_id}/verify",
    response={200: EvaluationOut, **WRITE_ERRORS},
    summary="Mark a cost line checked against its receipts [finance reviewer; wrapped_up, "
    "evaluated]",
    description="A line above RECEIPT_REQUIRED_ABOVE without a receipt → 422 incomplete "
    "(details.missing `receipt:<category>`); a line whose amount changes loses its verification.",
)
def evaluation_cost_verify(request: ApiRequest, activity_id: int, line_id: int) -> dict[str, Any]:
    services.evaluation_cost_verify(activity_id=activity_id, line_id=line_id, by=request.auth)
    return _evaluation(request, activity_id)


@router.post(
    "/activities/{activity_id}/evaluation",
    response={201: EvaluationOut, **WRITE_ERRORS},
    summary="Complete the benefit evaluation [hq_manager; wrapped_up] → evaluated",
    description="Metrics in Decimal: money with 2 decimals, ratios with 4, `null` "
    "where a divisor is 0.",
)
def evaluation_create(request: ApiRequest, activity_id: int, payload: EvaluationIn) -> Status:
    data = payload.model_dump()
    services.evaluation_complete(activity_id=activity_id, by=request.auth, **data)
    return Status(201, _evaluation(request, activity_id))


def archive_out(archive: Archive) -> dict[str, Any]:
    return {
        "sha256": archive.sha256,
        "size": archive.size,
        "created_at": local_iso(archive.created_at),
    }


@router.post(
    "/activities/{activity_id}/archive",
    response={200: ArchiveOut, **WRITE_ERRORS},
    summary="Freeze the evaluated activity into a tamper-evident archive [hq_manager]",
)
def archive_create(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    return archive_out(services.activity_archive(activity_id=activity_id, by=request.auth))


def _archive(request: ApiRequest, activity_id: int) -> Archive:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    archive = Archive.objects.filter(activity=activity).first()
    if archive is None:
        raise NotFound()
    return archive


@router.get("/activities/{activity_id}/archive", response={200: ArchiveOut, **READ_ERRORS})
def archive_get(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    return archive_out(_archive(request, activity_id))


@router.get(
    "/activities/{activity_id}/archive/download",
    response={200: None, **READ_ERRORS},
    summary="The archive zip (with manifest.json)",
)
def archive_download(request: ApiRequest, activity_id: int) -> FileResponse:
    archive = _archive(request, activity_id)
    return FileResponse(
        archive.file.open("rb"),
        as_attachment=True,
        filename=f"activity-{activity_id}-archive.zip",
        content_type="application/zip",
    )


def lesson_out(activity_id: int, request: ApiRequest) -> dict[str, Any]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    status = selectors.lesson_status(activity=activity)
    if status is None:
        raise NotFound()
    return {
        "text": status.lesson.text,
        "items": status.lesson.items,
        "acknowledged": [u.username for u in status.acknowledged],
        "pending": [u.username for u in status.pending],
    }


@router.post(
    "/activities/{activity_id}/lessons",
    response={201: LessonOut, **WRITE_ERRORS},
    summary="Send the market the lessons [hq_manager; evaluated or archived]",
)
def lessons_send(request: ApiRequest, activity_id: int, payload: LessonIn) -> Status:
    services.lessons_send(
        activity_id=activity_id, by=request.auth, text=payload.text, items=payload.items
    )
    return Status(201, lesson_out(activity_id, request))


@router.post(
    "/activities/{activity_id}/lessons/ack",
    response={200: LessonOut, **WRITE_ERRORS},
    summary="Acknowledge the lessons [that market's people]",
)
def lessons_ack(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    services.lessons_acknowledge(activity_id=activity_id, by=request.auth)
    return lesson_out(activity_id, request)


@router.get("/activities/{activity_id}/lessons", response={200: LessonOut, **READ_ERRORS})
def lessons_get(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    return lesson_out(activity_id, request)


@router.get(
    "/activities/{activity_id}/reference-pack",
    response={200: ReferencePackOut, **READ_ERRORS},
    summary="The market's previous and same-period-last-year activities to learn from",
)
def reference_pack(request: ApiRequest, activity_id: int) -> HttpResponse:
    def pack() -> HttpResponse:
        activity = activity_visible(user=request.auth, activity_id=activity_id)
        data = selectors.reference_pack(activity=activity)
        return json_response(ReferencePackOut.model_validate(data).model_dump())

    return reuse(request, pack)
