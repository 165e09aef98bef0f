"""Export pages: the files of one activity (linked from its page), and "my exports", where a
long export is started and followed with a progress bar until its file can be downloaded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from campaigndesk.activities.views import _get_activity
from campaigndesk.core.errors import DomainError, NotFound, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http
from campaigndesk.exports import selectors, services
from campaigndesk.exports.documents import proposal_docx
from campaigndesk.exports.models import ExportJob, ExportStatus
from campaigndesk.exports.workbooks import daily_reports_xlsx, evaluation_xlsx
from campaigndesk.exports.xlsx import DOCX_TYPE, file_response
from campaigndesk.onsite.selectors import report_totals, reports_of
from campaigndesk.org import policies
from campaigndesk.org.selectors import market_choices_for_user

T = TypeVar("T")


def _found(call: Callable[[], T]) -> T:
    """The call's result; a `NotFound` (missing, or not the user's to see) is the 404 page."""
    try:
        return call()
    except NotFound as error:
        raise Http404(str(error.message)) from error


@login_required
@require_GET
def proposal(request: PageRequest, activity_id: int) -> HttpResponse:
    record = _found(lambda: selectors.proposal_of(user=request.user, activity_id=activity_id))
    return file_response(
        proposal_docx(record), filename=f"proposal-{activity_id}.docx", content_type=DOCX_TYPE
    )


@login_required
@require_GET
def daily_reports(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    content = daily_reports_xlsx(reports_of(activity=activity), report_totals(activity=activity))
    return file_response(content, filename=f"daily-reports-{activity_id}.xlsx")


@login_required
@require_GET
def evaluation(request: PageRequest, activity_id: int) -> HttpResponse:
    activity, found = _found(
        lambda: selectors.evaluation_for(user=request.user, activity_id=activity_id)
    )
    return file_response(
        evaluation_xlsx(activity, found), filename=f"evaluation-{activity_id}.xlsx"
    )


def _parse(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def jobs(request: PageRequest) -> HttpResponse:
    """The user's exports, newest first, and the form that starts a full market export."""
    user = request.user
    today = timezone.localdate()
    is_hq = policies.is_hq(user)
    if request.method == "POST":
        values = {f: request.POST.get(f, "").strip() for f in ("date_from", "date_to", "market")}
    else:
        values = {
            "date_from": (today - timedelta(days=90)).isoformat(),
            "date_to": today.isoformat(),
            "market": "",
        }
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.export_job_start(
                by=user,
                date_from=_parse(values["date_from"]),
                date_to=_parse(values["date_to"]),
                market=(values["market"] or None) if is_hq else None,
            )
        except ValidationFailed as error:
            errors.update(error.fields)
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(request, _("Export started: it is prepared in the background."))
            return redirect("exports:jobs")
    return render(
        request,
        "exports/jobs.html",
        {
            "jobs": selectors.jobs_for(user=user),
            "values": values,
            "errors": errors,
            "markets": market_choices_for_user(user=user) if is_hq else [],
            "may_export": policies.may(user, "view"),
        },
    )


def _job(request: PageRequest, job_id: int) -> ExportJob:
    return _found(lambda: selectors.job_get(user=request.user, job_id=job_id))


@login_required
@require_GET
def job_row(request: PageRequest, job_id: int) -> HttpResponse:
    """One job's row, polled by htmx while it is queued or running."""
    return render(request, "exports/partials/_job_row.html", {"job": _job(request, job_id)})


@login_required
@require_GET
def job_download(request: PageRequest, job_id: int) -> FileResponse:
    job = _job(request, job_id)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=selectors.job_filename(job)
    )
