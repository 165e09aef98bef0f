"""Stage-3 pages from the browser's side, without a browser: the daily report form from a phone
(a failed save loses nothing), the reports with their chart, the meeting form, "my tasks", the
wrap-up button, and the query count of the activity page on site."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.onsite.models import DailyReport, Meeting, Task
from campaigndesk.onsite.tests.test_services import (
    ALL_TOPICS,
    on_site,
    record,
    report,
    summary,
)


class Elements(HTMLParser):
    """Every start tag's attributes, plus `<tag>`, `<form>` (the test id of the form it is in)
    and `<text>` for a textarea or script."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.items: list[dict[str, Any]] = []
        self._open: dict[str, Any] | None = None
        self._form: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element: dict[str, Any] = {"<tag>": tag, "<form>": self._form, **dict(attrs)}
        self.items.append(element)
        if tag == "form":
            self._form = element.get("data-testid") or ""
        if tag in ("textarea", "script"):
            element["<text>"] = ""
            self._open = element

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["<text>"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("textarea", "script"):
            self._open = None
        elif tag == "form":
            self._form = None


def elements(response) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return Elements(response.content.decode()).items


def by_testid(response, testid: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return [e for e in elements(response) if e.get("data-testid") == testid]


def form_values(response, form: str = "report-form") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the fields of the form `form` show: inputs' values and textareas' text, by name."""
    values = {}
    for e in elements(response):
        if e["<form>"] != form:
            continue
        if e["<tag>"] == "input" and e.get("name") and e["name"] != "csrfmiddlewaretoken":
            values[e["name"]] = e.get("value") or ""
        elif e["<tag>"] == "textarea":
            values[e["name"]] = e["<text>"].strip("\n")
    return values


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="campaign-demo")
    return client


@pytest.fixture
def activity(user) -> Activity:  # type: ignore[no-untyped-def]
    return on_site(user)


def typed(activity: Activity, **changes: str) -> dict[str, str]:
    """The report as a phone posts it."""
    return {
        "date": activity.start_date.isoformat(),
        "visitors": "320",
        "leads": "45",
        "sales": "12000.50",
        "progress": "上午人流偏少,下午补上",
        "public_relations": "电视台采访 5 分钟",
        "competitors": "A 牌在对面降价",
        "issues": "音响故障半小时",
        **changes,
    }


# --- the daily report form ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("visitors", "abc"),
        ("sales", "12,000"),
        ("leads", "-2"),
        ("date", -1),  # the day before the start
        ("date", 2),  # the day after the end
    ],
)
def test_a_failed_report_keeps_everything_typed(  # type: ignore[no-untyped-def]
    activity: Activity, field: str, value: str | int
) -> None:
    if isinstance(value, int):
        value = (activity.start_date + timedelta(days=value)).isoformat()
    changes = {field: value}
    posted = typed(activity, **changes)
    page = client_for("sn_xa_head").post(reverse("onsite:report_new", args=[activity.pk]), posted)
    assert page.status_code == 200
    assert by_testid(page, "form-errors")
    assert form_values(page) == posted
    (bad,) = [e for e in elements(page) if e.get("name") == field]
    assert "is-invalid" in bad["class"]
    assert not DailyReport.objects.filter(activity=activity).exists()


def test_a_good_report_is_saved_and_leads_back_to_the_activity(activity: Activity) -> None:
    response = client_for("expert_zhang").post(
        reverse("onsite:report_new", args=[activity.pk]),
        typed(activity, date=activity.end_date.isoformat()),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:detail", args=[activity.pk])
    saved = DailyReport.objects.get(activity=activity)
    assert (saved.date, saved.visitors, saved.leads, saved.sales) == (
        activity.end_date,
        320,
        45,
        Decimal("12000.50"),
    )
    assert (saved.competitors, saved.reported_by.username) == ("A 牌在对面降价", "expert_zhang")


def test_a_second_report_for_the_day_links_to_the_first(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    first = report(user, activity, 0, visitors=100)
    page = client_for("sn_head").post(
        reverse("onsite:report_new", args=[activity.pk]), typed(activity)
    )
    assert page.status_code == 200
    assert by_testid(page, "form-errors")
    edit = reverse("onsite:report_edit", args=[activity.pk, first.pk])
    assert f'href="{edit}"' in page.content.decode()
    assert form_values(page) == typed(activity)
    assert DailyReport.objects.get(activity=activity).visitors == 100


def test_the_day_report_is_corrected_on_its_own_page(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    first = report(user, activity, 0, visitors=100, sales=Decimal("50.00"))
    url = reverse("onsite:report_edit", args=[activity.pk, first.pk])
    client = client_for("sn_head")
    shown = form_values(client.get(url))
    assert (shown["visitors"], shown["sales"]) == ("100", "50.00")
    changed = {**shown, "visitors": "130"}
    assert client.post(url, changed).status_code == 302
    first.refresh_from_db()
    assert first.visitors == 130


@pytest.mark.parametrize(("username", "status"), [("sn_staff1", 403), ("ha_head", 404)])
def test_the_report_form_is_for_reporters(activity: Activity, username: str, status: int) -> None:
    url = reverse("onsite:report_new", args=[activity.pk])
    assert client_for(username).get(url).status_code == status
    assert client_for(username).post(url, typed(activity)).status_code == status
    assert not DailyReport.objects.filter(activity=activity).exists()


def test_a_report_is_edited_only_under_its_own_activity(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    other = on_site(user, title="咸阳社区义诊", days=60)
    theirs = report(user, other, 0, visitors=5)
    url = reverse("onsite:report_edit", args=[activity.pk, theirs.pk])
    client = client_for("sn_head")
    assert client.get(url).status_code == 404
    assert client.post(url, {"visitors": "6"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.visitors == 5


# --- the reports page ---------------------------------------------------------------------------


def test_the_reports_page_charts_each_activity_day(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    report(user, activity, 1, visitors=320, leads=45, sales=Decimal("12000.50"))
    url = reverse("onsite:reports", args=[activity.pk])
    page = client_for("hq_manager").get(url)
    assert page.status_code == 200
    assert by_testid(page, "daily-chart")
    (script,) = [e for e in elements(page) if e.get("id") == "daily-chart-data"]
    chart = json.loads(script["<text>"])
    days = [activity.start_date, activity.end_date]
    assert chart["labels"] == [d.strftime("%m-%d") for d in days]
    assert chart["series"][0]["data"] == [None, 320]  # no report yet for the first day
    report(user, activity, 0, visitors=80, sales=Decimal("0.10"))
    page = client_for("hq_manager").get(url)
    (script,) = [e for e in elements(page) if e.get("id") == "daily-chart-data"]
    assert json.loads(script["<text>"])["series"][0]["data"] == [80, 320]
    assert by_testid(page, "reports-table")
    assert "¥12,000.60" in page.content.decode()  # the running total


def test_htmx_refreshes_only_the_table(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    report(user, activity, 0, visitors=77)
    page = client_for("hq_manager").get(
        reverse("onsite:reports", args=[activity.pk]), HTTP_HX_REQUEST="true"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert by_testid(page, "reports-table")
    assert "77" in html
    assert "<html" not in html
    assert not by_testid(page, "daily-chart")


# --- meetings and "my tasks" --------------------------------------------------------------------


def test_the_training_form_offers_the_five_topics(activity: Activity) -> None:
    url = reverse("onsite:meeting", args=[activity.pk])
    page = client_for("sn_head").get(url, {"kind": "training"})
    assert page.status_code == 200
    topics = [e["value"] for e in elements(page) if e.get("name") == "topics"]
    assert topics == ALL_TOPICS
    briefing = client_for("sn_head").get(url, {"kind": "briefing"})
    assert not [e for e in elements(briefing) if e.get("name") == "topics"]
    assert client_for("sn_staff1").get(url).status_code == 403


def test_a_training_without_topics_keeps_the_form(activity: Activity) -> None:
    page = client_for("sn_head").post(
        reverse("onsite:meeting", args=[activity.pk]),
        {
            "kind": "training",
            "held_at": f"{activity.start_date}T09:00",
            "chair": "expert_zhang",
            "attendees": ["sn_staff1", "sn_staff2"],
            "notes": "上午培训",
        },
    )
    assert page.status_code == 200
    assert by_testid(page, "form-errors")
    checked = [
        e["value"] for e in elements(page) if e.get("name") == "attendees" and "checked" in e
    ]
    assert checked == ["sn_staff1", "sn_staff2"]
    assert not Meeting.objects.filter(activity=activity).exists()


def test_tasks_agreed_at_the_briefing_reach_the_people(activity: Activity) -> None:
    response = client_for("sn_head").post(
        reverse("onsite:meeting", args=[activity.pk]),
        {
            "kind": "briefing",
            "held_at": f"{activity.start_date - timedelta(days=1)}T15:00",
            "chair": "sn_head",
            "attendees": ["sn_xa_head", "sn_bj_head"],
            "schedule_date": [activity.start_date.isoformat()],
            "schedule_milestone": ["开幕式"],
            "schedule_owner": ["周海涛"],
            "task_target": ["office:XA", "user:sn_staff3"],
            "task_task": ["西安签到台", "宝鸡物料清点"],
            "task_due_date": [activity.start_date.isoformat(), ""],
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert Task.objects.filter(activity=activity).count() == 2

    def tasks(username: str) -> str:
        page = client_for(username).get(reverse("onsite:tasks"))
        assert page.status_code == 200
        return page.content.decode()

    for username in ("sn_xa_head", "sn_staff1"):  # office XA
        assert "西安签到台" in tasks(username)
        assert "宝鸡物料清点" not in tasks(username)
    assert "西安签到台" not in tasks("sn_bj_head")
    assert "宝鸡物料清点" in tasks("sn_staff3")
    assert "宝鸡物料清点" not in tasks("sn_staff4")


# --- the activity page on site ------------------------------------------------------------------


def complete_but_the_summary(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    record(user, activity, "briefing")
    record(user, activity, "training", topics=ALL_TOPICS[:3])
    record(user, activity, "training", topics=ALL_TOPICS[3:])
    record(user, activity, "mobilization")
    report(user, activity, 0)


def test_the_wrap_up_button_waits_for_the_checklist(user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    url = reverse("activities:detail", args=[activity.pk])
    head = client_for("sn_head")
    (button,) = by_testid(head.get(url), "wrap-up")
    assert "disabled" in button
    complete_but_the_summary(user, activity)
    page = head.get(url)
    (button,) = by_testid(page, "wrap-up")
    assert "disabled" in button
    done = [e.get("data-done") for e in elements(page) if e["<tag>"] == "li" and "data-done" in e]
    assert done == ["1"] * 8 + ["0"]  # everything but the activity summary
    summary(user, activity, "activity")
    (button,) = by_testid(head.get(url), "wrap-up")
    assert "disabled" not in button
    assert not by_testid(client_for("sn_xa_head").get(url), "wrap-up")
    response = head.post(reverse("onsite:wrap_up", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Status.WRAPPED_UP


def test_the_activity_page_does_not_query_more_with_more_reports(  # type: ignore[no-untyped-def]
    user, activity: Activity, django_assert_num_queries
) -> None:
    # Four activity days, so that four daily reports fit.
    Activity.objects.filter(pk=activity.pk).update(end_date=activity.start_date + timedelta(days=3))
    activity.refresh_from_db()
    record(user, activity, "training", topics=["execution"], attendees=["sn_staff1"])
    report(user, activity, 0, visitors=10)
    summary(user, activity, by="sn_staff1")
    url = reverse("activities:detail", args=[activity.pk])
    head = client_for("sn_head")
    # 33 queries, none per report or meeting:
    #  1-2 session, user with profile
    #  3-6 the activity, its budget lines, template sections, versions
    #  7-11 review rounds, their departments, opinions, opinion items; delegations
    # 12-17 (preparation) the activity, its template, sections; support team, members, materials
    # 18-28 (on site) daily reports; summaries; team members and market attendees owing a
    #       summary; the checklist's meetings, "any daily report?", "activity summary?";
    #       meetings with their chairs, attendees, the attendees' profiles; the totals
    # 29-30 the reference pack: previous activity, same period last year
    # 31-33 unread notifications, delegations (menu), the history
    # 34    the activity's attachments (one query for every list of files on the page)
    with django_assert_num_queries(34):
        assert head.get(url).status_code == 200
    for n in (1, 2, 3):
        record(user, activity, "briefing", attendees=["sn_xa_head", "expert_zhang"])
        report(user, activity, n, visitors=10 + n, competitors="竞品动态")
    summary(user, activity, by="sn_xa_head")
    with django_assert_num_queries(34):
        page = head.get(url)
    assert len(by_testid(page, "meeting")) == 4
