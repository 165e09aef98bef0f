"""The market head's first steps in a real browser (Debian's Chromium), in Chinese."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def demo_live(transactional_db: None, live_server):  # type: ignore[no-untyped-def]
    seed_demo(walkthrough=False)
    return live_server


def log_in(page, base_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("campaign-demo")
    page.get_by_role("button", name="登录").click()


def test_market_head_creates_a_draft_with_two_budget_lines(page, demo_live) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, demo_live.url, "sn_head")
    page.wait_for_url("**/activities/")
    assert page.get_by_test_id("current-user").inner_text().strip().startswith("周海涛")

    page.get_by_test_id("new-activity").click()
    page.get_by_label("活动名称").fill("宝鸡秋季心脑血管健康讲座")
    start = timezone.localdate() + timedelta(days=40)
    page.get_by_label("开始日期").fill(start.isoformat())
    page.get_by_label("结束日期").fill((start + timedelta(days=1)).isoformat())
    page.get_by_label("活动地点").fill("宝鸡市渭滨区文化馆")
    page.get_by_label("活动背景与目的").fill("竞品在宝鸡加大投入,需要一次大型讲座巩固终端。")

    page.get_by_test_id("add-budget-line").click()
    page.get_by_test_id("add-budget-line").click()
    rows = page.locator("[data-budget-row]")
    rows.nth(1).wait_for()
    assert rows.count() == 2
    rows.nth(0).locator("select").select_option("venue")
    rows.nth(0).locator("[name=budget_item]").fill("场地租赁")
    rows.nth(0).locator("[name=budget_amount]").fill("8000")
    rows.nth(1).locator("select").select_option("promotion")
    rows.nth(1).locator("[name=budget_item]").fill("社区宣传")
    rows.nth(1).locator("[name=budget_amount]").fill("4500.50")
    assert page.locator("[data-budget-total]").inner_text() == "¥12,500.50"

    page.get_by_test_id("save-draft").click()
    page.wait_for_url("**/activities/*/")
    assert page.get_by_test_id("activity-status").inner_text() == "草稿"
    assert page.get_by_test_id("budget-total").inner_text() == "¥12,500.50"
    assert "天" in page.get_by_test_id("deadline").inner_text()

    page.get_by_role("link", name="推广活动").first.click()
    page.wait_for_url("**/activities/")
    listed = page.get_by_test_id("activity-list")
    assert "宝鸡秋季心脑血管健康讲座" in listed.inner_text()

    activity = Activity.objects.get(title="宝鸡秋季心脑血管健康讲座")
    assert activity.market.code == "SN"
    assert [str(line.amount) for line in activity.budget_lines.all()] == ["8000.00", "4500.50"]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "activity-list-zh.png"), full_page=True)
    page.goto(f"{demo_live.url}/activities/{activity.pk}/")
    page.screenshot(path=str(ARTIFACTS / "activity-detail-zh.png"), full_page=True)


def test_edit_on_a_phone_shows_errors_beside_the_field(page, demo_live) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, demo_live.url, "sn_head")
    page.wait_for_url("**/activities/")
    page.locator("[data-testid=activity-list] a").first.click()
    page.get_by_test_id("edit-activity").click()
    rows = page.locator("[data-budget-row]")
    rows.nth(0).locator("[name=budget_amount]").fill("-1")
    page.get_by_test_id("save-draft").click()
    assert page.get_by_test_id("form-errors").is_visible()
    assert "不能为负" in rows.nth(0).inner_text()
    # Nothing overflows sideways on a 390-pixel screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "activity-edit-phone-zh.png"), full_page=True)


def test_english_is_complete_on_the_list(page, demo_live) -> None:  # type: ignore[no-untyped-def]
    log_in(page, demo_live.url, "hq_manager")
    page.wait_for_url("**/activities/")
    page.locator(".navbar .dropdown-toggle").click()
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/activities/")
    assert page.get_by_role("heading", name="Activities").is_visible()
    # HQ sees every market's sample draft.
    text = page.get_by_test_id("activity-list").inner_text()
    assert "Shaanxi" not in text  # market names are data, shown as entered
    assert text.count("Draft") == 3
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
