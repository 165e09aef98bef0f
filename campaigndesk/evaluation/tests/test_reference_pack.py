"""GET /activities/{id}/reference-pack: the market's most recent finished activity before this
one, and its activity in the same period last year (the previous calendar year, the start month
±1) — each with the strengths and weaknesses of its summary and its evaluation's metrics."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.evaluation import services as evaluation_services
from campaigndesk.evaluation.tests.builders import error_of, ok, people, walk

NOTHING = {"previous": None, "same_period_last_year": None}


def this(start: date, head: str = "sn_head") -> Activity:
    """The activity whose pack is asked for: a draft (the pack is shown in any status)."""
    return walk(head=head, title="本次活动", start=start, until="draft")


def finished(start: date, head: str = "sn_head", **over: Any) -> Activity:
    return walk(head=head, title=f"往期活动 {start}", start=start, until="evaluated", **over)


def pack(api: Any, activity: Activity, by: str = "sn_head") -> dict[str, Any]:
    return ok(api(by).get(f"/activities/{activity.pk}/reference-pack"))  # type: ignore[no-any-return]


def ids(body: dict[str, Any]) -> tuple[int | None, int | None]:
    return tuple(  # type: ignore[return-value]
        entry["activity_id"] if entry else None
        for entry in (body["previous"], body["same_period_last_year"])
    )


def test_no_history_gives_nothing(api, demo: None) -> None:
    assert pack(api, this(date(2026, 6, 15))) == NOTHING


@pytest.mark.parametrize(
    ("start", "same_period"),
    [
        (date(2025, 5, 1), True),  # month −1
        (date(2025, 6, 30), True),  # the same month
        (date(2025, 7, 31), True),  # month +1
        (date(2025, 4, 30), False),  # month −2
        (date(2025, 8, 1), False),  # month +2
        (date(2024, 6, 15), False),  # the same month two years ago
    ],
)
def test_only_one_earlier_activity(api, demo: None, start: date, same_period: bool) -> None:
    current = this(date(2026, 6, 15))
    earlier = finished(start)
    # Whatever the period, it is the most recent finished activity before this one.
    assert ids(pack(api, current)) == (earlier.pk, earlier.pk if same_period else None)


def test_january_does_not_reach_back_to_december_two_years_before(api, demo: None) -> None:
    current = this(date(2026, 1, 20))
    december = finished(date(2024, 12, 15))
    assert ids(pack(api, current)) == (december.pk, None)
    january = finished(date(2025, 1, 5))
    february = finished(date(2025, 2, 27))
    body = pack(api, current)
    assert body["previous"]["activity_id"] == february.pk
    assert body["same_period_last_year"]["activity_id"] in (january.pk, february.pk)


def test_december_does_not_reach_forward_to_january_of_the_same_year(api, demo: None) -> None:
    current = this(date(2026, 12, 5))
    january = finished(date(2026, 1, 10))
    assert ids(pack(api, current)) == (january.pk, None)
    november = finished(date(2025, 11, 10))
    assert pack(api, current)["same_period_last_year"]["activity_id"] == november.pk


def test_previous_is_the_most_recent_finished_one_before_this_one(
    api, demo: None, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    current = this(date(2026, 6, 15))
    archived = walk(title="已存档", start=date(2026, 1, 10), until="archived")
    evaluated = finished(date(2026, 4, 5))
    finished(date(2026, 7, 1))  # finished, but it starts after this one
    finished(date(2026, 6, 15))  # the same day is not before
    assert ids(pack(api, current)) == (evaluated.pk, None)
    # An archived one counts as finished too.
    older = this(date(2026, 3, 1))
    assert ids(pack(api, older)) == (archived.pk, None)


def test_unfinished_cancelled_and_rejected_activities_are_ignored(api, demo: None) -> None:
    who = people()
    current = this(date(2026, 6, 15))
    kept = finished(date(2026, 2, 1))
    cancelled = walk(title="取消", start=date(2026, 5, 1), until="approved")
    activity_services.activity_cancel(activity_id=cancelled.pk, by=who["sn_head"], reason="天气")
    rejected = walk(title="否决", start=date(2026, 5, 10), until="resubmitted")
    activity_services.activity_decide(
        activity_id=rejected.pk, by=who["hq_manager"], decision="reject", reason="预算过高"
    )
    not_evaluated = walk(title="待评估", start=date(2025, 6, 20))  # wrapped up …
    evaluation_services.evaluation_costs_set(  # … with finance's costs in, not completed
        activity_id=not_evaluated.pk,
        by=who["finance_reviewer"],
        costs=[{"category": "venue", "amount": "100.00"}],
    )
    walk(title="进行中", start=date(2026, 5, 20), until="on_site")
    assert ids(pack(api, current)) == (kept.pk, None)


def test_another_markets_history_is_ignored(api, demo: None) -> None:
    current = this(date(2026, 6, 15))
    finished(date(2026, 5, 1), head="ha_head")
    finished(date(2025, 6, 10), head="sc_head")
    assert pack(api, current) == NOTHING
    assert pack(api, current, by="hq_manager") == NOTHING


def test_entries_carry_the_summary_and_the_evaluations_metrics(api, demo: None) -> None:
    current = this(date(2026, 6, 15))
    last_year = finished(
        date(2025, 6, 1),
        strengths="药店终端联动效果好,意向客户转化率高。",
        weaknesses="宣传启动偏晚,第一天到场不足。",
        sales="28000.00",
        attendance=380,
        costs={"venue": "9000.00", "promotion": "15500.00"},
    )
    body = pack(api, current)
    entry = body["same_period_last_year"]
    assert entry == {
        "activity_id": last_year.pk,
        "title": "往期活动 2025-06-01",
        "start_date": "2025-06-01",
        "strengths": "药店终端联动效果好,意向客户转化率高。",
        "weaknesses": "宣传启动偏晚,第一天到场不足。",
        "metrics": ok(api("sn_head").get(f"/activities/{last_year.pk}/evaluation"))["metrics"],
    }
    assert entry["metrics"]["cost_total"] == "24500.00"
    assert entry["metrics"]["roi"] == "0.1429"  # (28000 − 24500) / 24500 = 0.142857…
    assert entry["metrics"]["cost_per_attendee"] == "64.47"  # 24500 / 380 = 64.4736…
    assert body["previous"] == entry


def test_the_support_team_reads_it_and_other_markets_do_not(api, demo: None) -> None:
    current = this(date(2026, 6, 15))
    earlier = finished(date(2025, 6, 10))
    assert ids(pack(api, current, by="expert_zhang")) == (earlier.pk, earlier.pk)
    error_of(api("ha_head").get(f"/activities/{current.pk}/reference-pack"), 404, "not_found")
