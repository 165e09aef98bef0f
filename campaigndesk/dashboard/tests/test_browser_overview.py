"""Issue 8 in Chromium, in Chinese: HQ opens the overview and a chart; the HQ manager marks an
archived activity as a playbook; a market head starts a draft from it and finds it by search."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import seed_demo
from campaigndesk.evaluation.tests.builders import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture
def live(transactional_db: None, live_server, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    seed_demo(walkthrough=False)
    today = timezone.localdate()
    walk(
        title="西安义诊样板活动", head="sn_head", start=today - timedelta(days=70), until="archived"
    )
    walk(title="郑州健康讲座", head="ha_head", start=today - timedelta(days=40), until="evaluated")
    return live_server


def browser_as(browser, base_url: str, username: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
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
    page.screenshot(path=str(ARTIFACTS / f"overview-{name}.png"), full_page=True)


def test_overview_chart_playbook_and_search(browser, live) -> None:  # type: ignore[no-untyped-def]
    base = live.url
    manager = browser_as(browser, base, "hq_manager")
    manager.get_by_test_id("nav-dashboard").click()
    board = manager.get_by_test_id("board")
    assert "西安义诊样板活动" in board.inner_text()
    assert "陕西市场" in manager.get_by_test_id("market-figures").inner_text()
    shot(manager, "dashboard")

    manager.get_by_test_id("nav-analytics").click()
    manager.locator("[data-chart] svg").first.wait_for()
    assert manager.get_by_test_id("chart-card").count() >= 4
    shot(manager, "analytics")

    archived = Activity.objects.get(title="西安义诊样板活动")
    manager.goto(f"{base}/activities/{archived.pk}/")
    manager.get_by_test_id("mark-playbook").click()
    manager.wait_for_url("**/dashboard/playbooks/*/")

    head = browser_as(browser, base, "ha_head")
    head.goto(f"{base}/dashboard/playbooks/")
    head.get_by_test_id("playbooks").get_by_text("西安义诊样板活动").click()
    start = timezone.localdate() + timedelta(days=45)
    head.locator("#clone-title").fill("洛阳义诊复制活动")
    head.locator("#clone-start").fill(start.isoformat())
    head.locator("#clone-end").fill((start + timedelta(days=1)).isoformat())
    head.get_by_test_id("clone").click()
    head.wait_for_url("**/activities/*/edit/")
    copy = Activity.objects.get(title="洛阳义诊复制活动")
    assert copy.market.code == "HA" and copy.playbook is not None

    head.get_by_test_id("nav-search").fill("洛阳义诊")
    head.get_by_test_id("nav-search").press("Enter")
    head.get_by_test_id("search-results").wait_for()
    hits = head.get_by_test_id("search-results").inner_text()
    assert "洛阳义诊复制活动" in hits
    links = head.locator("[data-testid=search-results] a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    # The copy is found; the Shaanxi original (another market) never is.
    assert any(f"/activities/{copy.pk}/" in (href or "") for href in links)
    assert not any(f"/activities/{archived.pk}/" in (href or "") for href in links)
    shot(head, "search")
