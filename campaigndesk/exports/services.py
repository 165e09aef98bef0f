"""Writes of exports: starting a long export, and running it (from the task)."""

from __future__ import annotations

import tempfile
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import Forbidden, NotFound, ValidationFailed
from campaigndesk.exports import selectors, workbooks
from campaigndesk.exports.models import ExportJob, ExportKind, ExportStatus
from campaigndesk.org import policies
from campaigndesk.org.models import Market

# Writing the progress on every row would cost a query per row: at most once per percent.
PROGRESS_WRITING_SHARE = 95


def export_job_start(
    *,
    by: User,
    date_from: date | None,
    date_to: date | None,
    market: str | None = None,
    kind: str = ExportKind.MARKET_DAILY_REPORTS,
) -> ExportJob:
    """Queues a full market export of the daily reports of the period. Anyone who may see
    activities may export what they see: HQ all markets or one, a market's people their own
    market (another market's code: 404). The job is run by the worker after commit."""
    if not policies.may(by, "view"):
        raise Forbidden()
    errors: dict[str, str] = {}
    if kind not in ExportKind.values:
        errors["kind"] = _("Unknown kind of export.")
    if date_from is None:
        errors["date_from"] = _("Enter the first day of the period.")
    if date_to is None:
        errors["date_to"] = _("Enter the last day of the period.")
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = _("The period ends before it starts.")
    if market and not policies.is_hq(by):
        own = policies.market_id_of(by)
        if own is None or not Market.objects.filter(code=market, pk=own).exists():
            raise NotFound(_("No such market."))
    elif market and not Market.objects.filter(code=market).exists():
        errors["market"] = _("No such market.")
    if errors:
        raise ValidationFailed(errors)
    assert date_from is not None and date_to is not None
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=by,
            kind=kind,
            params={
                "date_from": date_from.isoformat(),
                "date_to": date_to.isoformat(),
                "market": market or None,
                "language": translation.get_language() or settings.LANGUAGE_CODE,
            },
        )
        audit_record(actor=by, action="export_start", obj=job, note=kind)
        from campaigndesk.exports.tasks import export_run  # the task module imports this one

        transaction.on_commit(lambda: export_run.enqueue(job.pk))
    return job


def _set_progress(job_id: int, progress: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=min(progress, 100))


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Runs a queued job: writes the workbook to a temporary file row by row, updating the
    progress (0–95 % while writing, 100 % once the file is stored), then stores it under
    `exports/`. A job that is not queued any more is left alone (run once). What the job
    exports is decided now, by what its owner may see now."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=0
    )
    job = ExportJob.objects.select_related("user__profile").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    params = job.params
    try:
        with translation.override(params.get("language") or settings.LANGUAGE_CODE):
            reports = selectors.market_reports_for(
                user=job.user,
                date_from=date.fromisoformat(params["date_from"]),
                date_to=date.fromisoformat(params["date_to"]),
                market=params.get("market"),
            )
            total = reports.count()
            shown = 0

            def progress(done: int) -> None:
                nonlocal shown
                percent = done * PROGRESS_WRITING_SHARE // max(total, 1)
                if percent > shown:
                    shown = percent
                    _set_progress(job.pk, percent)

            with tempfile.TemporaryFile() as target:
                rows = workbooks.market_reports_xlsx(reports, target=target, on_progress=progress)
                target.seek(0)
                job.file.save(selectors.job_filename(job), File(target), save=False)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        progress=100,
        rows=rows,
        file=job.file.name,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
