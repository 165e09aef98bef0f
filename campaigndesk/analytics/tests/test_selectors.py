"""The analytics tables against activities built with known answers, scoped by market, in a
fixed number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from campaigndesk.activities.models import Activity
from campaigndesk.analytics.selectors import (
    Filters,
    Table,
    analytics_for,
    default_period,
    months_of,
)
from campaigndesk.core.errors import NotFound
from campaigndesk.evaluation.tests.builders import people, walk

D = Decimal
PERIOD = Filters(date_from=date(2026, 1, 1), date_to=date(2026, 10, 31))
# The builder's costs: 12000.00 + 18800.00 + 9600.00 = 40400.00; budget 38000.00;
# targets 1000 attendees, 200 leads, 90000.00 sales.
COST = D("40400.00")


def finished(head: str, start: date, *, roi: str, attendance: int, **over: Any) -> Activity:
    """A finished activity whose ROI is `roi`: sales = cost × (1 + roi)."""
    sales = (COST * (1 + D(roi))).quantize(D("0.01"))
    return walk(
        head=head,
        title=over.pop("title", f"{head} {start}"),
        start=start,
        until="evaluated",
        sales=str(sales),
        attendance=attendance,
        **over,
    )


@pytest.fixture
def history(demo: None) -> dict[str, Activity]:
    """Two SN activities with ROI 0.5 and 1.5 (cost per attendee 40.00 and 100.00), one HA
    activity with ROI 0 (50.00), and an SN activity before the period."""
    return {
        "sn1": finished("sn_head", date(2026, 3, 2), roi="0.5", attendance=1010, title="西安一"),
        "sn2": finished("sn_head", date(2026, 5, 4), roi="1.5", attendance=404, title="西安二"),
        "ha": finished("ha_head", date(2026, 3, 16), roi="0", attendance=808, title="郑州一"),
        "old": finished("sn_head", date(2025, 12, 20), roi="3", attendance=100, title="去年"),
    }


def tables(username: str, filters: Filters = PERIOD) -> dict[str, Table]:
    with translation.override("en"):
        found = analytics_for(user=people()[username], filters=filters)
    return {t.key: t for t in found.tables}


def test_the_default_period_is_the_last_twelve_months() -> None:
    assert default_period(date(2026, 11, 27)) == (date(2025, 12, 1), date(2026, 11, 27))
    assert default_period(date(2026, 1, 5)) == (date(2025, 2, 1), date(2026, 1, 5))
    assert months_of(date(2025, 11, 30), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_roi_and_cost_per_attendee_by_market_are_medians(history) -> None:
    table = tables("hq_manager")["roi-by-market"]
    assert [c.label for c in table.columns] == [
        "Market",
        "Activities",
        "Total cost (¥)",
        "Sales (¥)",
        "Attendance",
        "ROI (median)",
        "Cost per attendee (median, ¥)",
    ]
    assert table.rows == [
        ["河南市场", 1, D("40400.00"), D("40400.00"), 808, D("0.0000"), D("50.00")],
        ["四川市场", 0, D("0.00"), D("0.00"), 0, None, None],
        # median(0.5, 1.5) = 1.0; median(40.00, 100.00) = 70.00; the 2025 activity is out.
        ["陕西市场", 2, D("80800.00"), D("161600.00"), 1414, D("1.0000"), D("70.00")],
    ]
    assert table.chart["labels"] == ["河南市场", "四川市场", "陕西市场"]
    assert [s["data"] for s in table.chart["series"]] == [
        ["0.0000", None, "1.0000"],
        ["50.00", None, "70.00"],
    ]


def test_a_market_head_sees_only_their_market(history) -> None:
    found = tables("ha_head")
    assert [r[0] for r in found["roi-by-market"].rows] == ["河南市场"]
    assert [c.label for c in found["roi-over-time"].columns] == ["Month", "河南市场"]
    assert [r[0] for r in found["attainment"].rows] == ["郑州一"]
    # HA's budget only: 10000 + 18000 + 10000.
    assert found["budget-vs-actual"].totals == ["Total", D("38000.00"), COST, D("2400.00")]
    # Asking for another market changes nothing for them; their own activity is the default.
    assert found["daily-visitors"].title == "Daily visitors: 郑州一"
    with pytest.raises(NotFound):
        tables("ha_head", Filters(PERIOD.date_from, PERIOD.date_to, activity_id=history["sn1"].pk))


def test_hq_narrows_to_one_market(history) -> None:
    found = tables("hq_manager", Filters(PERIOD.date_from, PERIOD.date_to, market="SN"))
    assert [r[0] for r in found["roi-by-market"].rows] == ["陕西市场"]
    assert [r[0] for r in found["attainment"].rows] == ["西安一", "西安二"]


def test_roi_over_time_by_month_and_market(history) -> None:
    finished("sn_head", date(2026, 3, 23), roi="1", attendance=808, title="西安三")
    table = tables("hq_manager")["roi-over-time"]
    assert [c.label for c in table.columns] == ["Month", "河南市场", "四川市场", "陕西市场"]
    assert [r[0] for r in table.rows] == months_of(date(2026, 1, 1), date(2026, 10, 31))
    by_month = {r[0]: r[1:] for r in table.rows}
    assert by_month["2026-03"] == [D("0.0000"), None, D("0.7500")]  # median(0.5, 1.0)
    assert by_month["2026-05"] == [None, None, D("1.5000")]
    assert by_month["2026-04"] == [None, None, None]
    sn = next(s for s in table.chart["series"] if s["name"] == "陕西市场")
    assert sn["data"][2] == "0.7500" and sn["data"][4] == "1.5000"


def test_targets_against_actuals(history) -> None:
    table = tables("hq_manager")["attainment"]
    # Oldest first.
    assert [r[0] for r in table.rows] == ["西安一", "郑州一", "西安二"]
    first = table.rows[0]
    assert first[1:] == [
        "陕西市场",
        date(2026, 3, 2),
        1000,
        1010,
        D("1.0100"),
        200,
        216,
        D("1.0800"),
        D("90000.00"),
        D("60600.00"),
        D("0.6733"),  # 60600 / 90000
    ]
    assert [s["data"][0] for s in table.chart["series"]] == ["1.0100", "1.0800", "0.6733"]
    assert table.chart["markLine"]["value"] == "1"


def test_budget_against_actual_of_the_period_or_one_activity(history) -> None:
    table = tables("hq_manager")["budget-vs-actual"]
    # SN ×2 and HA: budget 10000/18000/10000 each, actual 12000/18800/9600 each.
    assert table.rows == [
        ["Venue", D("30000.00"), D("36000.00"), D("6000.00")],
        ["Advertising and promotion", D("54000.00"), D("56400.00"), D("2400.00")],
        ["Materials and gifts", D("30000.00"), D("28800.00"), D("-1200.00")],
    ]
    assert table.totals == ["Total", D("114000.00"), D("121200.00"), D("7200.00")]
    chosen = Filters(PERIOD.date_from, PERIOD.date_to, activity_id=history["old"].pk)
    table = tables("hq_manager", chosen)["budget-vs-actual"]
    assert table.title == "Budget vs actual: 去年"
    assert table.totals == ["Total", D("38000.00"), D("40400.00"), D("2400.00")]


def test_daily_visitors_of_an_activity(demo: None) -> None:
    activity = walk(
        start=date(2026, 6, 1),
        days=3,
        title="三天的活动",
        reports=[
            {"visitors": 300, "leads": 60, "sales": "1000.10"},
            {"visitors": 420, "leads": 80, "sales": "2000.20"},
        ],
        until="wrapped_up",
    )
    filters = Filters(PERIOD.date_from, PERIOD.date_to, activity_id=activity.pk)
    table = tables("sn_staff1", filters)["daily-visitors"]
    assert table.rows == [
        [date(2026, 6, 1), 300, 60, D("1000.10")],
        [date(2026, 6, 2), 420, 80, D("2000.20")],
        [date(2026, 6, 3), None, None, None],  # no report that day
    ]
    assert table.totals == ["Total", 720, 140, D("3000.30")]
    assert table.chart["labels"] == ["06-01", "06-02", "06-03"]
    assert table.chart["series"][0]["data"] == [300, 420, None]
    assert table.chart["markLine"]["value"] == "333.33"  # 1000 attendees / 3 days
    # Without a choice: the latest activity that has been on site.
    assert tables("sn_head")["daily-visitors"].rows == table.rows


def test_nothing_in_the_period(history) -> None:
    empty = tables("hq_manager", Filters(date(2024, 1, 1), date(2024, 12, 31)))
    assert not any(t.has_data for t in empty.values())


# --- bounded queries ----------------------------------------------------------------------------


def queries(username: str, filters: Filters) -> int:
    user = people()[username]
    with CaptureQueriesContext(connection) as captured:
        analytics_for(user=user, filters=filters)
    return len(captured.captured_queries)


def test_the_tables_take_a_fixed_number_of_queries(history, django_assert_num_queries) -> None:
    user = people()["hq_manager"]
    # Markets; finished activities with market and evaluation, their budget lines, their
    # costs; the activities that have been on site; the shown activity's daily reports.
    with django_assert_num_queries(6):
        analytics_for(user=user, filters=PERIOD)
    chosen = Filters(PERIOD.date_from, PERIOD.date_to, activity_id=history["sn1"].pk)
    # … and the chosen activity with market and evaluation, its budget lines, its costs.
    with django_assert_num_queries(9):
        analytics_for(user=user, filters=chosen)
    before = queries("hq_manager", PERIOD), queries("hq_manager", chosen)
    for n in range(4):
        finished("sc_head", date(2026, 7, 1 + 7 * n), roi="0.2", attendance=500)
    assert (queries("hq_manager", PERIOD), queries("hq_manager", chosen)) == before
