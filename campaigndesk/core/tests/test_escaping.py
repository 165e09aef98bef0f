"""Markup typed into any text field shows as text on every page and stays literal text in the
exports: nothing a market types can run in someone else's browser or spreadsheet."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from campaigndesk.activities.models import Activity
from campaigndesk.briefings.models import Briefing, BriefingMarket
from campaigndesk.briefings.services import briefing_compile
from campaigndesk.evaluation.services import lessons_send
from campaigndesk.evaluation.tests.builders import people, walk
from campaigndesk.exports.tests.test_documents import docx_text

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
FORMULA = '=HYPERLINK("http://evil.example","点我")'
PAYLOAD = f"{SCRIPT}{IMG}"
# What must never reach a page unescaped.
RAW = ("<script>alert(1)", "<img src=x", "onerror=alert(2)>")


@pytest.fixture
def poisoned(demo: None) -> Activity:
    """An archived activity whose every text a person types carries markup, with lessons and a
    compiled briefing quoting it."""
    activity = walk(
        title=f"西安{SCRIPT}",
        start=date(2026, 3, 2),
        until="archived",
        strengths=f"亮点{PAYLOAD}",
        weaknesses=f"不足{IMG}",
        competitors=f"竞品{PAYLOAD}",
        reports=[{"visitors": 10, "leads": 1, "sales": "100.00", "progress": FORMULA + PAYLOAD}],
    )
    Activity.objects.filter(pk=activity.pk).update(venue=f"会场{IMG}")
    sections = dict(activity.sections)
    sections[next(iter(sections))] = f"背景{PAYLOAD}"
    Activity.objects.filter(pk=activity.pk).update(sections=sections)
    who = people()
    lessons_send(
        activity_id=activity.pk, by=who["hq_manager"], text=f"结论{PAYLOAD}", items=[f"条目{IMG}"]
    )
    briefing = briefing_compile(
        by=who["hq_manager"], period_start=date(2026, 3, 1), period_end=date(2026, 3, 31)
    )
    BriefingMarket.objects.filter(briefing=briefing).update(highlights=f"简报{PAYLOAD}")
    return Activity.objects.get(pk=activity.pk)


def _assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: {raw!r} unescaped"


def test_every_page_shows_the_markup_as_text(poisoned: Activity, user) -> None:
    briefing = Briefing.objects.get()
    pages = {
        "list": reverse("activities:list"),
        "detail": reverse("activities:detail", args=[poisoned.pk]),
        "versions": reverse("activities:versions", args=[poisoned.pk]),
        "reports": reverse("onsite:reports", args=[poisoned.pk]),
        "competitors": reverse("onsite:competitors"),
        "lessons": reverse("evaluation:lessons", args=[poisoned.pk]),
        "overview": reverse("dashboard:overview"),
        "calendar": reverse("dashboard:calendar"),
        "search": reverse("search:results") + "?q=西安",
        "search-query": reverse("search:results") + "?q=" + "%3Cscript%3Ealert(1)%3C/script%3E",
        "briefing": reverse("briefings:detail", args=[briefing.pk]),
        "briefings": reverse("briefings:list"),
        "analytics": reverse("analytics:index") + "?from=2026-01-01&to=2026-12-31",
    }
    client = Client()
    client.force_login(user("hq_manager"))
    shown = 0
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        html = response.content.decode()
        _assert_escaped(html, name)
        shown += html.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    # The title alone is on most of these pages: the text is there, shown, not dropped.
    assert shown >= 8
    detail = client.get(pages["detail"]).content.decode()
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in detail


def test_the_market_sees_it_as_text_too(poisoned: Activity, user) -> None:
    client = Client()
    client.force_login(user("sn_head"))
    for url in (
        reverse("activities:detail", args=[poisoned.pk]),
        reverse("onsite:tasks"),
        reverse("evaluation:lessons", args=[poisoned.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_escaped(response.content.decode(), url)


def test_the_exports_keep_the_literal_text(poisoned: Activity, user) -> None:
    client = Client()
    client.force_login(user("hq_manager"))
    paragraphs, tables = docx_text(
        client.get(reverse("exports:proposal", args=[poisoned.pk])).content
    )
    text = "\n".join(paragraphs + [c for t in tables for row in t for c in row])
    assert SCRIPT in text and f"背景{PAYLOAD}" in text  # literal, not markup or dropped
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("exports:daily_reports", args=[poisoned.pk])).content)
    )
    cells = [c for row in workbook.active.iter_rows() for c in row]
    progress = next(c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYP"))
    assert progress.data_type == "s"  # text, not a formula
    assert progress.value == FORMULA + PAYLOAD
