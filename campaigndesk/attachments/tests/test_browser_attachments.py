"""On a phone (390×844), in Chinese: the market head saves the day's report, takes a photo
with the camera input and sees its thumbnail — no sideways scrolling, no script errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.attachments.models import Attachment
from campaigndesk.attachments.samples import sample_image
from campaigndesk.core.demo import seed_demo
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.onsite.models import DailyReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "汉中社区义诊"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live(transactional_db: None, live_server, settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    seed_demo(walkthrough=False)
    walk(title=TITLE, start=timezone.localdate(), days=30, until="on_site")
    return live_server


def test_a_daily_report_photo_from_the_phone_camera(browser, live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    base = live.url
    activity = Activity.objects.get(title=TITLE)
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("sn_head")
    page.get_by_label("密码").fill("campaign-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/activities/")

    page.goto(f"{base}/onsite/activities/{activity.pk}/reports/new/")
    page.locator("#date").fill(activity.start_date.isoformat())
    page.locator("#visitors").fill("320")
    page.get_by_test_id("save-report").click()
    page.wait_for_url(f"**/activities/{activity.pk}/")
    report = DailyReport.objects.get(activity=activity)

    page.goto(f"{base}/onsite/activities/{activity.pk}/reports/{report.pk}/")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(sample_image(label="day1", size=(800, 600)).getvalue())
    camera = page.get_by_test_id("camera-input")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(str(photo))
    page.get_by_test_id("attachment-upload").click()
    thumb = page.get_by_test_id("attachment-thumb").locator("img")
    thumb.wait_for()
    page.wait_for_load_state("networkidle")
    assert thumb.evaluate("img => img.complete && img.naturalWidth") > 0  # the image loaded
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    saved = Attachment.objects.get(activity=activity)
    assert (saved.kind, saved.daily_report_id, saved.name) == ("photo", report.pk, "现场.jpg")
    # The activity page shows it too, still without sideways scrolling.
    page.goto(f"{base}/activities/{activity.pk}/")
    assert page.get_by_test_id("attachments-panel").get_by_test_id("attachment-thumb").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    context.close()
