"""Stage 3 at a phone viewport, in Chinese: the market head records the briefing, the
training and the mobilisation, submits two daily reports (one refused first, with what was
typed kept), a support member writes an individual summary, the head writes the activity
summary and wraps up."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.conftest import approved_activity
from campaigndesk.core.demo import seed_demo
from campaigndesk.onsite.models import DailyReport
from campaigndesk.preparation.services import (
    activity_start_onsite,
    support_team_publish,
    support_team_save,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
TITLE = "宝鸡社区健康日"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def stage3_live(transactional_db: None, live_server):  # type: ignore[no-untyped-def]
    seed_demo(walkthrough=False)
    manager = User.objects.get(username="hq_manager")
    activity = approved_activity(title=TITLE, days=30)

    def at(day, hour):  # type: ignore[no-untyped-def]
        return timezone.make_aware(datetime.combine(day, time(hour)))

    support_team_save(
        activity_id=activity.pk,
        by=manager,
        name="",
        lead="support_zhao",
        members=[
            {
                "username": "support_zhao",
                "role": "support",
                "duty": "咨询",
                "depart_at": at(activity.start_date, 7),
                "return_at": at(activity.end_date, 20),
            }
        ],
    )
    support_team_publish(activity_id=activity.pk, by=manager)
    activity_start_onsite(activity_id=activity.pk, by=User.objects.get(username="sn_head"))
    return live_server


def phone(browser, base_url: str, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("campaign-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/activities/")
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stage3-{name}.png"), full_page=True)


def fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def record(page, base: str, activity: Activity, kind: str, setup) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/activities/{activity.pk}/")
    page.get_by_test_id("record-meeting").click()
    page.get_by_test_id(f"meeting-{kind}").click()
    page.wait_for_url(f"**kind={kind}")
    setup(page)
    page.get_by_test_id("save-meeting").click()
    page.wait_for_url(f"**/activities/{activity.pk}/")


def test_stage3_walk_on_a_phone(browser, stage3_live) -> None:  # type: ignore[no-untyped-def]
    base = stage3_live.url
    activity = Activity.objects.get(title=TITLE)
    head = phone(browser, base, "sn_head")

    def briefing(page):  # type: ignore[no-untyped-def]
        page.locator("#att-sn_xa_head").check()
        page.locator("#att-sn_bj_head").check()
        page.get_by_test_id("add-task").click()
        row = page.get_by_test_id("task-row").first
        row.locator("select[name=task_target]").select_option("office:XA")
        row.locator("input[name=task_task]").fill("签到台与来宾引导")
        page.get_by_test_id("add-milestone").click()
        page.get_by_test_id("schedule-row").first.locator("input[name=schedule_milestone]").fill(
            "9:00 开幕"
        )
        fits(page)

    def training(topics):  # type: ignore[no-untyped-def]
        def setup(page):  # type: ignore[no-untyped-def]
            page.locator("#att-sn_staff1").check()
            for topic in topics:
                page.locator(f"#topic-{topic}").check()

        return setup

    record(head, base, activity, "briefing", briefing)
    record(head, base, activity, "training", training(["execution", "roles", "service"]))
    record(head, base, activity, "training", training(["consumer_psychology", "risk_control"]))
    record(head, base, activity, "mobilization", lambda page: None)
    checklist = head.get_by_test_id("checklist")
    assert checklist.locator("[data-done='0']").count() == 2  # the report and the summary
    shot(head, "checklist")

    # Day one: a bad number is refused and everything typed stays.
    head.get_by_test_id("daily-report").click()
    head.locator("#date").fill(activity.start_date.isoformat())
    head.locator("#visitors").fill("三百")
    head.locator("#leads").fill("40")
    head.locator("#sales").fill("12000.50")
    head.locator("#competitors").fill("竞品在对面摆摊送鸡蛋")
    head.get_by_test_id("save-report").click()
    assert head.get_by_test_id("form-errors").is_visible()
    assert head.locator("#competitors").input_value() == "竞品在对面摆摊送鸡蛋"
    assert head.locator("#sales").input_value() == "12000.50"
    fits(head)
    shot(head, "report-refused")
    head.locator("#visitors").fill("300")
    head.get_by_test_id("save-report").click()
    head.wait_for_url(f"**/activities/{activity.pk}/")

    # Day two.
    head.goto(f"{base}/onsite/activities/{activity.pk}/reports/new/")
    head.locator("#date").fill(activity.end_date.isoformat())
    head.locator("#visitors").fill("450")
    head.locator("#leads").fill("60")
    head.locator("#sales").fill("20000")
    head.get_by_test_id("save-report").click()
    head.wait_for_url(f"**/activities/{activity.pk}/")
    assert "750" in head.get_by_test_id("totals").inner_text()
    assert DailyReport.objects.filter(activity=activity).count() == 2

    # A support member writes an individual summary.
    member = phone(browser, base, "support_zhao")
    member.goto(f"{base}/activities/{activity.pk}/")
    member.get_by_test_id("my-summary").click()
    member.locator("#strengths").fill("咨询区动线清晰")
    member.locator("#text").fill("两天共接待咨询三百余人次。")
    member.get_by_test_id("save-summary").click()
    member.wait_for_url(f"**/activities/{activity.pk}/")
    assert member.js_errors == []

    # The head writes the activity summary, then wraps up.
    head.goto(f"{base}/activities/{activity.pk}/")
    head.get_by_test_id("activity-summary").click()
    head.locator("#strengths").fill("宣传到位,到场人数超预期。")
    head.locator("#weaknesses").fill("午间签到拥堵。")
    head.locator("#text").fill("整体达成目标。")
    head.get_by_test_id("save-summary").click()
    head.wait_for_url(f"**/activities/{activity.pk}/")
    head.get_by_test_id("wrap-up").click()
    head.wait_for_load_state()
    assert head.get_by_test_id("activity-status").inner_text() == "已现场总结"
    fits(head)
    shot(head, "wrapped-up")
    assert head.js_errors == []

    # HQ sees the reports with the chart.
    manager = phone(browser, base, "hq_manager")
    manager.goto(f"{base}/onsite/activities/{activity.pk}/reports/")
    manager.locator("[data-testid=daily-chart] svg").wait_for()
    shot(manager, "reports-chart")
    assert manager.js_errors == []
