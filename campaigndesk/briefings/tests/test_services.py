"""Briefing services: compiling every market's activities of a period (also a market with none),
editing the draft, publishing it to every market's people, and read receipts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from campaigndesk.activities import services as activity_services
from campaigndesk.activities.models import Activity
from campaigndesk.briefings import services
from campaigndesk.briefings.models import Briefing, BriefingRead
from campaigndesk.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation import services as evaluation_services
from campaigndesk.evaluation.tests.builders import people, walk
from campaigndesk.notifications.models import Notification

MARCH = (date(2025, 3, 1), date(2025, 3, 31))
MARKET_PEOPLE = [
    "ha_head",
    "sc_head",
    "sn_bj_head",
    "sn_head",
    "sn_staff1",
    "sn_staff2",
    "sn_staff3",
    "sn_staff4",
    "sn_xa_head",
    "sn_xy_head",
]
# The evaluated activity's numbers (builders' defaults): costs 12000 + 18800 + 9600 = 40400.00
# against a budget of 38000.00; sales 93800.00; 1130 attendees of 1000; 216 leads of 200.
EVALUATED_METRICS = {
    "cost_total": "40400.00",
    "budget_total": "38000.00",
    "budget_variance": "2400.00",
    "roi": "1.3218",  # 53400 / 40400 = 1.32178…
    "cost_per_attendee": "35.75",  # 40400 / 1130 = 35.7522…
    "attainment": {"attendance": "1.1300", "leads": "1.0800", "sales": "1.0422"},
}


@dataclass
class March:
    evaluated: Activity  # SN, 03-10 – 03-11, with strengths and a competitor note
    on_site: Activity  # SN, 02-27 – 03-01: overlaps the period's first day
    wrapped: Activity  # HA, 03-31 – 04-01: overlaps the period's last day
    before: Activity  # SN, 02-20 – 02-21, evaluated: outside
    after: Activity  # HA, 04-02 – 04-03: outside
    draft: Activity  # SN, in the period, a draft
    cancelled: Activity  # SN, in the period, cancelled


def march() -> March:
    """Activities around March 2025 in SN and HA; none in SC."""
    who = people()
    scenario = March(
        evaluated=walk(
            title="西安春季健康大讲堂",
            start=date(2025, 3, 10),
            until="evaluated",
            strengths="专家讲座口碑好。",
            competitors="竞品推出买二送一。",
        ),
        on_site=walk(title="宝鸡社区路演", start=date(2025, 2, 27), days=3, until="on_site"),
        wrapped=walk(
            head="ha_head",
            title="郑州健康路演",
            start=date(2025, 3, 31),
            strengths="路演节目吸引人流。",
            competitors="某品牌同期免费体检。",
        ),
        before=walk(
            title="二月讲座",
            start=date(2025, 2, 20),
            until="evaluated",
            strengths="二月的亮点。",
            competitors="二月的竞品动态。",
        ),
        after=walk(head="ha_head", title="四月义诊", start=date(2025, 4, 2), until="approved"),
        draft=walk(title="三月草稿", start=date(2025, 3, 15), until="draft"),
        cancelled=walk(title="三月取消", start=date(2025, 3, 20), until="approved"),
    )
    activity_services.activity_cancel(
        activity_id=scenario.cancelled.pk, by=who["sn_head"], reason="场地取消"
    )
    return scenario


def compile_march(user) -> Briefing:  # type: ignore[no-untyped-def]
    return services.briefing_compile(
        by=user("hq_manager"), period_start=MARCH[0], period_end=MARCH[1]
    )


def entries(briefing: Briefing) -> dict[str, dict]:  # type: ignore[type-arg]
    return {
        e.market.code: {
            "activities": e.activities,
            "highlights": e.highlights,
            "competitors": e.competitors,
        }
        for e in briefing.entries.select_related("market")
    }


def test_compiling_gathers_every_markets_activities_of_the_period(user) -> None:
    s = march()
    briefing = compile_march(user)
    assert briefing.status == "draft"
    assert (briefing.period_start, briefing.period_end) == MARCH
    assert "2025-03-01" in briefing.title and "2025-03-31" in briefing.title
    assert entries(briefing) == {
        "SN": {
            "activities": [
                {
                    "id": s.on_site.pk,
                    "title": "宝鸡社区路演",
                    "status": "on_site",
                    "start_date": "2025-02-27",
                    "metrics": None,
                },
                {
                    "id": s.evaluated.pk,
                    "title": "西安春季健康大讲堂",
                    "status": "evaluated",
                    "start_date": "2025-03-10",
                    "metrics": EVALUATED_METRICS,
                },
            ],
            "highlights": "西安春季健康大讲堂:专家讲座口碑好。",
            "competitors": "03-10 西安春季健康大讲堂:竞品推出买二送一。",
        },
        "HA": {
            "activities": [
                {
                    "id": s.wrapped.pk,
                    "title": "郑州健康路演",
                    "status": "wrapped_up",
                    "start_date": "2025-03-31",
                    "metrics": None,
                }
            ],
            "highlights": "郑州健康路演:路演节目吸引人流。",
            "competitors": "03-31 郑州健康路演:某品牌同期免费体检。",
        },
        "SC": {"activities": [], "highlights": "", "competitors": ""},
    }
    entry = AuditEntry.objects.filter(action="briefing_compile").get()
    assert entry.actor == user("hq_manager")


def test_a_period_with_nothing_still_has_one_entry_per_market(user) -> None:
    briefing = services.briefing_compile(
        by=user("hq_manager"), period_start=date(2020, 1, 1), period_end=date(2020, 1, 31)
    )
    assert entries(briefing) == {
        code: {"activities": [], "highlights": "", "competitors": ""} for code in ("HA", "SC", "SN")
    }


def test_a_given_title_is_kept(user) -> None:
    briefing = services.briefing_compile(
        by=user("hq_manager"), period_start=MARCH[0], period_end=MARCH[1], title=" 三月简报 "
    )
    assert briefing.title == "三月简报"


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2025, 3, 31), date(2025, 3, 1)), (date(2024, 1, 1), date(2025, 3, 1))],
)
def test_a_reversed_or_overlong_period_is_refused(user, start: date, end: date) -> None:
    with pytest.raises(ValidationFailed) as raised:
        services.briefing_compile(by=user("hq_manager"), period_start=start, period_end=end)
    assert list(raised.value.fields) == ["period_end"]
    assert not Briefing.objects.exists()


def test_a_single_day_period_is_fine(user) -> None:
    s = march()
    briefing = services.briefing_compile(
        by=user("hq_manager"), period_start=date(2025, 3, 11), period_end=date(2025, 3, 11)
    )
    assert [a["id"] for a in entries(briefing)["SN"]["activities"]] == [s.evaluated.pk]


@pytest.mark.parametrize("username", ["sn_head", "finance_reviewer", "expert_zhang", "admin"])
def test_only_the_manager_compiles(user, username: str) -> None:
    with pytest.raises(Forbidden):
        services.briefing_compile(by=user(username), period_start=MARCH[0], period_end=MARCH[1])


def test_the_draft_is_edited(user) -> None:
    briefing = compile_march(user)
    services.briefing_update(
        briefing_id=briefing.pk,
        by=user("hq_manager"),
        data={
            "title": "2025年3月市场简报",
            "intro": "本月三个市场共开展两场活动。",
            "markets": [{"market": "SC", "highlights": "本月无活动,筹备四月讲座。"}],
        },
    )
    briefing.refresh_from_db()
    assert briefing.title == "2025年3月市场简报"
    assert briefing.intro == "本月三个市场共开展两场活动。"
    assert entries(briefing)["SC"]["highlights"] == "本月无活动,筹备四月讲座。"
    assert entries(briefing)["SC"]["competitors"] == ""
    assert AuditEntry.objects.filter(action="briefing_edit").count() == 1


def test_editing_an_unknown_market_or_an_empty_title_is_refused(user) -> None:
    briefing = compile_march(user)
    with pytest.raises(ValidationFailed) as raised:
        services.briefing_update(
            briefing_id=briefing.pk,
            by=user("hq_manager"),
            data={"title": "", "markets": [{"market": "XX", "highlights": "?"}]},
        )
    assert set(raised.value.fields) == {"title", "markets.0.market"}


def test_publishing_tells_every_market_person(  # type: ignore[no-untyped-def]
    user, django_capture_on_commit_callbacks
) -> None:
    briefing = compile_march(user)
    with django_capture_on_commit_callbacks(execute=True):
        services.briefing_publish(briefing_id=briefing.pk, by=user("hq_manager"))
    briefing.refresh_from_db()
    assert briefing.status == "published"
    assert briefing.published_at is not None
    told = Notification.objects.filter(kind="briefing_published")
    assert sorted(n.recipient.username for n in told) == MARKET_PEOPLE
    assert {n.subject for n in told} == {briefing.title}


def test_a_published_briefing_is_not_edited_or_published_again(user) -> None:
    briefing = compile_march(user)
    services.briefing_publish(briefing_id=briefing.pk, by=user("hq_manager"))
    with pytest.raises(InvalidTransition):
        services.briefing_update(
            briefing_id=briefing.pk, by=user("hq_manager"), data={"intro": "改"}
        )
    with pytest.raises(InvalidTransition):
        services.briefing_publish(briefing_id=briefing.pk, by=user("hq_manager"))


@pytest.mark.parametrize("username", ["sn_head", "planning_reviewer"])
def test_only_the_manager_edits_and_publishes(user, username: str) -> None:
    briefing = compile_march(user)
    with pytest.raises(Forbidden):
        services.briefing_update(briefing_id=briefing.pk, by=user(username), data={"intro": "x"})
    with pytest.raises(Forbidden):
        services.briefing_publish(briefing_id=briefing.pk, by=user(username))
    assert Briefing.objects.get(pk=briefing.pk).status == "draft"


def test_a_reader_is_recorded_once(user) -> None:
    briefing = compile_march(user)
    services.briefing_publish(briefing_id=briefing.pk, by=user("hq_manager"))
    services.briefing_read(briefing_id=briefing.pk, by=user("sn_head"))
    services.briefing_read(briefing_id=briefing.pk, by=user("sn_head"))
    assert [r.user.username for r in BriefingRead.objects.all()] == ["sn_head"]


def test_a_draft_cannot_be_read_by_the_markets(user) -> None:
    briefing = compile_march(user)
    with pytest.raises(NotFound):
        services.briefing_read(briefing_id=briefing.pk, by=user("sn_head"))
    assert not BriefingRead.objects.exists()


def test_the_compiled_draft_is_a_snapshot(user) -> None:
    """Evaluating an activity later does not rewrite a compiled briefing."""
    s = march()
    briefing = compile_march(user)
    evaluation_services.evaluation_complete(
        activity_id=s.wrapped.pk,
        by=user("hq_manager"),
        costs=[{"category": "venue", "amount": "1.00"}],
        sales="1.00",
        attendance=1,
        leads=1,
        new_customers=0,
    )
    briefing.refresh_from_db()
    assert entries(briefing)["HA"]["activities"][0]["metrics"] is None
    later = compile_march(user)
    assert entries(later)["HA"]["activities"][0]["metrics"]["cost_total"] == "1.00"
