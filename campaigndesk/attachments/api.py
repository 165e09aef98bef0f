"""The attachments endpoints of the API."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from ninja import Router, Status

from campaigndesk.activities.api import READ_ERRORS, WRITE_ERRORS
from campaigndesk.activities.selectors import activity_get
from campaigndesk.attachments import selectors, services
from campaigndesk.attachments.models import Attachment, AttachmentKind
from campaigndesk.attachments.responses import download_response, thumbnail_response
from campaigndesk.attachments.schemas import AttachmentOut
from campaigndesk.attachments.uploads import read_upload
from campaigndesk.core.errors import NotFound
from campaigndesk.core.formatting import local_iso
from campaigndesk.core.http import ApiRequest

router = Router(tags=["attachments"])

UPLOAD_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": list(AttachmentKind.values)},
                        "daily_report_id": {"type": "integer"},
                        "meeting_id": {"type": "integer"},
                        "summary_id": {"type": "integer"},
                        "cost_category": {"type": "string", "description": "receipts only"},
                    },
                }
            }
        },
        "required": True,
    }
}


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "content_type": attachment.content_type,
        "kind": attachment.kind,
        "daily_report_id": attachment.daily_report_id,
        "meeting_id": attachment.meeting_id,
        "summary_id": attachment.summary_id,
        "cost_category": attachment.cost_category,
        "uploaded_by": attachment.uploaded_by.username,
        "created_at": local_iso(attachment.created_at) or "",
        "thumbnail": bool(attachment.thumbnail),
    }


@router.post(
    "/activities/{activity_id}/attachments",
    response={201: AttachmentOut, **WRITE_ERRORS},
    summary="Attach a file [market people, support team, hq_manager; receipts: finance, "
    "hq_manager, market_head]",
    description="Multipart. The type is read from the content: JPEG, PNG, WebP, GIF, PDF, "
    "docx/xlsx/pptx; anything else, or a file over ATTACHMENT_MAX_BYTES, → 422.",
    openapi_extra=UPLOAD_BODY,
)
def attachment_create(request: ApiRequest, activity_id: int) -> Status:
    file, fields = read_upload(request)
    attachment = services.attachment_upload(
        activity_id=activity_id,
        by=request.auth,
        file=file,
        name=(file.name or "") if file is not None else "",
        kind=fields.get("kind", ""),
        daily_report_id=fields.get("daily_report_id"),
        meeting_id=fields.get("meeting_id"),
        summary_id=fields.get("summary_id"),
        cost_category=fields.get("cost_category", ""),
    )
    return Status(201, attachment_out(attachment))


@router.get(
    "/activities/{activity_id}/attachments",
    response={200: list[AttachmentOut], **READ_ERRORS},
)
def attachment_list(request: ApiRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    return [attachment_out(a) for a in selectors.attachments_of(activity=activity)]


@router.get(
    "/attachments/{attachment_id}/download",
    response={200: None, **READ_ERRORS},
    summary="The file, as uploaded",
)
def attachment_download(request: ApiRequest, attachment_id: int) -> FileResponse:
    return download_response(
        selectors.attachment_get(user=request.auth, attachment_id=attachment_id)
    )


@router.get(
    "/attachments/{attachment_id}/thumbnail",
    response={200: None, **READ_ERRORS},
    summary="A small JPEG of an image (images only)",
)
def attachment_thumbnail(request: ApiRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get(user=request.auth, attachment_id=attachment_id)
    if not attachment.thumbnail:
        raise NotFound()
    return thumbnail_response(attachment)


@router.delete(
    "/attachments/{attachment_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a file [its uploader, hq_manager; not once archived]",
)
def attachment_remove(request: ApiRequest, attachment_id: int) -> Status:
    selectors.attachment_get(user=request.auth, attachment_id=attachment_id)
    services.attachment_delete(attachment_id=attachment_id, by=request.auth)
    return Status(204, None)
