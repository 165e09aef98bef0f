"""Stage 1 in a real browser, in Chinese, across the roles: the market head submits, two
reviewers give opinions, the HQ manager returns them, the head answers and resubmits with the
staffing arrangement, and the manager approves."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.activities.services import activity_create
from campaigndesk.core.demo import _full_sections, seed_demo
from campaigndesk.reviews.models import Opinion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
TITLE = "宝鸡端午健康节"


@pytest.fixture
def stage1_live(transactional_db: None, live_server):  # type: ignore[no-untyped-def]
    seed_demo(walkthrough=False)
    start = timezone.localdate() + timedelta(days=30)
    activity_create(
        by=User.objects.get(username="sn_head"),
        data={
            "title": TITLE,
            "venue": "宝鸡市金台区广场",
            "start_date": start,
            "end_date": start + timedelta(days=1),
            "sections": _full_sections(TITLE),
            "budget": [{"category": "venue", "item": "场地", "amount": "9000.00"}],
            "targets": {"attendance": 800, "leads": 100, "sales": "90000.00"},
            "staffing": [],
        },
    )
    return live_server


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stage1-{name}.png"), full_page=True)


def as_user(browser, base_url: str, username: str):  # type: ignore[no-untyped-def]
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


def open_activity(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url("**/activities/*/")


def test_stage1_walk_across_the_roles(browser, stage1_live) -> None:  # type: ignore[no-untyped-def]
    base = stage1_live.url
    activity = Activity.objects.get(title=TITLE)

    # The market head submits the draft.
    head = as_user(browser, base, "sn_head")
    open_activity(head)
    assert "天" in head.get_by_test_id("deadline").inner_text()
    head.get_by_test_id("submit-activity").click()
    head.wait_for_load_state()
    assert head.get_by_test_id("activity-status").inner_text() == "已提交"

    # The HQ manager opens the review meeting with planning and marketing.
    manager = as_user(browser, base, "hq_manager")
    open_activity(manager)
    meeting = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    manager.locator("#meeting-at").fill(meeting)
    manager.locator("#dept-logistics").uncheck()
    manager.locator("#dept-finance").uncheck()
    manager.get_by_test_id("open-review").click()
    manager.wait_for_load_state()
    assert manager.get_by_test_id("activity-status").inner_text() == "审核中"

    # Two reviewers give opinions from "my reviews".
    for username, comment, required in [
        ("planning_reviewer", "宣传排期请按周细化。", True),
        ("marketing_reviewer", "建议增加药店终端宣传。", False),
    ]:
        reviewer = as_user(browser, base, username)
        reviewer.get_by_test_id("nav-my-reviews").click()
        reviewer.get_by_test_id("my-reviews").get_by_text(TITLE).click()
        item = reviewer.get_by_test_id("opinion-item").first
        item.locator("select[name=item_section]").select_option("schedule")
        item.locator("select[name=item_required]").select_option("1" if required else "0")
        item.locator("textarea").fill(comment)
        if username == "planning_reviewer":
            reviewer.get_by_test_id("add-opinion-item").click()
            second = reviewer.get_by_test_id("opinion-item").nth(1)
            second.locator("textarea").fill("主题清晰。")
            shot(reviewer, "opinion-form")
        reviewer.get_by_test_id("send-opinion").click()
        reviewer.wait_for_url("**/activities/*/")
        reviewer.context.close()
    assert Opinion.objects.filter(round__activity=activity).count() == 2

    # The manager sees both departments have spoken and returns the opinions.
    manager.reload()
    assert "企划部" in manager.get_by_test_id("round-departments").inner_text()
    manager.locator("#return-summary").fill("请细化宣传排期,并补充现场人员分工。")
    shot(manager, "manager-return")
    manager.get_by_test_id("return-opinions").click()
    manager.wait_for_load_state()
    assert manager.get_by_test_id("activity-status").inner_text() == "待细化上报"

    # The head answers the required item and resubmits with the staffing arrangement.
    head.reload()
    assert head.get_by_test_id("unread-count").is_visible()
    head.get_by_test_id("answer-opinions").click()
    head.get_by_test_id("resubmit").click()  # nothing answered yet: refused, item marked
    head.wait_for_load_state()
    assert head.get_by_test_id("form-errors").is_visible()
    answers = head.get_by_test_id("opinion-to-answer")
    for index in range(answers.count()):
        answers.nth(index).locator("textarea").fill("已按周细化宣传排期。")
    row = head.get_by_test_id("staffing-row").first
    row.locator("select[name=staffing_username]").select_option("sn_bj_head")
    row.locator("input[name=staffing_role]").fill("现场总指挥")
    row.locator("input[name=staffing_duty]").fill("统筹现场执行")
    shot(head, "resubmit")
    head.get_by_test_id("resubmit").click()
    head.wait_for_url("**/activities/*/")
    assert head.get_by_test_id("activity-status").inner_text() == "已细化上报"
    assert "现场总指挥" in head.get_by_test_id("staffing").inner_text()

    # The manager compares the versions and approves.
    manager.reload()
    manager.get_by_test_id("compare-versions").click()
    assert "人员组织安排" in manager.get_by_test_id("diff").inner_text()
    shot(manager, "versions")
    manager.go_back()
    manager.get_by_test_id("approve").click()
    manager.wait_for_load_state()
    assert manager.get_by_test_id("activity-status").inner_text() == "已批准"
    shot(manager, "approved")

    activity.refresh_from_db()
    assert activity.status == "approved"
    assert activity.version == 2
