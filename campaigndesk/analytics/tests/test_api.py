"""GET /analytics/{chart}: the page's tables as JSON, money and ratios as strings, scoped."""

from __future__ import annotations

from datetime import date

from campaigndesk.evaluation.tests.builders import error_of, ok, walk

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-10-31"}


def test_a_table_as_json(api, demo: None) -> None:
    walk(
        start=date(2026, 3, 2), title="西安一", until="evaluated", sales="60600.00", attendance=1010
    )
    walk(head="ha_head", start=date(2026, 3, 16), until="evaluated", sales="40400.00")
    body = ok(api("hq_manager", language="en").get("/analytics/roi-by-market", PERIOD))
    assert body["key"] == "roi-by-market"
    assert body["columns"][5] == {"label": "ROI (median)", "kind": "ratio"}
    assert body["rows"][2] == ["陕西市场", 1, "40400.00", "60600.00", 1010, "0.5000", "40.00"]
    assert body["totals"] is None

    # A market head gets their market, whatever they ask for.
    body = ok(api("sn_head").get("/analytics/roi-by-market", {**PERIOD, "market": "HA"}))
    assert [r[0] for r in body["rows"]] == ["陕西市场"]
    body = ok(api("sn_head").get("/analytics/attainment", PERIOD))
    assert [r[0] for r in body["rows"]] == ["西安一"]
    assert body["rows"][0][2] == "2026-03-02"


def test_unknown_charts_and_invisible_activities_are_404(api, demo: None) -> None:
    activity = walk(start=date(2026, 3, 2), until="wrapped_up")
    error_of(api("hq_manager").get("/analytics/nothing"), 404, "not_found")
    params = {**PERIOD, "activity": activity.pk}
    error_of(api("ha_head").get("/analytics/daily-visitors", params), 404, "not_found")
    body = ok(api("sn_staff1").get("/analytics/daily-visitors", params))
    assert body["rows"][0] == ["2026-03-02", 500, 100, "40000.00"]
    assert api().get("/analytics/daily-visitors").status_code == 401
