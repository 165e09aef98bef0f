"""Background work: a long export runs in the worker, so the page that asked stays quick."""

from __future__ import annotations

from django_tasks import task

from campaigndesk.exports import services


@task()
def export_run(job_id: int) -> str:
    """Runs one export job; returns its final status."""
    job = services.export_job_run(job_id=job_id)
    return job.status if job is not None else "missing"
