"""A market head starts a full market export in Chromium; the row's progress bar follows the
job (htmx polling) until the download link appears."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from campaigndesk.core.demo import seed_demo
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.exports.models import ExportJob
from campaigndesk.exports.tasks import export_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def exports_live(transactional_db: None, live_server, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    seed_demo(walkthrough=False)
    walk(title="西安健康周", start=date(2026, 3, 2), until="wrapped_up")
    return live_server


def test_the_export_row_follows_the_job(browser, exports_live) -> None:  # type: ignore[no-untyped-def]
    base = exports_live.url
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("sn_head")
    page.get_by_label("密码").fill("campaign-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/activities/")

    page.goto(f"{base}/exports/")
    page.locator("#date_from").fill("2026-01-01")
    page.locator("#date_to").fill("2026-06-30")
    page.get_by_test_id("start-export").click()
    page.wait_for_url("**/exports/")
    row = page.get_by_test_id("export-job").first
    assert row.get_attribute("data-status") == "queued"
    assert page.get_by_test_id("export-download").count() == 0

    # The worker runs it; the row polls every 2 s and shows the finished job.
    export_run.call(ExportJob.objects.get().pk)
    page.get_by_test_id("export-download").wait_for(timeout=10_000)
    assert page.get_by_test_id("export-job").first.get_attribute("data-status") == "done"
    assert page.get_by_test_id("export-progress").first.get_attribute("value") == "100"
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    assert download.value.suggested_filename == "daily-reports-2026-01-01-2026-06-30.xlsx"
    assert errors == []
