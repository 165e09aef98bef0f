"""Stage-2 pages from the browser's side, without a browser: the team form with its conflict
check and calendar strip, start on site, "my assignments" and the overdue materials."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigndesk.activities.models import Activity
from campaigndesk.preparation import services
from campaigndesk.preparation.models import Material, SupportTeam
from campaigndesk.preparation.tests.test_services import (
    add_material,
    approved,
    at,
    member,
    publish,
    team_save,
)


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="campaign-demo")
    return client


def team_form(activity: Activity, *rows: tuple[str, str, str, str], lead: str = "") -> dict:
    """The team form as posted: rows of (username, role, depart, return), times as the
    browser's datetime-local inputs send them."""
    return {
        "name": "",
        "lead": lead or rows[0][0],
        "member_username": [r[0] for r in rows],
        "member_role": [r[1] for r in rows],
        "member_duty": ["现场协销" for _ in rows],
        "member_depart_at": [r[2] for r in rows],
        "member_return_at": [r[3] for r in rows],
    }


@pytest.fixture
def busy(user) -> tuple[Activity, Activity]:
    """A (陕西) whose published team has support_zhao on its first day 08:00–18:00, and B
    (河南), approved, without a team."""
    a = approved(user, title="西安春季健康路演", market="SN", days=40)
    b = approved(user, title="郑州健康大讲堂", market="HA", days=45)
    services.support_team_save(
        activity_id=a.pk,
        by=user("hq_manager"),
        name="",
        lead="support_zhao",
        members=[member("support_zhao", at(a.start_date, 8), at(a.start_date, 18))],
    )
    publish(user, a)
    return a, b


def test_team_form_is_for_the_hq_manager(user) -> None:
    activity = approved(user)
    url = f"/preparation/activities/{activity.pk}/team/"
    page = client_for("hq_manager").get(url)
    assert page.status_code == 200
    assert 'data-testid="team-form"' in page.content.decode()
    assert client_for("sn_head").get(url).status_code == 403
    assert client_for("ha_head").get(url).status_code == 404


