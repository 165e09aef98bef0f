"""The full market export: started from "my exports", run by the worker with its progress
written as it goes, downloaded by whoever started it and by nobody else."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from campaigndesk.activities.models import Activity
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.tests.builders import error_of, ok, people, walk
from campaigndesk.exports import services
from campaigndesk.exports.models import ExportJob
from campaigndesk.exports.tasks import export_run
from campaigndesk.onsite.models import DailyReport

TASK = "campaigndesk.exports.tasks.export_run"


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def with_reports(activity: Activity, days: int, visitors: int = 100) -> None:
    """`days` more daily reports after the activity's first (bulk: the export's volume)."""
    by = people()["sn_head"] if activity.market.code == "SN" else people()["ha_head"]
    DailyReport.objects.bulk_create(
        DailyReport(
            activity=activity,
            date=activity.start_date + timedelta(days=n),
            visitors=visitors,
            leads=10,
            sales=Decimal("1000.25"),
            progress="按计划推进。",
            reported_by=by,
        )
        for n in range(1, days + 1)
    )


def rows_of(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def start(by: str, **params: Any) -> ExportJob:
    return services.export_job_start(
        by=people()[by],
        date_from=params.get("date_from", date(2026, 1, 1)),
        date_to=params.get("date_to", date(2026, 12, 31)),
        market=params.get("market"),
    )


def test_the_job_runs_to_done_with_its_file(
    media: Path, client, user, demo: None, django_capture_on_commit_callbacks
) -> None:
    sn = walk(start=date(2026, 3, 2), title="西安健康周", until="wrapped_up")
    with_reports(sn, 249)  # 250 reports in all
    walk(head="ha_head", start=date(2026, 3, 9), title="郑州路演", until="wrapped_up")
    walk(start=date(2025, 6, 1), title="去年的活动", until="wrapped_up")  # outside the period

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = start("hq_manager")
    assert len(callbacks) == 1
    [queued] = DBTaskResult.objects.filter(task_path=TASK)
    assert queued.args_kwargs["args"] == [job.pk]
    assert (job.status, job.progress) == ("queued", 0)
    assert AuditEntry.objects.filter(action="export_start", object_id=job.pk).exists()

    written: list[int] = []
    original = services._set_progress

    def spy(job_id: int, progress: int) -> None:
        written.append(progress)
        original(job_id, progress)

    services._set_progress = spy  # type: ignore[assignment]
    try:
        assert export_run.call(job.pk) == "done"
    finally:
        services._set_progress = original  # type: ignore[assignment]

    # Progress goes up as the rows are written, at most once per percent, then 100 when stored.
    assert written == sorted(written) and len(set(written)) == len(written)
    assert written[-1] == 95 and len(written) == 95
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows) == ("done", 100, 251)
    assert job.finished_at is not None
    assert job.file.name.startswith("exports/")
    assert (media / job.file.name).exists()

    client.force_login(user("hq_manager"))
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200
    assert 'filename="daily-reports-2026-01-01-2026-12-31.xlsx"' in response["Content-Disposition"]
    rows = rows_of(b"".join(response.streaming_content))
    body, totals = rows[1:-1], rows[-1]
    assert len(body) == 251
    assert {r[1] for r in body} == {"西安健康周", "郑州路演"}
    assert [r[1] for r in body].count("郑州路演") == 1
    assert body[0][0] == "河南市场"  # by market code: HA before SN
    assert totals[3] == sum(r[3] for r in body) == 500 + 249 * 100 + 500
    assert Decimal(str(totals[5])) == Decimal("40000.00") * 2 + Decimal("1000.25") * 249


def test_a_market_head_exports_only_their_market(media: Path, demo: None) -> None:
    walk(start=date(2026, 3, 2), title="西安健康周", until="wrapped_up")
    walk(head="ha_head", start=date(2026, 3, 9), title="郑州路演", until="wrapped_up")
    job = start("ha_head")
    export_run.call(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as f:
        rows = rows_of(f.read())
    assert [r[1] for r in rows[1:-1]] == ["郑州路演"]


def test_hq_may_choose_a_market(media: Path, demo: None) -> None:
    walk(start=date(2026, 3, 2), title="西安健康周", until="wrapped_up")
    walk(head="ha_head", start=date(2026, 3, 9), title="郑州路演", until="wrapped_up")
    job = start("hq_manager", market="SN")
    export_run.call(job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as f:
        assert [r[1] for r in rows_of(f.read())[1:-1]] == ["西安健康周"]


def test_a_job_runs_once(media: Path, demo: None) -> None:
    job = start("hq_manager")
    assert export_run.call(job.pk) == "done"
    name = ExportJob.objects.get(pk=job.pk).file.name
    assert export_run.call(job.pk) == "done"
    assert ExportJob.objects.get(pk=job.pk).file.name == name
    assert export_run.call(job.pk + 1000) == "missing"


def test_a_failing_export_is_marked_failed(media: Path, demo: None, monkeypatch) -> None:
    job = start("hq_manager")

    def broken(*args: Any, **kwargs: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(services.workbooks, "market_reports_xlsx", broken)
    with pytest.raises(OSError, match="disk full"):
        export_run.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "disk full")
    assert job.finished_at is not None


# --- who may start and download -----------------------------------------------------------------


def test_only_the_owner_downloads(media: Path, client, user, demo: None) -> None:
    job = start("sn_head")
    export_run.call(job.pk)
    for other in ("hq_manager", "sn_staff1", "ha_head"):
        client.force_login(user(other))
        assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
        assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
    client.force_login(user("sn_head"))
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 200


def test_no_download_before_it_is_done(media: Path, client, user, demo: None) -> None:
    job = start("sn_head")
    client.force_login(user("sn_head"))
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_the_api_starts_lists_and_downloads(media: Path, api, demo: None) -> None:
    walk(start=date(2026, 3, 2), until="wrapped_up")
    head = api("sn_head")
    body = ok(head.post("/exports", {"date_from": "2026-01-01", "date_to": "2026-06-30"}), 201)
    assert (body["status"], body["progress"], body["download_url"]) == ("queued", 0, None)
    export_run.call(body["id"])
    done = ok(head.get(f"/exports/{body['id']}"))
    assert (done["status"], done["progress"], done["rows"]) == ("done", 100, 1)
    assert [j["id"] for j in ok(head.get("/exports"))] == [body["id"]]
    response = head.get(f"/exports/{body['id']}/download")
    assert response.status_code == 200
    assert len(rows_of(b"".join(response.streaming_content))) == 3  # header, 1 report, totals
    other = api("hq_manager")
    error_of(other.get(f"/exports/{body['id']}"), 404, "not_found")
    error_of(other.get(f"/exports/{body['id']}/download"), 404, "not_found")
    assert ok(other.get("/exports")) == []


def test_the_api_refuses_a_bad_period_and_another_market(api, demo: None) -> None:
    head = api("sn_head")
    error = error_of(
        head.post("/exports", {"date_from": "2026-06-30", "date_to": "2026-01-01"}),
        422,
        "validation_error",
    )
    assert set(error["details"]["fields"]) == {"date_to"}
    error_of(
        head.post("/exports", {"date_from": "2026-01-01", "date_to": "2026-06-30", "market": "HA"}),
        404,
        "not_found",
    )
    ok(
        head.post("/exports", {"date_from": "2026-01-01", "date_to": "2026-06-30", "market": "SN"}),
        201,
    )
    error = error_of(
        api("hq_manager").post(
            "/exports", {"date_from": "2026-01-01", "date_to": "2026-06-30", "market": "XX"}
        ),
        422,
        "validation_error",
    )
    assert set(error["details"]["fields"]) == {"market"}
    assert ExportJob.objects.count() == 1


# --- the page -----------------------------------------------------------------------------------


def test_the_page_starts_a_job_and_polls_its_row(media: Path, client, user, demo: None) -> None:
    client.force_login(user("hq_manager"))
    page = client.get(reverse("exports:jobs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="export-form"' in html
    assert 'name="market"' in html  # HQ chooses a market

    response = client.post(
        reverse("exports:jobs"),
        {"date_from": "2026-01-01", "date_to": "2026-12-31", "market": "SN"},
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.params["market"] == "SN"
    html = client.get(reverse("exports:jobs")).content.decode()
    row = client.get(reverse("exports:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    for text in (html, row.content.decode()):
        assert f'id="job-{job.pk}"' in text
        assert 'hx-trigger="every 2s"' in text
        assert 'value="0"' in text
        assert reverse("exports:download", args=[job.pk]) not in text

    export_run.call(job.pk)
    row_html = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    # Done: the bar is full, the polling stops, the file is offered.
    assert 'hx-trigger="every 2s"' not in row_html
    assert 'value="100"' in row_html
    assert reverse("exports:download", args=[job.pk]) in row_html


def test_the_page_shows_errors_beside_the_fields(client, user, demo: None) -> None:
    client.force_login(user("sn_head"))
    html = client.get(reverse("exports:jobs")).content.decode()
    assert 'name="market"' not in html  # a market's people export their own market
    response = client.post(reverse("exports:jobs"), {"date_from": "2026-06-30", "date_to": ""})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert ExportJob.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_export(media: Path, demo: None) -> None:
    walk(start=date(2026, 3, 2), until="wrapped_up")
    job = start("sn_head")  # committed at once here, as in production: the task is queued
    out = io.StringIO()
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows) == ("done", 100, 1)
    assert DBTaskResult.objects.get(task_path=TASK).status == "SUCCESSFUL"
    with job.file.open("rb") as f:
        assert len(rows_of(f.read())) == 3
