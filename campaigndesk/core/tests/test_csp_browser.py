"""The Content-Security-Policy in Chromium: the main pages (charts, htmx swaps, Bootstrap menus),
the admin and the API docs run without a single policy violation or script error."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import seed_demo
from campaigndesk.evaluation.tests.builders import walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


@pytest.fixture
def live(transactional_db: None, live_server, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    seed_demo(walkthrough=False)
    walk(title="西安健康周", start=date(2026, 3, 2), until="archived")
    walk(head="ha_head", title="郑州路演", start=date(2026, 3, 16), until="evaluated")
    return live_server


class Watched:
    """A logged-in page that records CSP violations, console errors and script errors."""

    def __init__(self, browser: Any, base: str, username: str) -> None:
        self.base = base
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
        )
        context.add_init_script(LISTEN)
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console: {m.text}")
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        # A missing file shows in the console without its address: note the address instead.
        self.page.on(
            "response",
            lambda r: (
                self.problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        self.open("/login/")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill("campaign-demo")
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url("**/activities/")
        self.check("/login/ → /activities/")

    def open(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")
        self.page.wait_for_load_state("networkidle")

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [], f"{where}: {violations}"
        assert self.problems == [], f"{where}: {self.problems}"


def test_the_main_pages_run_under_the_policy(browser, live) -> None:  # type: ignore[no-untyped-def]
    archived = Activity.objects.get(title="西安健康周")
    manager = Watched(browser, live.url, "hq_manager")
    for path in (
        "/activities/",
        f"/activities/{archived.pk}/",
        "/dashboard/",
        "/dashboard/calendar/",
        "/inbox/",
        "/briefings/",
        "/people/?market=SN",
    ):
        manager.open(path)
        manager.check(path)
    manager.open("/analytics/?from=2026-01-01&to=2026-12-31")
    manager.page.locator("[data-chart] svg").first.wait_for()
    manager.check("analytics")
    # An htmx swap and a Bootstrap dropdown, under the policy.
    manager.open("/people/?market=SN")
    row = manager.page.locator('[data-username="sn_staff1"]')
    row.get_by_test_id("person-edit").click()
    manager.page.get_by_test_id("person-edit-form").wait_for()
    manager.page.locator(".dropdown-toggle").first.click()
    manager.check("people: edit in place")


def test_the_market_head_pages_and_a_phone(browser, live) -> None:  # type: ignore[no-untyped-def]
    head = Watched(browser, live.url, "sn_head")
    head.page.set_viewport_size({"width": 390, "height": 844})
    archived = Activity.objects.get(title="西安健康周")
    for path in ("/activities/", f"/activities/{archived.pk}/", "/onsite/tasks/", "/people/"):
        head.open(path)
        head.check(path)
    # Adding a person from a phone: the refused field is marked beside it, without a reload.
    head.page.locator("#add-username").fill("sn_staff1")
    head.page.locator("#add-display_name").fill("刘芳")
    head.page.locator("#add-password").fill("Xian-summer-2026")
    head.page.get_by_test_id("person-add-submit").click()
    head.page.locator("#add-username.is-invalid").wait_for()
    head.check("people: add refused")


def test_the_admin_and_the_api_docs_run_under_the_policy(browser, live) -> None:  # type: ignore[no-untyped-def]
    admin = Watched(browser, live.url, "admin")
    for path in ("/admin/", "/admin/auth/user/", "/admin/org/market/1/change/"):
        admin.open(path)
        admin.check(path)
    admin.open("/api/v1/docs")
    admin.page.locator(".swagger-ui .opblock").first.wait_for()
    admin.check("/api/v1/docs")
