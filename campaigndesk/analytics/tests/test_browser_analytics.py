"""HQ opens the analytics page in Chromium: every chart is drawn (SVG) beside its table, with no
script error; a market head's page draws their market only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from campaigndesk.core.demo import seed_demo
from campaigndesk.evaluation.tests.builders import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def analytics_live(transactional_db: None, live_server):  # type: ignore[no-untyped-def]
    seed_demo(walkthrough=False)
    for head, start, sales, title in (
        ("sn_head", date(2026, 3, 2), "60600.00", "西安健康周"),
        ("sn_head", date(2026, 5, 4), "101000.00", "宝鸡义诊"),
        ("ha_head", date(2026, 3, 16), "40400.00", "郑州路演"),
    ):
        walk(head=head, title=title, start=start, until="evaluated", sales=sales)
    return live_server


def login(browser, base_url: str, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900}
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


def test_hq_opens_the_charts(browser, analytics_live) -> None:  # type: ignore[no-untyped-def]
    base = analytics_live.url
    manager = login(browser, base, "hq_manager")
    manager.get_by_test_id("nav-analytics").click()
    manager.wait_for_url("**/analytics/")
    manager.goto(f"{base}/analytics/?from=2026-01-01&to=2026-10-31")
    charts = manager.locator("[data-chart]")
    assert charts.count() == 5
    for index in range(5):
        charts.nth(index).locator("svg").wait_for()
    assert "郑州路演" in manager.get_by_test_id("table-attainment").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    manager.screenshot(path=str(ARTIFACTS / "analytics-hq.png"), full_page=True)
    assert manager.js_errors == []

    head = login(browser, base, "ha_head")
    head.goto(f"{base}/analytics/?from=2026-01-01&to=2026-10-31")
    head.locator("[data-chart=roi-by-market] svg").wait_for()
    table = head.get_by_test_id("table-roi-by-market").inner_text()
    assert "河南市场" in table and "陕西市场" not in table
    assert head.js_errors == []
