"""The overview, the calendar and playbooks: known answers on built data, scoping, constant
queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.activities.playbooks import playbook_create
from campaigndesk.core.errors import Forbidden, InvalidTransition
from campaigndesk.dashboard import selectors
from campaigndesk.evaluation.tests.builders import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def person(username: str) -> User:
    return User.objects.select_related("profile").get(username=username)


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="campaign-demo")
    return client


def test_board_counts_every_stage_and_scopes_by_market(demo: None, media) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    walk(title="陕西已评估", head="sn_head", start=today - timedelta(days=40), until="evaluated")
    walk(title="河南执行中", head="ha_head", start=today, until="on_site")
    hq = {c["key"]: c["count"] for c in selectors.board(user=person("hq_manager"))}
    # The demo's three drafts are in review; one on site; one evaluated.
    assert hq == {"review": 3, "preparation": 0, "on_site": 1, "hq_review": 1}
    sn = {c["key"]: c["count"] for c in selectors.board(user=person("sn_head"))}
    assert sn == {"review": 1, "preparation": 0, "on_site": 0, "hq_review": 1}


def test_market_figures_pool_the_evaluated_activities(demo: None, media) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    walk(title="一", head="sn_head", start=today - timedelta(days=60), until="evaluated")
    walk(title="二", head="sn_head", start=today - timedelta(days=30), until="evaluated")
    figures = {
        f["market"].code: f
        for f in selectors.market_figures(
            user=person("hq_manager"), start=today - timedelta(days=90), end=today
        )
    }
    sn = figures["SN"]
    assert sn["evaluated"] == 2
    expected = (sn["sales"] - sn["cost"]) / sn["cost"]
    assert sn["roi"] == str(
        expected.quantize(sn["roi"] and __import__("decimal").Decimal("0.0001"))
    )
    assert figures["HA"]["evaluated"] == 0 and figures["HA"]["roi"] is None
    only_sn = selectors.market_figures(
        user=person("sn_head"), start=today - timedelta(days=90), end=today
    )
    assert [f["market"].code for f in only_sn] == ["SN"]


def test_owed_lists_overdue_materials_and_opinions_with_who(demo: None, media) -> None:  # type: ignore[no-untyped-def]
    from campaigndesk.activities.services import activity_create, activity_submit
    from campaigndesk.core.demo import _full_sections
    from campaigndesk.preparation.services import material_add
    from campaigndesk.reviews.services import review_open

    today = timezone.localdate()
    approved = walk(
        title="备货中", head="sn_head", start=today + timedelta(days=10), until="approved"
    )
    material_add(
        activity_id=approved.pk,
        by=person("hq_manager"),
        name="礼品",
        quantity="10",
        unit="份",
        owner_department="logistics",
        due_date=today - timedelta(days=1),
    )
    draft = activity_create(
        by=person("ha_head"),
        data={
            "title": "待审",
            "start_date": today + timedelta(days=40),
            "end_date": today + timedelta(days=41),
            "sections": _full_sections("待审"),
        },
    )
    activity_submit(activity_id=draft.pk, by=person("ha_head"))
    review_open(
        activity_id=draft.pk,
        by=person("hq_manager"),
        meeting_at=timezone.now() - timedelta(days=3),
        departments=["finance"],
    )
    rows = {(o.what, o.activity.title): o.who for o in selectors.owed(user=person("hq_manager"))}
    assert rows[("material", "备货中")] == ["礼品 · 货运部"]
    assert rows[("opinions", "待审")] == ["财务部"]
    sn_rows = {o.activity.title for o in selectors.owed(user=person("sn_head"))}
    assert sn_rows == {"备货中"}


def test_overview_page_queries_do_not_grow(
    demo: None, media, django_assert_num_queries, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    walk(title="一", head="sn_head", start=today - timedelta(days=60), until="archived")
    client = client_for("hq_manager")
    with django_assert_max_num_queries(40) as first:
        assert client.get("/dashboard/").status_code == 200
    for n in range(3):
        walk(
            title=f"更多{n}",
            head="ha_head",
            start=today - timedelta(days=20 + n * 5),
            until="evaluated",
        )
    # session, user; header; board (counts, cards); owed (rounds + departments + opinions,
    # materials, daily reports, ended activities, lessons); upcoming; figures (markets,
    # counts, sums, costs) — the same number however many activities.
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get("/dashboard/")
    assert 'data-testid="market-figures"' in response.content.decode()


def test_calendar_shows_deployments_and_clashes(demo: None, media) -> None:  # type: ignore[no-untyped-def]
    from campaigndesk.preparation.models import SupportTeam, TeamMember

    today = timezone.localdate()
    first = walk(title="甲", head="sn_head", start=today + timedelta(days=10), until="on_site")
    team = SupportTeam.objects.get(activity=first)
    member = team.members.first()
    assert member is not None
    # A second published window for the same person overlapping (written directly: the
    # services would refuse it) shows as a clash.
    second = walk(title="乙", head="ha_head", start=today + timedelta(days=30), until="approved")
    other = SupportTeam.objects.create(
        activity=second, name="乙协销组", lead=member.user, published_at=timezone.now()
    )
    TeamMember.objects.create(
        team=other,
        user=member.user,
        role="support",
        duty="x",
        depart_at=member.depart_at,
        return_at=member.return_at,
    )
    month = (today + timedelta(days=10)).strftime("%Y-%m")
    page = client_for("hq_manager").get("/dashboard/calendar/", {"month": month}).content.decode()
    assert "甲" in page and 'data-testid="clash"' in page
    week = client_for("hq_manager").get(
        "/dashboard/calendar/", {"week": (today + timedelta(days=10)).isoformat()}
    )
    assert week.status_code == 200


def test_playbook_only_from_archived_and_by_hq(demo: None, media) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    evaluated = walk(
        title="评估", head="sn_head", start=today - timedelta(days=40), until="evaluated"
    )
    with pytest.raises(InvalidTransition):
        playbook_create(by=person("hq_manager"), activity_id=evaluated.pk, title="")
    archived = walk(
        title="样板", head="sn_head", start=today - timedelta(days=80), until="archived"
    )
    with pytest.raises(Forbidden):
        playbook_create(by=person("sn_head"), activity_id=archived.pk, title="")
    playbook = playbook_create(by=person("hq_manager"), activity_id=archived.pk, title="样板")
    assert playbook.activity == archived


def test_clone_copies_the_plan_and_clears_dates_and_people(demo: None, media, api) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    archived = walk(
        title="西安样板", head="sn_head", start=today - timedelta(days=80), until="archived"
    )
    client = api("hq_manager")
    created = client.post("/playbooks", {"activity_id": archived.pk, "title": "西安样板"})
    assert created.status_code == 201
    playbook_id = created.json()["id"]
    listed = api("ha_head").get("/playbooks").json()
    assert [p["id"] for p in listed] == [playbook_id]
    start = today + timedelta(days=50)
    copy = api("ha_head").post(
        f"/playbooks/{playbook_id}/clone",
        {
            "title": "郑州复制",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=1)).isoformat(),
        },
    )
    assert copy.status_code == 201
    body = copy.json()
    assert (body["market"], body["status"], body["playbook"]) == ("HA", "draft", playbook_id)
    assert body["staffing"] == [] and body["venue"] == ""
    assert body["budget_total"] == str(archived.budget_total)
    assert body["sections"]["background"] == archived.sections["background"]
    assert "培训" in body["sections"]["schedule"]  # the training plan came along
    assert (
        api("sn_staff1")
        .post(
            f"/playbooks/{playbook_id}/clone",
            {"start_date": start.isoformat(), "end_date": start.isoformat()},
        )
        .status_code
        == 403
    )
    assert Activity.objects.get(pk=body["id"]).playbook_id == playbook_id


def test_archived_activity_page_offers_the_playbook_mark_to_hq_only(demo: None, media) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    archived = walk(
        title="样板", head="sn_head", start=today - timedelta(days=80), until="archived"
    )
    url = f"/activities/{archived.pk}/"
    assert 'data-testid="mark-playbook"' in client_for("hq_manager").get(url).content.decode()
    assert 'data-testid="mark-playbook"' not in client_for("sn_head").get(url).content.decode()
    response = client_for("hq_manager").post(f"/dashboard/activities/{archived.pk}/playbook/")
    assert response.status_code == 302
    assert 'data-testid="mark-playbook"' not in client_for("hq_manager").get(url).content.decode()
