"""Stage 4 in Chromium, in Chinese: finance enters the costs, the HQ manager completes the
evaluation and archives the activity, sends the lessons, the market acknowledges them; a
briefing is compiled, published and read by a market head."""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.conftest import approved_activity
from campaigndesk.core.demo import seed_demo
from campaigndesk.evaluation.models import Archive
from campaigndesk.onsite import services as onsite
from campaigndesk.preparation import services as prep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
TITLE = "延安红色健康行"


def wrapped_up() -> Activity:
    people = {u.username: u for u in User.objects.all()}
    activity = approved_activity(title=TITLE, days=30)

    def at(day, hour):  # type: ignore[no-untyped-def]
        return timezone.make_aware(datetime.combine(day, time(hour)))

    prep.support_team_save(
        activity_id=activity.pk,
        by=people["hq_manager"],
        name="",
        lead="planner_li",
        members=[
            {
                "username": "planner_li",
                "role": "planner",
                "duty": "统筹",
                "depart_at": at(activity.start_date, 7),
                "return_at": at(activity.end_date, 20),
            }
        ],
    )
    prep.support_team_publish(activity_id=activity.pk, by=people["hq_manager"])
    head = people["sn_head"]
    prep.activity_start_onsite(activity_id=activity.pk, by=head)
    for kind, topics in (
        ("briefing", []),
        ("training", ["execution", "roles", "consumer_psychology", "service", "risk_control"]),
        ("mobilization", []),
    ):
        onsite.meeting_record(
            activity_id=activity.pk,
            by=head,
            kind=kind,
            held_at=at(activity.start_date, 8),
            topics=topics,
        )
    onsite.daily_report_submit(
        activity_id=activity.pk,
        by=head,
        data={
            "date": activity.start_date,
            "visitors": 800,
            "leads": 150,
            "sales": "64000.00",
            "competitors": "竞品在同一街区发放优惠券。",
        },
    )
    onsite.summary_write(
        activity_id=activity.pk,
        by=head,
        kind="activity",
        strengths="红色主题吸引中老年人。",
        weaknesses="停车位不足。",
        text="达成。",
    )
    onsite.activity_wrap_up(activity_id=activity.pk, by=head)
    return activity


@pytest.fixture
def stage4_live(transactional_db: None, live_server, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    seed_demo(walkthrough=False)
    wrapped_up()
    return live_server


def browser_as(browser, base_url: str, username: str, width: int = 1280):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("campaign-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/activities/")
    return page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stage4-{name}.png"), full_page=True)


def test_stage4_walk(browser, stage4_live) -> None:  # type: ignore[no-untyped-def]
    base = stage4_live.url
    activity = Activity.objects.get(title=TITLE)

    finance = browser_as(browser, base, "finance_reviewer")
    finance.goto(f"{base}/activities/{activity.pk}/")
    finance.get_by_test_id("enter-costs").click()
    rows = finance.get_by_test_id("cost-row")
    rows.nth(0).locator("input[name=cost_amount]").fill("950.50")
    finance.get_by_test_id("save-costs").click()
    finance.wait_for_url(f"**/activities/{activity.pk}/")

    manager = browser_as(browser, base, "hq_manager")
    manager.goto(f"{base}/activities/{activity.pk}/")
    manager.get_by_test_id("evaluate").click()
    assert manager.locator("#attendance").input_value() == "800"  # from the daily reports
    manager.locator("#new_customers").fill("40")
    manager.get_by_test_id("complete-evaluation").click()
    manager.wait_for_url(f"**/activities/{activity.pk}/")
    metrics = manager.get_by_test_id("metrics").inner_text()
    assert "¥950.50" in metrics and "66.3330" in metrics  # ROI = (64000 − 950.50) / 950.50
    shot(manager, "evaluated")

    manager.get_by_test_id("archive").click()
    manager.get_by_test_id("archive-info").wait_for()
    archive = Archive.objects.get(activity=activity)
    assert archive.sha256 in manager.get_by_test_id("archive-info").inner_text()
    assert hashlib.sha256(archive.file.read()).hexdigest() == archive.sha256
    assert manager.get_by_test_id("activity-status").inner_text() == "已归档"

    manager.get_by_test_id("lessons-link").click()
    manager.locator("#text").fill("红色主题与社区结合效果好,可在其他市场复制。")
    manager.locator("#items").fill("提前协调停车\n增加志愿者引导")
    manager.get_by_test_id("send-lessons").click()
    manager.get_by_test_id("ack-lists").wait_for()

    staff = browser_as(browser, base, "sn_staff1", width=390)
    staff.goto(f"{base}/inbox/")
    staff.get_by_test_id("inbox").get_by_text(TITLE).first.click()
    staff.get_by_test_id("acknowledge").click()
    staff.get_by_test_id("acked").wait_for()
    shot(staff, "lessons-acknowledged-phone")

    manager.reload()
    assert (
        "马丽"
        in manager.get_by_test_id("ack-lists").locator(".text-success").locator("..").inner_text()
    )
    shot(manager, "lessons-lists")

    manager.goto(f"{base}/briefings/")
    start = activity.start_date.replace(day=1)
    manager.locator("#period_start").fill(start.isoformat())
    manager.locator("#period_end").fill(activity.end_date.isoformat())
    manager.get_by_test_id("compile").click()
    manager.get_by_test_id("briefing-form").wait_for()
    assert manager.get_by_test_id("briefing-market").count() == 3
    manager.locator("#intro").fill("本期陕西市场红色健康行效果突出。")
    manager.get_by_test_id("save-briefing").click()
    manager.get_by_test_id("publish-briefing").click()
    assert manager.get_by_test_id("briefing-status").inner_text() == "已公布"

    head = browser_as(browser, base, "ha_head")
    head.goto(f"{base}/briefings/")
    head.get_by_test_id("briefings").locator("a").first.click()
    assert "红色健康行" in head.inner_text("body")
    manager.reload()
    assert "吴志刚" in manager.get_by_test_id("read-receipts").inner_text()
    shot(manager, "briefing-read")
