"""The stage-3 endpoints as API.md ("On site") sets them out: meetings, daily reports with
totals and corrections, summaries with who is still missing, and the competitor feed — status
codes, bodies and error codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from campaigndesk.activities.models import Activity
from campaigndesk.conftest import approved_activity
from campaigndesk.onsite.models import DailyReport, Meeting, Summary
from campaigndesk.onsite.tests.test_services import at, on_site


def error_of(response, status: int, code: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def ok(response, status: int = 200) -> Any:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    return response.json()


def day(activity: Activity, n: int) -> str:
    return (activity.start_date + timedelta(days=n)).isoformat()


def meeting_body(activity: Activity, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "held_at": at(activity.start_date, 9).isoformat(),
        "chair": "sn_head",
        "attendees": [],
        "topics": [],
        "notes": "",
        **extra,
    }


def report_body(activity: Activity, n: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "date": day(activity, n),
        "visitors": 300,
        "leads": 40,
        "sales": "12000.50",
        "progress": "按计划进行",
        "public_relations": "电视台采访",
        "competitors": "",
        "issues": "",
        **extra,
    }


@pytest.fixture
def activity(user) -> Activity:  # type: ignore[no-untyped-def]
    return on_site(user)


# --- meetings -----------------------------------------------------------------------------------


def test_the_briefing_is_recorded_with_schedule_and_tasks(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    path = f"/activities/{activity.pk}/meetings"
    body = ok(
        api("sn_head").post(
            path,
            meeting_body(
                activity,
                "briefing",
                attendees=["sn_xa_head", "sn_bj_head"],
                notes="统一认识、统一进度、统一分工。",
                schedule=[
                    {"date": day(activity, -1), "milestone": "场地布置", "owner": "冯伟"},
                    {"date": day(activity, 0), "milestone": "开幕"},
                ],
                tasks=[
                    {"office": "XA", "task": "签到台", "due_date": day(activity, 0)},
                    {"username": "sn_staff3", "task": "物料清点"},
                ],
            ),
        ),
        201,
    )
    assert body["kind"] == "briefing"
    assert body["held_at"] == f"{day(activity, 0)}T09:00:00+08:00"
    assert body["chair"] == "sn_head"
    assert sorted(body["attendees"]) == ["sn_bj_head", "sn_xa_head"]
    assert body["schedule"] == [
        {"date": day(activity, -1), "milestone": "场地布置", "owner": "冯伟"},
        {"date": day(activity, 0), "milestone": "开幕", "owner": ""},
    ]
    assert [(t["office"], t["username"], t["task"], t["due_date"]) for t in body["tasks"]] == [
        ("XA", None, "签到台", day(activity, 0)),
        (None, "sn_staff3", "物料清点", None),
    ]
    listed = ok(api("sn_staff1").get(path))
    assert [m["id"] for m in listed] == [body["id"]]


def test_a_training_session_names_its_topics(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    path = f"/activities/{activity.pk}/meetings"
    head = api("sn_head")
    error = error_of(head.post(path, meeting_body(activity, "training")), 422, "validation_error")
    assert "topics" in error["details"]["fields"]
    error = error_of(
        head.post(path, meeting_body(activity, "training", topics=["dancing"])),
        422,
        "validation_error",
    )
    assert "topics" in error["details"]["fields"]
    body = ok(
        head.post(
            path,
            meeting_body(
                activity,
                "training",
                chair="expert_zhang",
                topics=["consumer_psychology", "service"],
                attendees=["sn_staff1", "sn_staff2"],
            ),
        ),
        201,
    )
    assert body["topics"] == ["consumer_psychology", "service"]
    assert body["chair"] == "expert_zhang"
    assert Meeting.objects.filter(activity=activity).count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "mobilization", "topics": ["execution"]}, "topics"),
        ({"kind": "wrap_up", "topics": ["service"]}, "topics"),
        ({"kind": "party"}, "kind"),
        ({"kind": "briefing", "attendees": ["sn_xa_head", "nobody"]}, "attendees"),
        ({"kind": "briefing", "tasks": [{"office": "ZZ", "task": "郑州的活"}]}, "tasks.0.office"),
    ],
)
def test_a_bad_meeting_is_a_validation_error(  # type: ignore[no-untyped-def]
    api, activity: Activity, extra: dict[str, Any], field: str
) -> None:
    response = api("sn_head").post(
        f"/activities/{activity.pk}/meetings", meeting_body(activity, **extra)
    )
    error = error_of(response, 422, "validation_error")
    assert field in error["details"]["fields"]
    assert not Meeting.objects.filter(activity=activity).exists()


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("sn_staff1", 403, "forbidden"),
        ("marketing_reviewer", 403, "forbidden"),
        ("ha_head", 404, "not_found"),
    ],
)
def test_only_the_head_and_hq_record_meetings(  # type: ignore[no-untyped-def]
    api, activity: Activity, username: str, status: int, code: str
) -> None:
    response = api(username).post(
        f"/activities/{activity.pk}/meetings", meeting_body(activity, "mobilization")
    )
    error_of(response, status, code)
    assert not Meeting.objects.filter(activity=activity).exists()


def test_no_meeting_before_the_activity_is_on_site(api, user) -> None:  # type: ignore[no-untyped-def]
    approved = approved_activity(title="还在准备的活动")
    response = api("sn_head").post(
        f"/activities/{approved.pk}/meetings", meeting_body(approved, "briefing")
    )
    error = error_of(response, 409, "invalid_transition")
    assert error["details"]["status"] == "approved"


def test_no_token_no_meeting(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    response = api().post(f"/activities/{activity.pk}/meetings", meeting_body(activity, "briefing"))
    error_of(response, 401, "not_authenticated")


# --- daily reports ------------------------------------------------------------------------------


def test_a_daily_report_answers_with_money_as_a_string(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    body = ok(
        api("sn_head").post(
            f"/activities/{activity.pk}/daily-reports",
            report_body(activity, 0, sales="12000.5", competitors="竞品买一送一"),
        ),
        201,
    )
    assert body["sales"] == "12000.50"
    assert (body["date"], body["visitors"], body["leads"]) == (day(activity, 0), 300, 40)
    assert body["competitors"] == "竞品买一送一"
    assert body["reported_by"] == "sn_head"


@pytest.mark.parametrize("n", [-1, 2])
def test_a_date_outside_the_activity_is_refused(api, activity: Activity, n: int) -> None:  # type: ignore[no-untyped-def]
    response = api("sn_head").post(
        f"/activities/{activity.pk}/daily-reports", report_body(activity, n)
    )
    error = error_of(response, 422, "validation_error")
    assert list(error["details"]["fields"]) == ["date"]
    assert not DailyReport.objects.filter(activity=activity).exists()


def test_a_second_report_for_a_date_is_a_duplicate(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    path = f"/activities/{activity.pk}/daily-reports"
    first = ok(api("sn_head").post(path, report_body(activity, 1)), 201)
    error = error_of(
        api("sn_bj_head").post(path, report_body(activity, 1, visitors=1)), 409, "duplicate"
    )
    assert error["details"]["report_id"] == first["id"]
    assert DailyReport.objects.get(activity=activity).visitors == 300


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("sn_xa_head", 201, None),
        ("planner_li", 201, None),
        ("sn_staff1", 403, "forbidden"),
        ("support_qian", 403, "forbidden"),
        ("ha_head", 404, "not_found"),
    ],
)
def test_who_sends_daily_reports(  # type: ignore[no-untyped-def]
    api, activity: Activity, username: str, status: int, code: str | None
) -> None:
    response = api(username).post(
        f"/activities/{activity.pk}/daily-reports", report_body(activity, 0)
    )
    if code is None:
        assert ok(response, 201)["reported_by"] == username
    else:
        error_of(response, status, code)
        assert not DailyReport.objects.filter(activity=activity).exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"visitors": -1}, "visitors"),
        ({"leads": -1}, "leads"),
        ({"sales": "-10.00"}, "sales"),
        ({"sales": "100.005"}, "sales"),
    ],
)
def test_impossible_figures_are_refused(  # type: ignore[no-untyped-def]
    api, activity: Activity, extra: dict[str, Any], field: str
) -> None:
    response = api("sn_head").post(
        f"/activities/{activity.pk}/daily-reports", report_body(activity, 0, **extra)
    )
    error = error_of(response, 422, "validation_error")
    assert list(error["details"]["fields"]) == [field]
    assert not DailyReport.objects.filter(activity=activity).exists()


def test_reports_come_by_date_with_exact_totals(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    path = f"/activities/{activity.pk}/daily-reports"
    empty = ok(api("hq_manager").get(path))
    assert empty == {"items": [], "totals": {"visitors": 0, "leads": 0, "sales": "0.00"}}
    head = api("sn_head")
    ok(head.post(path, report_body(activity, 1, visitors=21, leads=2, sales="0.20")), 201)
    ok(head.post(path, report_body(activity, 0, visitors=300, leads=40, sales="0.10")), 201)
    # HQ sees them the moment they are saved, by date, with sums that are not floats.
    body = ok(api("hq_manager").get(path))
    assert [r["date"] for r in body["items"]] == [day(activity, 0), day(activity, 1)]
    assert [r["sales"] for r in body["items"]] == ["0.10", "0.20"]
    assert body["totals"] == {"visitors": 321, "leads": 42, "sales": "0.30"}
    error_of(api("ha_head").get(path), 404, "not_found")


def test_a_report_is_corrected_and_the_history_shows_the_change(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    created = ok(
        api("sn_head").post(
            f"/activities/{activity.pk}/daily-reports",
            report_body(activity, 0, visitors=300, sales="12000.50"),
        ),
        201,
    )
    body = ok(
        api("sn_xa_head").patch(
            f"/activities/{activity.pk}/daily-reports/{created['id']}",
            {"visitors": 310, "sales": "12500.00"},
        )
    )
    assert (body["visitors"], body["sales"], body["leads"]) == (310, "12500.00", 40)
    totals = ok(api("hq_manager").get(f"/activities/{activity.pk}/daily-reports"))["totals"]
    assert totals == {"visitors": 310, "leads": 40, "sales": "12500.00"}
    history = ok(api("hq_manager").get(f"/activities/{activity.pk}/history"))
    (edit,) = [h for h in history if h["action"] == "daily_report_edit"]
    assert edit["actor"] == "sn_xa_head"
    assert edit["changes"] == {
        "visitors": {"before": "300", "after": "310"},
        "sales": {"before": "12000.50", "after": "12500.00"},
    }


def test_a_correction_goes_through_the_same_checks(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    created = ok(
        api("sn_head").post(f"/activities/{activity.pk}/daily-reports", report_body(activity)),
        201,
    )
    path = f"/activities/{activity.pk}/daily-reports/{created['id']}"
    error = error_of(api("sn_head").patch(path, {"sales": "1.001"}), 422, "validation_error")
    assert list(error["details"]["fields"]) == ["sales"]
    error_of(api("sn_staff1").patch(path, {"visitors": 1}), 403, "forbidden")
    error_of(api("ha_head").patch(path, {"visitors": 1}), 404, "not_found")
    assert DailyReport.objects.get(pk=created["id"]).visitors == 300


def test_a_report_of_another_activity_is_not_found(api, user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    other = on_site(user, title="咸阳社区义诊", days=60)
    theirs = ok(
        api("sn_head").post(f"/activities/{other.pk}/daily-reports", report_body(other)), 201
    )
    response = api("sn_head").patch(
        f"/activities/{activity.pk}/daily-reports/{theirs['id']}", {"visitors": 1}
    )
    error_of(response, 404, "not_found")
    assert DailyReport.objects.get(pk=theirs["id"]).visitors == 300


# --- summaries ----------------------------------------------------------------------------------


def summary_body(kind: str, **extra: str) -> dict[str, str]:
    return {"kind": kind, "strengths": "组织有序", "weaknesses": "宣传偏晚", "text": "", **extra}


def test_the_activity_summary_is_the_market_heads(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    path = f"/activities/{activity.pk}/summaries"
    error_of(api("sn_xa_head").post(path, summary_body("activity")), 403, "forbidden")
    body = ok(api("sn_head").post(path, summary_body("activity")), 201)
    assert (body["kind"], body["author"], body["strengths"]) == ("activity", "sn_head", "组织有序")
    error = error_of(
        api("sn_head").post(path, summary_body("activity", text="又一份")), 409, "duplicate"
    )
    assert error["details"]["summary_id"] == body["id"]
    listed = ok(api("hq_manager").get(path))
    assert listed["activity"]["id"] == body["id"]
    assert listed["individual"] == []


@pytest.mark.parametrize("username", ["expert_zhang", "sn_staff4"])
def test_an_individual_summary_is_the_callers_own(api, activity: Activity, username: str) -> None:  # type: ignore[no-untyped-def]
    path = f"/activities/{activity.pk}/summaries"
    body = ok(api(username).post(path, summary_body("individual")), 201)
    assert body["author"] == username
    error_of(api(username).post(path, summary_body("individual")), 409, "duplicate")
    assert Summary.objects.filter(activity=activity).count() == 1


def test_who_may_not_write_an_individual_summary(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    path = f"/activities/{activity.pk}/summaries"
    error_of(api("support_zhao").post(path, summary_body("individual")), 403, "forbidden")
    error_of(api("ha_head").post(path, summary_body("individual")), 404, "not_found")
    error = error_of(
        api("sn_staff1").post(
            path, {"kind": "individual", "strengths": "", "weaknesses": "", "text": "  "}
        ),
        422,
        "validation_error",
    )
    assert error["details"]["fields"]
    assert not Summary.objects.filter(activity=activity).exists()


def test_missing_lists_who_still_owes_a_summary(api, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    head = api("sn_head")
    ok(
        head.post(
            f"/activities/{activity.pk}/meetings",
            meeting_body(activity, "briefing", attendees=["sn_bj_head", "hq_manager"]),
        ),
        201,
    )
    ok(
        head.post(
            f"/activities/{activity.pk}/meetings",
            meeting_body(
                activity, "training", topics=["roles"], attendees=["sn_staff3", "sn_bj_head"]
            ),
        ),
        201,
    )
    path = f"/activities/{activity.pk}/summaries"

    def missing() -> list[str]:
        return ok(api("hq_manager").get(path))["missing"]

    # The team and the market people who attended; hq_manager attended but owes nothing.
    assert missing() == ["expert_zhang", "planner_li", "sn_bj_head", "sn_staff3"]
    ok(api("sn_staff3").post(path, summary_body("individual")), 201)
    ok(api("planner_li").post(path, summary_body("individual")), 201)
    body = ok(api("hq_manager").get(path))
    assert body["missing"] == ["expert_zhang", "sn_bj_head"]
    assert sorted(s["author"] for s in body["individual"]) == ["planner_li", "sn_staff3"]
    assert body["activity"] is None
    ok(api("expert_zhang").post(path, summary_body("individual")), 201)
    ok(api("sn_bj_head").post(path, summary_body("individual")), 201)
    assert missing() == []


# --- competitor feed ----------------------------------------------------------------------------


def test_the_competitor_feed(api, user, activity: Activity) -> None:  # type: ignore[no-untyped-def]
    henan = on_site(user, head="ha_head", title="郑州社区健康行", days=60)
    sn, ha = api("sn_head"), api("ha_head")
    ok(sn.post(f"/activities/{activity.pk}/daily-reports", report_body(activity, 0)), 201)
    ok(
        sn.post(
            f"/activities/{activity.pk}/daily-reports",
            report_body(activity, 1, competitors="A 牌现场降价"),
        ),
        201,
    )
    ok(
        ha.post(
            f"/activities/{henan.pk}/daily-reports",
            report_body(henan, 0, competitors="B 牌送鸡蛋"),
        ),
        201,
    )
    ok(
        ha.post(
            f"/activities/{henan.pk}/daily-reports",
            report_body(henan, 1, competitors="B 牌撤场"),
        ),
        201,
    )

    def feed(username: str, **params: str) -> list[tuple[str, str, str]]:
        rows = ok(api(username).get("/competitors", params))
        return [(r["market"], r["date"], r["competitors"]) for r in rows]

    everything = [
        ("HA", day(henan, 1), "B 牌撤场"),
        ("HA", day(henan, 0), "B 牌送鸡蛋"),
        ("SN", day(activity, 1), "A 牌现场降价"),
    ]
    assert feed("hq_manager") == everything  # the report without a note is not in it
    assert feed("hq_manager", market="SN") == everything[2:]
    assert feed("hq_manager", **{"from": day(henan, 1)}) == everything[:1]
    assert feed("hq_manager", to=day(henan, 0)) == everything[1:]
    assert feed("hq_manager", **{"from": day(activity, 0), "to": day(henan, 0)}) == everything[1:]
    assert feed("sn_staff1") == everything[2:]
    assert feed("ha_head") == everything[:2]
    assert feed("ha_head", market="SN") == []
    error_of(api().get("/competitors"), 401, "not_authenticated")
