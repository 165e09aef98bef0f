"""Stage 4 pages: the evaluation panel on the activity page, finance's costs form, the
manager's evaluation form, the archive button, and the lessons page with its acknowledgements."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.evaluation.models import Archive, Evaluation
from campaigndesk.evaluation.tests.builders import walk


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def login(client, user):  # type: ignore[no-untyped-def]
    def as_(username: str):  # type: ignore[no-untyped-def]
        client.force_login(user(username))
        return client

    return as_


def page(client, activity: Activity) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("activities:detail", args=[activity.pk]))
    assert response.status_code == 200
    return response.content.decode()  # type: ignore[no-any-return]


def status_of(activity: Activity) -> str:
    return Activity.objects.get(pk=activity.pk).status


# --- the activity page --------------------------------------------------------------------------


def test_a_wrapped_up_activity_offers_each_role_its_step(login, demo: None) -> None:
    activity = walk()
    evaluate = reverse("evaluation:evaluate", args=[activity.pk])
    costs = reverse("evaluation:costs", args=[activity.pk])

    html = page(login("hq_manager"), activity)
    assert 'data-testid="evaluation-panel"' in html
    assert evaluate in html

    html = page(login("finance_reviewer"), activity)
    assert costs in html
    assert evaluate not in html

    html = page(login("sn_head"), activity)
    assert costs not in html and evaluate not in html


def test_an_activity_on_site_has_no_evaluation_panel(login, demo: None) -> None:
    activity = walk(until="on_site")
    html = page(login("hq_manager"), activity)
    assert 'data-testid="evaluation-panel"' not in html
    assert reverse("evaluation:evaluate", args=[activity.pk]) not in html


# --- finance's costs form -----------------------------------------------------------------------


def test_finance_enters_costs_on_the_costs_form(login, demo: None) -> None:
    activity = walk()
    client = login("finance_reviewer")
    url = reverse("evaluation:costs", args=[activity.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="cost_amount"' in form.content.decode()
    response = client.post(
        url,
        {
            "cost_category": ["venue", "promotion", "staff"],
            "cost_amount": ["12000.00", "18800.00", ""],  # an empty row is left out
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(activity=activity)
    assert [(c.category, str(c.amount)) for c in evaluation.costs.all()] == [
        ("venue", "12000.00"),
        ("promotion", "18800.00"),
    ]
    assert evaluation.completed_at is None
    again = client.get(url).content.decode()  # reopening the form shows what was saved
    assert 'value="12000.00"' in again and 'value="18800.00"' in again


def test_a_bad_amount_is_shown_on_its_row(login, demo: None) -> None:
    activity = walk()
    response = login("finance_reviewer").post(
        reverse("evaluation:costs", args=[activity.pk]),
        {"cost_category": ["venue"], "cost_amount": ["-5"]},
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Evaluation.objects.filter(activity=activity).exists()


@pytest.mark.parametrize("username", ["sn_head", "planning_reviewer"])
def test_others_get_403_on_the_costs_form(login, demo: None, username: str) -> None:
    activity = walk()
    assert login(username).get(reverse("evaluation:costs", args=[activity.pk])).status_code == 403


def test_another_market_gets_404(login, demo: None) -> None:
    activity = walk()
    client = login("ha_head")
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 404
    assert client.get(reverse("evaluation:lessons", args=[activity.pk])).status_code == 404


# --- the manager's evaluation form --------------------------------------------------------------


def test_the_evaluation_form_starts_from_the_daily_reports(login, demo: None) -> None:
    activity = walk(
        days=2,
        reports=[
            {"visitors": 520, "leads": 96, "sales": "41000.00"},
            {"visitors": 610, "leads": 120, "sales": "52800.00"},
        ],
    )
    response = login("hq_manager").get(reverse("evaluation:evaluate", args=[activity.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="1130"' in html  # 520 + 610 visitors
    assert 'value="216"' in html  # 96 + 120 leads
    sales = re.search(r'name="sales"[^>]*value="([^"]*)"', html)
    assert sales is not None and Decimal(sales.group(1)) == Decimal("93800.00")


def test_posting_the_evaluation_form_completes_it(login, demo: None) -> None:
    activity = walk()
    client = login("hq_manager")
    response = client.post(
        reverse("evaluation:evaluate", args=[activity.pk]),
        {
            "cost_category": ["venue", "promotion", "materials"],
            "cost_amount": ["12000.00", "18800.00", "9600.50"],
            "sales": "93800.00",
            "attendance": "1130",
            "leads": "216",
            "new_customers": "72",
            "notes": "礼品准备不足。",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:detail", args=[activity.pk])
    assert status_of(activity) == "evaluated"
    html = page(client, activity)
    assert 'data-testid="metrics"' in html
    assert "1.3218" in html  # ROI
    assert "1.1300" in html  # attendance attainment
    assert "礼品准备不足" in html
    assert f'action="{reverse("evaluation:archive", args=[activity.pk])}"' in html


def test_a_wrong_number_keeps_the_form_with_the_error(login, demo: None) -> None:
    activity = walk()
    response = login("hq_manager").post(
        reverse("evaluation:evaluate", args=[activity.pk]),
        {
            "cost_category": ["venue"],
            "cost_amount": ["100.00"],
            "sales": "很多",
            "attendance": "10",
            "leads": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    assert 'value="很多"' in html
    assert status_of(activity) == "wrapped_up"


def test_finance_gets_403_on_the_evaluation_form(login, demo: None) -> None:
    activity = walk()
    client = login("finance_reviewer")
    assert client.get(reverse("evaluation:evaluate", args=[activity.pk])).status_code == 403


# --- the archive button -------------------------------------------------------------------------


def test_the_archive_button_freezes_the_activity(login, demo: None, media: Path) -> None:
    activity = walk(until="evaluated")
    client = login("hq_manager")
    response = client.post(reverse("evaluation:archive", args=[activity.pk]))
    assert response.status_code == 302
    assert status_of(activity) == "archived"
    archive = Archive.objects.get(activity=activity)
    html = page(client, activity)
    assert 'data-testid="archive-info"' in html
    assert archive.sha256 in html
    archive_action = f'action="{reverse("evaluation:archive", args=[activity.pk])}"'
    assert archive_action not in html  # no second button
    download = client.get(reverse("evaluation:download", args=[activity.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_the_market_sees_no_archive_button(login, demo: None, media: Path) -> None:
    activity = walk(until="evaluated")
    client = login("sn_head")
    assert 'data-testid="archive"' not in page(client, activity)
    assert client.post(reverse("evaluation:archive", args=[activity.pk])).status_code == 403
    assert status_of(activity) == "evaluated"


# --- the lessons page ---------------------------------------------------------------------------


def test_lessons_are_sent_acknowledged_and_followed_up(login, demo: None) -> None:
    activity = walk(until="evaluated")
    url = reverse("evaluation:lessons", args=[activity.pk])

    manager = login("hq_manager")
    assert 'data-testid="lessons-form"' in manager.get(url).content.decode()
    response = manager.post(
        url,
        {"text": "统一认识:社区联合邀约值得推广。", "items": "签到区动线要分开\n\n礼品要备足\n"},
    )
    assert response.status_code == 302

    staff = login("sn_staff1")
    html = staff.get(url).content.decode()
    assert "社区联合邀约值得推广" in html
    assert "签到区动线要分开" in html and "礼品要备足" in html
    assert 'data-testid="acknowledge"' in html
    assert 'data-testid="ack-lists"' not in html  # the lists are for HQ
    assert staff.post(reverse("evaluation:ack", args=[activity.pk])).status_code == 302
    html = staff.get(url).content.decode()
    assert 'data-testid="acked"' in html
    assert 'data-testid="acknowledge"' not in html

    html = login("hq_manager").get(url).content.decode()
    lists = html[html.index('data-testid="ack-lists"') :]
    acknowledged, pending = lists.split("text-warning-emphasis", 1)
    assert "马丽" in acknowledged  # sn_staff1
    assert "马丽" not in pending
    for name in ("周海涛", "杨帆", "朱婷", "胡军", "冯伟", "何平", "高峰"):
        assert name in pending


def test_lessons_are_not_offered_before_the_evaluation(login, demo: None) -> None:
    activity = walk()
    url = reverse("evaluation:lessons", args=[activity.pk])
    client = login("hq_manager")
    assert 'data-testid="lessons-form"' not in client.get(url).content.decode()
    response = client.post(url, {"text": "太早了", "items": ""})
    assert response.status_code == 200
    assert not hasattr(Activity.objects.get(pk=activity.pk), "lesson")


def test_the_market_cannot_send_lessons(login, demo: None) -> None:
    activity = walk(until="evaluated")
    url = reverse("evaluation:lessons", args=[activity.pk])
    response = login("sn_head").post(url, {"text": "自己写", "items": ""})
    assert response.status_code == 403


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("earlier", [1, 4])
def test_the_archived_activity_page_does_not_grow_with_the_markets_history(
    login, demo: None, media: Path, django_assert_num_queries, earlier: int
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    for index in range(earlier):
        walk(title=f"往期 {index}", start=today - timedelta(days=40 + 30 * index), until="archived")
    activity = walk(title="本次", start=today - timedelta(days=10), until="archived")
    client = login("hq_manager")
    page(client, activity)
    # session, user; activity + budget lines + template sections; versions; review rounds +
    # departments + opinions + items; delegation; items_by_section: activity + template +
    # sections; support team + members; materials; daily reports; summaries + team members +
    # participants; wrap-up checklist: meeting kinds, a report exists, a summary exists;
    # meetings + attendees; report totals; reference pack: previous + its budget lines + costs,
    # same period last year, summaries; evaluation + costs; lesson; comparison: finished
    # activities + budget lines + costs (one query each, however many); archive; its playbook;
    # header: unread count, delegation; history: actors, profiles, audit rows; the activity's
    # attachments (one query for every list of files and receipts on the page).
    with django_assert_num_queries(46):
        page(client, activity)
