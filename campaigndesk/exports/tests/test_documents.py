"""The proposal as .docx, the daily reports and the evaluation as .xlsx, opened back with
python-docx and openpyxl: what a reader of the file sees, and who may get it."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.core.demo import _full_sections
from campaigndesk.evaluation.tests.builders import error_of, people, walk
from campaigndesk.reviews import services as review_services
from campaigndesk.reviews.models import OpinionItem

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPINION = "宣传排期过粗,请按周列出社区与媒体节点。"
RESPONSE = "已按周细化宣传排期,附社区与媒体节点表。"
SUMMARY = "请按企划部意见细化宣传排期。"


def reviewed(title: str = "宝鸡健康周", head: str = "sn_head") -> Activity:
    """A proposal walked through one review round with an opinion item, its response and the
    consolidated summary, then approved (the real services)."""
    who = people()
    manager = who["hq_manager"]
    start = date(2026, 9, 1)
    activity = activity_services.activity_create(
        by=who[head],
        data={
            "title": title,
            "venue": "宝鸡市人民公园",
            "start_date": start,
            "end_date": start + timedelta(days=2),
            "sections": _full_sections(title),
            "budget": [
                {"category": "venue", "item": "公园场地", "amount": "12000.00"},
                {"category": "promotion", "item": "社区宣传", "amount": "8500.50"},
            ],
            "targets": {"attendance": 1200, "leads": 240, "sales": "150000.00"},
            "staffing": [],
        },
    )
    activity_services.lead_time_exception_grant(
        activity_id=activity.pk, by=manager, reason="测试导出。"
    )
    activity_services.activity_submit(activity_id=activity.pk, by=who[head])
    review_services.review_open(
        activity_id=activity.pk,
        by=manager,
        meeting_at=activity.created_at,
        departments=["planning", "finance"],
    )
    review_services.opinion_give(
        activity_id=activity.pk,
        by=who["planning_reviewer"],
        department="planning",
        items=[{"section": "schedule", "comment": OPINION, "required_change": True}],
    )
    review_services.opinion_give(
        activity_id=activity.pk, by=who["finance_reviewer"], department="finance", items=[]
    )
    review_services.review_return(activity_id=activity.pk, by=manager, summary=SUMMARY)
    item = OpinionItem.objects.get(opinion__round__activity=activity)
    activity_services.activity_resubmit(
        activity_id=activity.pk,
        by=who[head],
        changes={},
        staffing=[{"name": "刘现场", "role": "总指挥", "duty": "统筹执行"}],
        responses=[{"item_id": item.pk, "response": RESPONSE}],
    )
    activity_services.activity_decide(activity_id=activity.pk, by=manager, decision="approve")
    return Activity.objects.get(pk=activity.pk)


def docx_text(content: bytes) -> tuple[list[str], list[list[list[str]]]]:
    """The paragraphs, and each table as rows of cell texts."""
    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    return paragraphs, tables


def sheet_rows(sheet: Worksheet) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the proposal -------------------------------------------------------------------------------


def test_the_proposal_reads_like_a_company_document(api, demo: None) -> None:
    activity = reviewed()
    response = api("sn_head", language="en").get(f"/activities/{activity.pk}/export.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "attachment" in response["Content-Disposition"]
    paragraphs, tables = docx_text(response.content)

    assert paragraphs[0] == "宝鸡健康周"
    # Title block: market, dates, venue, status, version.
    block = {row[0]: row[1] for row in tables[0]}
    assert block["Market"] == "陕西市场"
    assert block["Venue"] == "宝鸡市人民公园"
    assert block["Dates"] == "2026-09-01 to 2026-09-03 (3 days)"
    assert block["Status"] == "Approved"
    assert block["Version"] == "Version 2 (template v1)"
    # Every section of the template, titled, with its text.
    for key, text in _full_sections("宝鸡健康周").items():
        assert text in paragraphs, key
    assert "Background and goals" in paragraphs
    # A section left empty says so.
    assert paragraphs[paragraphs.index("Expected results") + 1] == "(not filled in)"
    # The budget with its total.
    budget = next(t for t in tables if t[0] == ["Category", "Item", "Amount (¥)"])
    assert budget[1:3] == [
        ["Venue", "公园场地", "12,000.00"],
        ["Advertising and promotion", "社区宣传", "8,500.50"],
    ]
    assert budget[-1][0] == "Total" and budget[-1][-1] == "20,500.50"
    # Targets and staffing.
    targets = next(t for t in tables if t[0][0] == "Attendance")
    assert targets[1] == ["1200", "240", "150,000.00"]
    staffing = next(t for t in tables if t[0] == ["Name", "Role", "Duty"])
    assert staffing[1] == ["刘现场", "总指挥", "统筹执行"]
    # The review round: the opinion, the change required and the market's response.
    assert "Round 1 (version 1), meeting" in " ".join(paragraphs)
    opinions = next(t for t in tables if "Market's response" in t[0])
    assert opinions[1] == ["Programme and schedule", OPINION, "Yes", RESPONSE]
    assert any(p.startswith("Planning · 刘洋") for p in paragraphs)
    finance = next(i for i, p in enumerate(paragraphs) if p.startswith("Finance · 孙丽"))
    assert paragraphs[finance + 1] == "No remarks."
    assert paragraphs[paragraphs.index("Consolidated summary") + 1] == SUMMARY


def test_the_proposal_is_chinese_by_default(api, demo: None) -> None:
    activity = reviewed()
    response = api("hq_manager").get(f"/activities/{activity.pk}/export.docx")
    paragraphs, _tables = docx_text(response.content)
    assert "活动背景与目的" in paragraphs
    assert "Background and goals" not in paragraphs


def test_a_draft_exports_with_what_is_written_so_far(api, demo: None) -> None:
    draft = walk(title="草稿活动", until="draft")
    response = api("sn_head", language="en").get(f"/activities/{draft.pk}/export.docx")
    paragraphs, tables = docx_text(response.content)
    assert "草稿活动" in paragraphs
    assert {row[0]: row[1] for row in tables[0]}["Status"] == "Draft"
    assert paragraphs[-1] == "Not reviewed yet."


def test_the_page_link_gives_the_same_document(client, user, demo: None) -> None:
    activity = reviewed()
    client.force_login(user("sn_xa_head"))
    response = client.get(reverse("exports:proposal", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response.wsgi_request.path == f"/exports/activities/{activity.pk}/proposal.docx"
    assert OPINION in [row[1] for t in docx_text(response.content)[1] for row in t]


# --- visibility ---------------------------------------------------------------------------------


DAILY_REPORTS_API = "/activities/{id}/daily-reports/export.xlsx"


@pytest.mark.parametrize(
    "path",
    [
        "/activities/{id}/export.docx",
        DAILY_REPORTS_API,
        "/activities/{id}/evaluation/export.xlsx",
    ],
)
def test_another_markets_activity_does_not_exist(api, demo: None, path: str) -> None:
    activity = walk(until="evaluated")
    error_of(api("ha_head").get(path.format(id=activity.pk)), 404, "not_found")
    assert api("hq_manager").get(path.format(id=activity.pk)).status_code == 200
    assert api().get(path.format(id=activity.pk)).status_code == 401


@pytest.mark.parametrize(
    "name", ["exports:proposal", "exports:daily_reports", "exports:evaluation"]
)
def test_another_markets_page_links_are_404(client, user, demo: None, name: str) -> None:
    activity = walk(until="evaluated")
    client.force_login(user("ha_head"))
    assert client.get(reverse(name, args=[activity.pk])).status_code == 404
    client.force_login(user("sn_staff1"))
    assert client.get(reverse(name, args=[activity.pk])).status_code == 200


# --- daily reports ------------------------------------------------------------------------------

REPORTS = [
    {"visitors": 480, "leads": 96, "sales": "38250.50", "issues": "签到区拥堵。"},
    {"visitors": 512, "leads": 101, "sales": "0.05", "public_relations": "晚报采访。"},
    {"visitors": 139, "leads": 19, "sales": "55549.45", "progress": "=SUM(A1:A9)"},
]


def test_daily_reports_from_the_api(api, demo: None) -> None:
    activity = walk(start=date(2026, 3, 2), days=3, reports=REPORTS, until="wrapped_up")
    response = api("sn_head").get(DAILY_REPORTS_API.format(id=activity.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    rows = sheet_rows(load_workbook(io.BytesIO(response.content)).active)
    assert [r[1] for r in rows[1:]] == [480, 512, 139, 1131]


def test_daily_reports_one_row_a_day_and_the_totals(client, user, demo: None) -> None:
    activity = walk(start=date(2026, 3, 2), days=3, reports=REPORTS, until="wrapped_up")
    client.force_login(user("sn_head"))
    response = client.get(
        reverse("exports:daily_reports", args=[activity.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = sheet_rows(sheet)
    assert rows[0] == [
        "Date",
        "Visitors",
        "Leads",
        "Sales (¥)",
        "Progress against the day's plan",
        "Public relations",
        "Competitor moves",
        "Issues",
        "Reported by",
    ]
    days = rows[1:4]
    assert [r[0].date() for r in days] == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)]
    assert [r[1] for r in days] == [480, 512, 139]
    assert days[0][6] == "竞品在广场东侧买赠。" and days[0][7] == "签到区拥堵。"
    assert days[1][5] == "晚报采访。"
    assert days[0][8] == "周海涛"
    # What someone typed stays text, never a formula.
    assert days[2][4] == "=SUM(A1:A9)"
    assert sheet.cell(row=4, column=5).data_type == "s"
    # Sales are numbers with two decimals; the totals row is the sum of the days.
    assert sheet.cell(row=2, column=4).number_format == "#,##0.00"
    assert [Decimal(str(r[3])) for r in days] == [
        Decimal("38250.5"),
        Decimal("0.05"),
        Decimal("55549.45"),
    ]
    totals = rows[4]
    assert totals[0] == "Total"
    assert totals[1] == sum(r[1] for r in days) == 1131
    assert totals[2] == sum(r[2] for r in days) == 216
    assert Decimal(str(totals[3])) == Decimal("93800.00")
    assert sheet.cell(row=5, column=4).number_format == "#,##0.00"
    assert len(rows) == 5


# --- the evaluation -----------------------------------------------------------------------------


def test_the_evaluation_costs_beside_the_budget_and_the_metrics(api, demo: None) -> None:
    activity = walk(
        until="evaluated",
        costs={"venue": "12000.00", "promotion": "18800.00", "materials": "9600.50"},
        sales="93800.00",
        attendance=1130,
        leads=216,
    )
    response = api("sn_head", language="en").get(
        f"/activities/{activity.pk}/evaluation/export.xlsx"
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Costs", "Metrics"]
    costs = sheet_rows(workbook["Costs"])
    assert costs[0] == ["Category", "Budget (¥)", "Actual (¥)", "Variance (¥)"]
    assert costs[1] == ["Venue", 10000, 12000, 2000]
    assert costs[2] == ["Advertising and promotion", 18000, 18800, 800]
    assert costs[3][0] == "Materials and gifts"
    assert Decimal(str(costs[3][2])) == Decimal("9600.5")
    assert costs[4][0] == "Total"
    assert Decimal(str(costs[4][2])) == Decimal("40400.5")
    assert Decimal(str(costs[4][3])) == Decimal("2400.5")
    assert workbook["Costs"]["C2"].number_format == "#,##0.00"

    metrics = workbook["Metrics"]
    values = {row[0]: row[1] for row in sheet_rows(metrics)[1:]}
    assert values["ROI"] == pytest.approx(1.3218)  # (93800 − 40400.50) / 40400.50
    assert values["Cost per attendee (¥)"] == pytest.approx(35.75)  # 40400.50 / 1130
    assert values["Attendance attainment"] == pytest.approx(1.13)
    assert values["Evaluation completed"] == "Yes"
    found = {r[0].value: r[1] for r in metrics.iter_rows(min_row=2)}
    assert found["ROI"].number_format == "0.00%"
    assert found["Cost per attendee (¥)"].number_format == "#,##0.00"


def test_no_evaluation_yet_is_404(api, demo: None) -> None:
    activity = walk(until="approved")
    response = api("hq_manager").get(f"/activities/{activity.pk}/evaluation/export.xlsx")
    error_of(response, 404, "not_found")
