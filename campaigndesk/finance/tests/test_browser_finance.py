"""财务权 in Chromium, in Chinese: a proposal over a soft cap — the HQ manager's approval is
refused with the warning, the finance reviewer signs off with a reason on the page, then the
HQ manager approves. Finance sets the caps in the budget form first."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import seed_demo
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.finance.models import FinanceSignoff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
TITLE = "汉中健康大讲堂"


@pytest.fixture
def finance_live(transactional_db: None, live_server, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    seed_demo(walkthrough=False)
    start = timezone.localdate() + timedelta(days=30)
    walk(
        title=TITLE,
        start=start,
        until="resubmitted",
        budget={"venue": "25000.00", "promotion": "8000.00"},
    )
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
    page.screenshot(path=str(ARTIFACTS / f"finance-{name}.png"), full_page=True)


def test_soft_cap_sign_off_walk(browser, finance_live) -> None:  # type: ignore[no-untyped-def]
    base = finance_live.url
    activity = Activity.objects.get(title=TITLE)
    year = activity.start_date.year

    # Finance sets the market's budget and a venue cap of 20000 (soft) / 30000 (hard).
    finance = browser_as(browser, base, "finance_reviewer")
    finance.get_by_test_id("nav-budgets").click()
    finance.wait_for_url("**/finance/**")
    finance.goto(f"{base}/finance/markets/SN/?year={year}")
    finance.get_by_test_id("edit-budget").click()
    finance.locator("#id_total").fill("500000")
    finance.locator("input[name=soft_venue]").fill("20000")
    finance.locator("input[name=hard_venue]").fill("30000")
    finance.get_by_test_id("save-budget").click()
    finance.wait_for_url(f"**/finance/markets/SN/?year={year}")
    assert finance.get_by_test_id("figure-total").inner_text() == "¥500,000.00"
    assert TITLE in finance.get_by_test_id("counted-planned").inner_text()

    # The HQ manager tries to approve: refused, the panel shows the soft-cap warning.
    manager = browser_as(browser, base, "hq_manager")
    manager.goto(f"{base}/activities/{activity.pk}/")
    assert manager.get_by_test_id("finance-panel").get_attribute("data-state") == "soft"
    manager.get_by_test_id("approve").click()
    manager.wait_for_url(f"**/activities/{activity.pk}/")
    assert manager.locator("#messages .alert-danger").count() == 1
    assert manager.get_by_test_id("activity-status").inner_text() == "已细化上报"
    assert "¥5,000.00" in manager.get_by_test_id("finance-soft").inner_text()
    assert manager.get_by_test_id("finance-signoff-form").count() == 0
    shot(manager, "refused")

    # Finance signs off with a reason on the activity page, on a phone.
    finance = browser_as(browser, base, "finance_reviewer", width=390)
    finance.goto(f"{base}/activities/{activity.pk}/")
    finance.locator("#signoff-reason").fill("场地为市中心剧院,已三方比价,同意超出软上限。")
    finance.get_by_test_id("finance-signoff-submit").click()
    finance.wait_for_url(f"**/activities/{activity.pk}/")
    assert "已三方比价" in finance.get_by_test_id("finance-signoff").inner_text()
    assert FinanceSignoff.objects.filter(activity=activity).count() == 1
    shot(finance, "signed")

    # Now the HQ manager approves.
    manager.goto(f"{base}/activities/{activity.pk}/")
    assert manager.get_by_test_id("finance-panel").get_attribute("data-state") == "signed"
    manager.get_by_test_id("approve").click()
    manager.wait_for_url(f"**/activities/{activity.pk}/")
    assert manager.get_by_test_id("activity-status").inner_text() == "已批准"
    manager.goto(f"{base}/finance/markets/SN/?year={year}")
    assert TITLE in manager.get_by_test_id("counted-committed").inner_text()
    assert manager.get_by_test_id("figure-committed").inner_text() == "¥33,000.00"
