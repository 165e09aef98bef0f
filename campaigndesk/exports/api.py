"""Export endpoints: the proposal as .docx, daily reports and evaluation as .xlsx, and the long
full-market export as a job to start, watch and download (the briefing's .docx is served by
the briefings app)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse
from ninja import Router, Status

from campaigndesk.activities.api import READ_ERRORS, WRITE_ERRORS
from campaigndesk.activities.selectors import activity_get
from campaigndesk.core.errors import NotFound
from campaigndesk.core.formatting import local_iso
from campaigndesk.core.http import ApiRequest
from campaigndesk.exports import selectors, services
from campaigndesk.exports.documents import proposal_docx
from campaigndesk.exports.models import ExportJob, ExportStatus
from campaigndesk.exports.schemas import ExportJobIn, ExportJobOut
from campaigndesk.exports.workbooks import daily_reports_xlsx, evaluation_xlsx
from campaigndesk.exports.xlsx import DOCX_TYPE, file_response
from campaigndesk.onsite.selectors import report_totals, reports_of

router = Router(tags=["exports"])


@router.get(
    "/activities/{activity_id}/export.docx",
    response={200: None, **READ_ERRORS},
    summary="The proposal as a Word document: sections, budget, targets, staffing, review",
)
def proposal_export(request: ApiRequest, activity_id: int) -> HttpResponse:
    record = selectors.proposal_of(user=request.auth, activity_id=activity_id)
    return file_response(
        proposal_docx(record), filename=f"proposal-{activity_id}.docx", content_type=DOCX_TYPE
    )


@router.get(
    "/activities/{activity_id}/daily-reports/export.xlsx",
    response={200: None, **READ_ERRORS},
    summary="The daily reports as a workbook: one row per day, then the totals",
)
def daily_reports_export(request: ApiRequest, activity_id: int) -> HttpResponse:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    content = daily_reports_xlsx(reports_of(activity=activity), report_totals(activity=activity))
    return file_response(content, filename=f"daily-reports-{activity_id}.xlsx")


@router.get(
    "/activities/{activity_id}/evaluation/export.xlsx",
    response={200: None, **READ_ERRORS},
    summary="The evaluation as a workbook: costs by category beside the budget, the metrics",
)
def evaluation_export(request: ApiRequest, activity_id: int) -> HttpResponse:
    activity, evaluation = selectors.evaluation_for(user=request.auth, activity_id=activity_id)
    content = evaluation_xlsx(activity, evaluation)
    return file_response(content, filename=f"evaluation-{activity_id}.xlsx")


def job_out(job: ExportJob) -> dict[str, Any]:
    params = job.params
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "rows": job.rows,
        "date_from": params["date_from"],
        "date_to": params["date_to"],
        "market": params.get("market"),
        "created_at": local_iso(job.created_at),
        "finished_at": local_iso(job.finished_at),
        "download_url": f"/api/v1/exports/{job.pk}/download"
        if job.status == ExportStatus.DONE
        else None,
    }


@router.post(
    "/exports",
    response={201: ExportJobOut, **WRITE_ERRORS},
    summary="Start a full market export of the period's daily reports (runs in the background)",
)
def exports_start(request: ApiRequest, payload: ExportJobIn) -> Status:
    job = services.export_job_start(by=request.auth, **payload.model_dump())
    return Status(201, job_out(job))


@router.get("/exports", response={200: list[ExportJobOut], 401: READ_ERRORS[401]})
def exports_list(request: ApiRequest) -> list[dict[str, Any]]:
    return [job_out(job) for job in selectors.jobs_for(user=request.auth)]


@router.get("/exports/{job_id}", response={200: ExportJobOut, **READ_ERRORS})
def exports_get(request: ApiRequest, job_id: int) -> dict[str, Any]:
    return job_out(selectors.job_get(user=request.auth, job_id=job_id))


@router.get(
    "/exports/{job_id}/download",
    response={200: None, **READ_ERRORS},
    summary="The finished export's file [only whoever started it]",
)
def exports_download(request: ApiRequest, job_id: int) -> FileResponse:
    job = selectors.job_get(user=request.auth, job_id=job_id)
    if job.status != ExportStatus.DONE or not job.file:
        raise NotFound()
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=selectors.job_filename(job)
    )
