"""Stage 2 in Chromium, in Chinese: the HQ manager forms and publishes the support team (seeing
a conflict first), logistics ships an item, the market head confirms receipt and starts on
site."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from campaigndesk.activities.models import Activity
from campaigndesk.conftest import approved_activity
from campaigndesk.core.demo import seed_demo
from campaigndesk.preparation.models import Material
from campaigndesk.preparation.services import material_add, support_team_publish, support_team_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
TITLE = "汉中健康大讲堂"


@pytest.fixture
def stage2_live(transactional_db: None, live_server):  # type: ignore[no-untyped-def]
    seed_demo(walkthrough=False)
    manager = User.objects.get(username="hq_manager")
    other = approved_activity(head="ha_head", title="洛阳义诊", days=30)
    activity = approved_activity(title=TITLE, days=30)
    # expert_zhang already serves the Luoyang activity on the same days: a conflict to see.
    day = other.start_date.isoformat()
    support_team_save(
        activity_id=other.pk,
        by=manager,
        name="",
        lead="expert_zhang",
        members=[
            {
                "username": "expert_zhang",
                "role": "expert",
                "duty": "讲座",
                "depart_at": _local(f"{day}T08:00"),
                "return_at": _local(f"{day}T20:00"),
            }
        ],
    )
    support_team_publish(activity_id=other.pk, by=manager)
    material_add(
        activity_id=activity.pk,
        by=manager,
        name="易拉宝",
        quantity="6",
        unit="个",
        owner_department="logistics",
        due_date=activity.start_date,
    )
    return live_server


def _local(text: str):  # type: ignore[no-untyped-def]
    from datetime import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.fromisoformat(text))


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"stage2-{name}.png"), full_page=True)


def as_user(browser, base_url: str, username: str, width: int = 1280):  # type: ignore[no-untyped-def]
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


def test_stage2_walk(browser, stage2_live) -> None:  # type: ignore[no-untyped-def]
    base = stage2_live.url
    activity = Activity.objects.get(title=TITLE)

    manager = as_user(browser, base, "hq_manager")
    manager.goto(f"{base}/activities/{activity.pk}/")
    manager.get_by_test_id("edit-team").click()
    row = manager.get_by_test_id("member-row").first
    row.locator("select[name=member_username]").select_option("expert_zhang")
    # The conflict shows before saving, with the calendar strip.
    manager.get_by_test_id("conflicts").wait_for()
    assert "洛阳义诊" in manager.get_by_test_id("conflicts").inner_text()
    assert manager.locator("[data-testid=calendar-strip] td.is-clash").count() >= 1
    shot(manager, "conflict")
    row.locator("select[name=member_username]").select_option("planner_li")
    row.locator("select[name=member_role]").select_option("planner")
    row.locator("input[name=member_duty]").fill("现场布置与流程把控")
    manager.get_by_test_id("add-member").click()
    second = manager.get_by_test_id("member-row").nth(1)
    second.locator("select[name=member_username]").select_option("support_zhao")
    second.locator("input[name=member_duty]").fill("签到与咨询")
    manager.get_by_test_id("no-conflicts").wait_for()
    manager.locator("#team-lead").select_option("planner_li")
    manager.get_by_test_id("save-team").click()
    manager.wait_for_url(f"**/activities/{activity.pk}/")
    assert "企划 1" in manager.get_by_test_id("role-counts").inner_text()
    manager.get_by_test_id("publish-team").click()
    manager.get_by_test_id("team-published").wait_for()
    shot(manager, "team-published")

    logistics = as_user(browser, base, "logistics_reviewer")
    logistics.goto(f"{base}/activities/{activity.pk}/")
    material = logistics.get_by_test_id("material").first
    material.locator("select[name=status]").select_option("shipped")
    material.locator("input[name=tracking_no]").fill("SF20261127")
    material.get_by_test_id("material-advance").click()
    logistics.wait_for_load_state()
    assert logistics.get_by_test_id("material-status").first.inner_text() == "已发货"

    head = as_user(browser, base, "sn_head", width=390)
    head.goto(f"{base}/activities/{activity.pk}/")
    head.get_by_test_id("material").first.get_by_test_id("material-advance").click()
    head.wait_for_load_state()
    assert head.get_by_test_id("material-status").first.inner_text() == "已签收"
    head.get_by_test_id("start-onsite").click()
    head.wait_for_load_state()
    assert head.get_by_test_id("activity-status").inner_text() == "驻外执行中"
    assert head.evaluate("document.documentElement.scrollWidth") <= 390
    shot(head, "on-site-phone")

    assert Material.objects.get(activity=activity).status == "received"
    member = as_user(browser, base, "support_zhao", width=390)
    member.goto(f"{base}/preparation/assignments/")
    assert TITLE in member.get_by_test_id("assignments").inner_text()
    shot(member, "assignments-phone")
