"""The briefing endpoints as API.md sets them out: compile, edit, publish, read receipts for HQ,
and the Word export."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from campaigndesk.briefings.tests.test_services import (
    EVALUATED_METRICS,
    MARKET_PEOPLE,
    March,
    march,
)
from campaigndesk.evaluation.tests.builders import error_of, ok

PERIOD = {"period_start": "2025-03-01", "period_end": "2025-03-31"}


@pytest.fixture
def scenario(demo: None) -> March:
    return march()


def by_market(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["market"]: entry for entry in body["markets"]}


def compile_draft(api: Any) -> dict[str, Any]:
    return ok(api("hq_manager").post("/briefings", PERIOD), 201)  # type: ignore[no-any-return]


def publish(api: Any, briefing: dict[str, Any]) -> dict[str, Any]:
    return ok(api("hq_manager").post(f"/briefings/{briefing['id']}/publish"))  # type: ignore[no-any-return]


def test_the_manager_compiles_a_draft_with_one_entry_per_market(api, scenario: March) -> None:
    body = compile_draft(api)
    assert body["status"] == "draft"
    assert (body["period_start"], body["period_end"]) == ("2025-03-01", "2025-03-31")
    markets = by_market(body)
    assert sorted(markets) == ["HA", "SC", "SN"]
    sn = markets["SN"]
    assert [(a["id"], a["title"], a["status"]) for a in sn["activities"]] == [
        (scenario.on_site.pk, "宝鸡社区路演", "on_site"),
        (scenario.evaluated.pk, "西安春季健康大讲堂", "evaluated"),
    ]
    assert [a["metrics"] for a in sn["activities"]] == [None, EVALUATED_METRICS]
    assert sn["highlights"] == "西安春季健康大讲堂:专家讲座口碑好。"
    assert "竞品推出买二送一" in sn["competitors"]
    assert "二月" not in sn["competitors"] + sn["highlights"]
    assert [(a["id"], a["status"], a["metrics"]) for a in markets["HA"]["activities"]] == [
        (scenario.wrapped.pk, "wrapped_up", None)
    ]
    assert "某品牌同期免费体检" in markets["HA"]["competitors"]
    assert markets["SC"]["activities"] == []
    assert markets["SC"]["name"] == "四川市场"
    # HQ sees the receipts (none yet).
    assert body["read_by"] == []


def test_a_reversed_period_is_422(api, demo: None) -> None:
    error = error_of(
        api("hq_manager").post(
            "/briefings", {"period_start": "2025-03-31", "period_end": "2025-03-01"}
        ),
        422,
        "validation_error",
    )
    assert list(error["details"]["fields"]) == ["period_end"]


@pytest.mark.parametrize("username", ["sn_head", "marketing_reviewer"])
def test_only_the_manager_compiles(api, demo: None, username: str) -> None:
    error_of(api(username).post("/briefings", PERIOD), 403, "forbidden")
    assert ok(api("hq_manager").get("/briefings")) == []


def test_the_draft_is_edited(api, scenario: March) -> None:
    draft = compile_draft(api)
    body = ok(
        api("hq_manager").patch(
            f"/briefings/{draft['id']}",
            {
                "intro": "三月两个市场开展活动。",
                "markets": [{"market": "SN", "highlights": "西安讲座:专家口碑好,可复制到河南。"}],
            },
        )
    )
    markets = by_market(body)
    assert markets["SN"]["highlights"] == "西安讲座:专家口碑好,可复制到河南。"
    assert markets["SN"]["competitors"] == by_market(draft)["SN"]["competitors"]
    assert body["intro"] == "三月两个市场开展活动。"
    assert body["title"] == draft["title"]
    error_of(api("sn_head").patch(f"/briefings/{draft['id']}", {"intro": "x"}), 403, "forbidden")


def test_a_published_briefing_is_not_edited(api, scenario: March) -> None:
    draft = compile_draft(api)
    publish(api, draft)
    error_of(
        api("hq_manager").patch(f"/briefings/{draft['id']}", {"intro": "改"}),
        409,
        "invalid_transition",
    )
    error_of(api("hq_manager").post(f"/briefings/{draft['id']}/publish"), 409, "invalid_transition")


def test_publishing_tells_every_market_person(
    api, scenario: March, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    draft = compile_draft(api)
    with django_capture_on_commit_callbacks(execute=True):
        body = publish(api, draft)
    assert body["status"] == "published"
    assert body["published_at"].endswith("+08:00")
    for username in MARKET_PEOPLE:
        inbox = ok(api(username).get("/notifications", {"unread": "true"}))["items"]
        assert "briefing_published" in [n["kind"] for n in inbox], username
    for username in ("hq_manager", "finance_reviewer"):
        inbox = ok(api(username).get("/notifications"))["items"]
        assert "briefing_published" not in [n["kind"] for n in inbox]


def test_a_draft_does_not_exist_for_the_markets(api, scenario: March) -> None:
    draft = compile_draft(api)
    sn = api("sn_head")
    error_of(sn.get(f"/briefings/{draft['id']}"), 404, "not_found")
    error_of(sn.post(f"/briefings/{draft['id']}/read"), 404, "not_found")
    assert sn.get(f"/briefings/{draft['id']}/export.docx").status_code == 404
    assert ok(sn.get("/briefings")) == []
    publish(api, draft)
    assert [b["id"] for b in ok(sn.get("/briefings"))] == [draft["id"]]


def test_read_receipts_are_for_hq_only(api, scenario: March) -> None:
    draft = compile_draft(api)
    publish(api, draft)
    mine = ok(api("sn_head").post(f"/briefings/{draft['id']}/read"))
    assert mine.get("read_by") is None
    ok(api("sn_head").post(f"/briefings/{draft['id']}/read"))  # again: still one receipt
    assert ok(api("hq_manager").get(f"/briefings/{draft['id']}"))["read_by"] == ["sn_head"]
    assert ok(api("sn_head").get(f"/briefings/{draft['id']}")).get("read_by") is None


def test_the_word_export_holds_every_market(api, scenario: March) -> None:
    draft = compile_draft(api)
    publish(api, draft)
    response = api("sn_staff1").get(f"/briefings/{draft['id']}/export.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].endswith('.docx"')
    assert response.content.startswith(b"PK")
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        document = docx.read("word/document.xml").decode()
    for text in ("陕西市场", "河南市场", "四川市场", "西安春季健康大讲堂", "1.3218", "35.75"):
        assert text in document, text
