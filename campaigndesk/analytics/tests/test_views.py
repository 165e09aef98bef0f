"""The analytics page and its .xlsx downloads: charts with their tables, what each market's
people see, a bounded number of queries."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from campaigndesk.activities.models import Activity
from campaigndesk.analytics.selectors import CHARTS
from campaigndesk.evaluation.tests.builders import walk

QUERY = {"from": "2026-01-01", "to": "2026-10-31"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def finished(head: str, start: date, sales: str, attendance: int, title: str) -> Activity:
    return walk(
        head=head, title=title, start=start, until="evaluated", sales=sales, attendance=attendance
    )


@pytest.fixture
def history(demo: None) -> dict[str, Activity]:
    """Cost 40400.00 each: ROI 0.5 and 1.5 in SN, 0 in HA."""
    return {
        "sn1": finished("sn_head", date(2026, 3, 2), "60600.00", 1010, "西安一"),
        "sn2": finished("sn_head", date(2026, 5, 4), "101000.00", 404, "西安二"),
        "ha": finished("ha_head", date(2026, 3, 16), "40400.00", 808, "郑州一"),
    }


@pytest.fixture
def login(client, user):  # type: ignore[no-untyped-def]
    def as_(username: str):  # type: ignore[no-untyped-def]
        client.force_login(user(username))
        return client

    return as_


def get(client: Any, url: str, **params: Any) -> Any:
    return client.get(url, {**QUERY, **params}, HTTP_ACCEPT_LANGUAGE="en")


def page(client: Any, **params: Any) -> str:
    response = get(client, reverse("analytics:index"), **params)
    assert response.status_code == 200
    return response.content.decode()  # type: ignore[no-any-return]


def chart_data(html: str, key: str) -> dict[str, Any]:
    found = re.search(
        rf'<script id="chart-data-{key}" type="application/json">(.*?)</script>', html
    )
    assert found, key
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def workbook_rows(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_the_page_draws_each_chart_beside_its_table(login, history) -> None:
    html = page(login("hq_manager"))
    charts = re.findall(r'data-chart="([a-z-]+)" data-chart-source="chart-data-\1"', html)
    assert charts == list(CHARTS)
    for key in CHARTS:
        assert f'data-testid="table-{key}"' in html
        assert f"{reverse('analytics:xlsx', args=[key])}?from=2026-01-01&amp;to=2026-10-31" in html
    # ECharts and the page's script are loaded here, from static files; no inline code.
    assert "vendor/echarts/echarts.min.js" in html
    assert "js/analytics.js" in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    data = chart_data(html, "roi-by-market")
    assert data["labels"] == ["河南市场", "四川市场", "陕西市场"]
    assert data["series"][0]["data"] == ["0.0000", None, "1.0000"]
    # The table beside it, formatted for reading.
    table = html[html.index('data-testid="table-roi-by-market"') :]
    table = table[: table.index("</table>")]
    assert "100.0%" in table and "¥70.00" in table and "¥80,800.00" in table


def test_a_market_head_sees_their_market_only(login, history) -> None:
    client = login("ha_head")
    html = page(client, market="SN")
    assert "郑州一" in html
    assert "西安一" not in html and "陕西市场" not in html
    assert chart_data(html, "roi-by-market")["labels"] == ["河南市场"]
    assert 'name="market"' not in html  # no market to choose
    assert get(client, reverse("analytics:index"), activity=history["sn1"].pk).status_code == 404
    url = reverse("analytics:xlsx", args=["budget-vs-actual"])
    assert get(client, url, activity=history["sn1"].pk).status_code == 404


def test_the_activity_link_shows_its_daily_visitors(login, history) -> None:
    html = page(login("sn_staff1"), activity=history["sn1"].pk)
    data = chart_data(html, "daily-visitors")
    assert data["labels"] == ["03-02", "03-03"]
    assert data["series"][0]["data"] == [500, None]
    assert "Daily visitors: 西安一" in html
    assert "Budget vs actual: 西安一" in html
    assert f'<option value="{history["sn1"].pk}" selected>' in html


def test_an_empty_period_says_so(login, demo: None) -> None:
    html = page(login("hq_manager"), **{"from": "2020-01-01", "to": "2020-12-31"})
    assert "data-chart=" not in html
    assert html.count('data-testid="empty-') == len(CHARTS)


def test_the_default_period_and_logins(client, login, demo: None) -> None:
    response = client.get(reverse("analytics:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = login("sn_head").get(reverse("analytics:index"))
    assert response.status_code == 200
    assert "nav-analytics" in response.content.decode()


def test_the_page_takes_a_fixed_number_of_queries(login, history) -> None:
    client = login("hq_manager")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, activity=history["sn1"].pk)
        return len(captured.captured_queries)

    before = count()
    for n in range(3):
        finished("sc_head", date(2026, 7, 1 + 7 * n), "50000.00", 500, f"成都{n}")
    assert count() == before


# --- .xlsx --------------------------------------------------------------------------------------


def test_roi_by_market_xlsx_holds_the_table(login, history) -> None:
    response = get(login("hq_manager"), reverse("analytics:xlsx", args=["roi-by-market"]))
    assert 'filename="roi-by-market-20260101-20261031.xlsx"' in response["Content-Disposition"]
    rows = workbook_rows(response)
    assert rows[0] == [
        "Market",
        "Activities",
        "Total cost (¥)",
        "Sales (¥)",
        "Attendance",
        "ROI (median)",
        "Cost per attendee (median, ¥)",
    ]
    assert rows[1] == ["河南市场", 1, 40400, 40400, 808, 0, 50]
    assert rows[2] == ["四川市场", 0, 0, 0, 0, None, None]
    assert rows[3] == ["陕西市场", 2, 80800, 161600, 1414, 1, 70]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["F4"].number_format == "0.00%"
    assert sheet["G4"].number_format == "#,##0.00"


def test_daily_visitors_xlsx_with_its_totals(login, history) -> None:
    url = reverse("analytics:xlsx", args=["daily-visitors"])
    rows = workbook_rows(get(login("sn_head"), url, activity=history["sn1"].pk))
    assert rows[0] == ["Date", "Visitors", "Leads", "Sales (¥)"]
    assert [r[0].date() for r in rows[1:3]] == [date(2026, 3, 2), date(2026, 3, 3)]
    assert rows[1][1:] == [500, 100, 40000]
    assert rows[2][1:] == [None, None, None]
    assert rows[3] == ["Total", 500, 100, 40000]


@pytest.mark.parametrize("key", CHARTS)
def test_every_chart_has_its_xlsx(login, history, key: str) -> None:
    rows = workbook_rows(get(login("hq_manager"), reverse("analytics:xlsx", args=[key])))
    assert len(rows) > 1


def test_the_attainment_xlsx_is_scoped_too(login, history) -> None:
    url = reverse("analytics:xlsx", args=["attainment"])
    rows = workbook_rows(get(login("sn_head"), url))
    assert [r[0] for r in rows[1:]] == ["西安一", "西安二"]
    assert Decimal(str(rows[1][11])) == Decimal("0.6733")  # 60600 / 90000


def test_an_unknown_chart_is_404(login, demo: None) -> None:
    assert get(login("hq_manager"), "/analytics/nothing.xlsx").status_code == 404