def test_posting_the_team_form_saves_the_members(user) -> None:
    activity = approved(user)
    day = activity.start_date
    response = client_for("hq_manager").post(
        f"/preparation/activities/{activity.pk}/team/",
        team_form(
            activity,
            ("expert_zhang", "expert", f"{day - timedelta(days=1)}T08:30", f"{day}T20:00"),
            ("support_qian", "support", f"{day}T07:00", f"{day}T21:00"),
            lead="support_qian",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/activities/{activity.pk}/"
    team = SupportTeam.objects.get(activity=activity)
    assert activity.title in team.name
    assert team.lead.username == "support_qian"
    rows = [
        (m.user.username, m.role, timezone.localtime(m.depart_at), timezone.localtime(m.return_at))
        for m in team.members.all()
    ]
    assert rows == [
        ("expert_zhang", "expert", at(day - timedelta(days=1), 8, 30), at(day, 20)),
        ("support_qian", "support", at(day, 7), at(day, 21)),
    ]
    detail = client_for("hq_manager").get(f"/activities/{activity.pk}/").content.decode()
    assert 'data-testid="publish-team"' in detail


def test_a_bad_team_form_is_shown_again_with_the_error_beside_the_field(user) -> None:
    activity = approved(user)
    day = activity.start_date
    response = client_for("hq_manager").post(
        f"/preparation/activities/{activity.pk}/team/",
        team_form(activity, ("expert_zhang", "expert", f"{day}T20:00", f"{day}T08:00")),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "is-invalid" in body
    assert f'value="{day}T20:00"' in body  # what was typed is kept
    assert not SupportTeam.objects.exists()


def test_a_conflicting_team_form_shows_the_conflict_and_saves_nothing(busy) -> None:
    a, b = busy
    day = a.start_date
    response = client_for("hq_manager").post(
        f"/preparation/activities/{b.pk}/team/",
        team_form(b, ("support_zhao", "support", f"{day}T12:00", f"{day}T22:00")),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="conflicts"' in body
    assert a.title in body and "赵磊" in body
    assert not SupportTeam.objects.filter(activity=b).exists()


def test_the_check_shows_conflicts_and_the_calendar_strip_before_saving(busy) -> None:
    a, b = busy
    day = a.start_date
    client = client_for("hq_manager")
    url = f"/preparation/activities/{b.pk}/team/check/"
    response = client.post(
        url,
        team_form(
            b,
            ("support_zhao", "support", f"{day}T12:00", f"{day}T22:00"),
            ("planner_li", "planner", f"{day}T12:00", f"{day}T22:00"),
        ),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="conflicts"' in body
    assert body.count("<li>") == 1 and a.title in body and "赵磊" in body
    assert 'data-testid="calendar-strip"' in body
    assert "is-clash" in body  # the overlapping day is marked on support_zhao's line
    assert "<html" not in body  # a partial, not the page
    assert not SupportTeam.objects.filter(activity=b).exists()

    clear = client.post(
        url, team_form(b, ("support_zhao", "support", f"{day}T18:00", f"{day}T22:00"))
    ).content.decode()
    assert 'data-testid="no-conflicts"' in clear
    assert 'data-testid="calendar-strip"' in clear


def test_the_check_is_for_the_hq_manager_only(busy) -> None:
    _a, b = busy
    form = team_form(b, ("support_zhao", "support", "2030-01-01T08:00", "2030-01-01T18:00"))
    url = f"/preparation/activities/{b.pk}/team/check/"
    assert client_for("ha_head").post(url, form).status_code == 403
    assert client_for("sn_head").post(url, form).status_code == 404


def test_publishing_from_the_page(user, django_capture_on_commit_callbacks) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    client = client_for("hq_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/preparation/activities/{activity.pk}/team/publish/", follow=True)
    assert 'data-testid="team-published"' in response.content.decode()
    assert SupportTeam.objects.get(activity=activity).published
    inbox = client_for("expert_zhang").get("/inbox/").content.decode()
    assert activity.title in inbox


def test_start_onsite_waits_for_the_pending_materials_to_be_acknowledged(user) -> None:
    activity = approved(user)
    team_save(user, activity, ["expert_zhang"])
    publish(user, activity)
    add_material(user, activity, "易拉宝")
    client = client_for("sn_head")
    url = f"/preparation/activities/{activity.pk}/start-onsite/"
    detail = client.get(f"/activities/{activity.pk}/").content.decode()
    assert 'name="acknowledge"' in detail and "易拉宝" in detail
    response = client.post(url, {}, follow=True)
    assert "alert alert-danger" in response.content.decode()
    activity.refresh_from_db()
    assert activity.status == "approved"
    client.post(url, {"acknowledge": "1"})
    activity.refresh_from_db()
    assert activity.status == "on_site"


def test_start_onsite_page_refuses_without_a_published_team(user) -> None:
    activity = approved(user)
    response = client_for("hq_manager").post(
        f"/preparation/activities/{activity.pk}/start-onsite/", {"acknowledge": "1"}, follow=True
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.status == "approved"
    assert "alert alert-danger" in response.content.decode()


def test_my_assignments_page_lists_the_activity(user) -> None:
    activity = approved(user, title="宝鸡社区义诊周")
    team_save(user, activity, ["planner_li", "expert_zhang"])
    publish(user, activity)
    add_material(user, activity, "血压计")
    page = client_for("expert_zhang").get("/preparation/assignments/").content.decode()
    assert 'data-testid="assignments"' in page
    assert "宝鸡社区义诊周" in page and "李明" in page  # the activity and its team lead
    unassigned = client_for("support_qian").get("/preparation/assignments/").content.decode()
    assert "宝鸡社区义诊周" not in unassigned


def test_overdue_page_lists_what_each_user_may_see(user) -> None:
    sn = approved(user, title="西安春季健康路演", market="SN")
    ha = approved(user, title="郑州健康大讲堂", market="HA", days=45)
    yesterday = timezone.localdate() - timedelta(days=1)
    add_material(user, sn, "陕西易拉宝", due=yesterday)
    add_material(user, ha, "河南宣传单", due=yesterday)
    add_material(user, sn, "陕西礼品")  # not yet due
    shipped = add_material(user, sn, "陕西血压计", due=yesterday)
    Material.objects.filter(pk=shipped.pk).update(status="shipped", tracking_no="SF1")
    hq = client_for("hq_manager").get("/preparation/materials/overdue/").content.decode()
    assert "陕西易拉宝" in hq and "河南宣传单" in hq
    assert "陕西礼品" not in hq and "陕西血压计" not in hq
    detail = client_for("sn_head").get(f"/activities/{sn.pk}/").content.decode()
    assert 'data-testid="overdue-count"' in detail  # flagged on the activity too
    henan = client_for("ha_head").get("/preparation/materials/overdue/").content.decode()
    assert "河南宣传单" in henan
    assert "陕西易拉宝" not in henan
