"""A market head manages their market's local staff (用人权): the services and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigndesk.conftest import ApiClient
from campaigndesk.core.errors import Duplicate, Forbidden, NotFound, ValidationFailed
from campaigndesk.core.models import AuditEntry
from campaigndesk.evaluation.tests.builders import walk
from campaigndesk.onsite.services import daily_report_submit
from campaigndesk.org.models import ApiToken, Office, Profile
from campaigndesk.org.services import person_add, person_deactivate, person_update
from campaigndesk.org.tests.test_api_auth import error_of, login

pytestmark = pytest.mark.django_db

PASSWORD = "Xian-summer-2026"
NEW = {
    "username": "sn_staff5",
    "display_name": "刘芳",
    "role": "market_staff",
    "office": "XA",
    "password": PASSWORD,
}


def add(api, who: str = "sn_head", market: str = "SN", **changes):  # type: ignore[no-untyped-def]
    return api(who).post(f"/markets/{market}/people", {**NEW, **changes})


# --- adding ---------------------------------------------------------------------------------------


def test_the_market_head_adds_a_person_who_can_then_log_in(api, user) -> None:
    response = add(api)
    assert response.status_code == 201, response.content
    assert response.json() == {
        "username": "sn_staff5",
        "display_name": "刘芳",
        "role": "market_staff",
        "office": "XA",
        "active": True,
    }
    assert login("sn_staff5", PASSWORD).status_code == 200
    me = api("sn_head").get("/markets/SN/people").json()
    assert {
        "username": "sn_staff5",
        "display_name": "刘芳",
        "role": "market_staff",
    }.items() <= next(p for p in me if p["username"] == "sn_staff5").items()
    entry = AuditEntry.objects.get(action="person_add")
    assert entry.actor == user("sn_head")
    assert entry.changes == {
        "after": {"display_name": "刘芳", "role": "market_staff", "office": "XA", "active": True}
    }


def test_a_taken_username_is_a_duplicate_whatever_its_case(api) -> None:
    error_of(add(api, username="SN_staff1"), 409, "duplicate")
    assert not Profile.objects.filter(display_name="刘芳").exists()


def test_a_weak_password_is_refused_with_the_reasons(api) -> None:
    error = error_of(add(api, password="123"), 422, "validation_error")
    reason = error["details"]["fields"]["password"]
    assert "8" in reason  # "at least 8 characters", in the user's language
    error = error_of(add(api, password="password123"), 422, "validation_error")
    assert error["details"]["fields"]["password"]
    assert not get_user_model().objects.filter(username="sn_staff5").exists()


def test_an_office_of_another_market_is_refused(api) -> None:
    error = error_of(add(api, office="ZZ"), 422, "validation_error")  # 郑州, of HA
    assert set(error["details"]["fields"]) == {"office"}


def test_only_local_roles_can_be_given(api) -> None:
    for role in ("market_head", "hq_manager", "admin", "nonsense"):
        error = error_of(add(api, role=role), 422, "validation_error")
        assert "role" in error["details"]["fields"]


def test_an_office_has_one_head(api, user) -> None:
    error = error_of(add(api, role="office_head", office="XA"), 422, "validation_error")
    assert "冯伟" in error["details"]["fields"]["office"]  # XA's head now
    error = error_of(add(api, role="office_head", office=None), 422, "validation_error")
    assert "office" in error["details"]["fields"]


def test_another_market_is_not_found_and_a_staff_member_may_not_add(api) -> None:
    error_of(add(api, who="ha_head"), 404, "not_found")
    error_of(add(api, who="sn_staff1"), 403, "forbidden")
    error_of(add(api, who="sn_xa_head"), 403, "forbidden")
    error_of(add(api, who="planning_reviewer"), 403, "forbidden")
    error_of(api("ha_head").get("/markets/SN/people"), 404, "not_found")
    error_of(api("sn_staff1").get("/markets/SN/people"), 403, "forbidden")
    error_of(api("sn_head").get("/markets/NOPE/people"), 404, "not_found")


def test_hq_manager_and_admin_manage_any_market(api) -> None:
    assert add(api, who="hq_manager").status_code == 201
    assert add(api, who="admin", market="HA", username="ha_staff1", office="ZZ").status_code == 201
    assert Profile.objects.get(user__username="ha_staff1").market.code == "HA"


# --- changing -------------------------------------------------------------------------------------


def test_the_head_moves_a_person_and_makes_them_office_head(api, user) -> None:
    sn = api("sn_head")
    # 宝鸡 has a head: 何平 steps down to staff first, then 朱婷 heads 宝鸡.
    response = sn.patch("/people/sn_bj_head", {"role": "market_staff"})
    assert response.status_code == 200, response.content
    assert Office.objects.get(code="BJ").head is None
    response = sn.patch("/people/sn_staff3", {"role": "office_head", "display_name": "朱婷婷"})
    assert response.json() == {
        "username": "sn_staff3",
        "display_name": "朱婷婷",
        "role": "office_head",
        "office": "BJ",
        "active": True,
    }
    assert Office.objects.get(code="BJ").head == user("sn_staff3")
    entry = AuditEntry.objects.filter(action="person_update").latest("id")
    assert entry.actor == user("sn_head")
    assert entry.changes["before"]["role"] == "market_staff"
    assert entry.changes["after"]["role"] == "office_head"
    assert entry.changes["after"]["display_name"] == "朱婷婷"
    # An office head moved to an office with a head: refused, nothing changed.
    error = error_of(sn.patch("/people/sn_staff3", {"office": "XA"}), 422, "validation_error")
    assert "office" in error["details"]["fields"]
    assert Office.objects.get(code="BJ").head == user("sn_staff3")


def test_staff_can_leave_their_office_but_an_office_head_cannot(api) -> None:
    sn = api("sn_head")
    assert sn.patch("/people/sn_staff1", {"office": None}).json()["office"] is None
    error_of(sn.patch("/people/sn_xa_head", {"office": None}), 422, "validation_error")
    error_of(sn.patch("/people/sn_staff2", {"office": "CD"}), 422, "validation_error")


def test_who_may_change_whom(api) -> None:
    sn = api("sn_head")
    error_of(api("ha_head").patch("/people/sn_staff1", {"display_name": "x"}), 404, "not_found")
    error_of(sn.patch("/people/hq_manager", {"display_name": "x"}), 403, "forbidden")
    error_of(sn.patch("/people/expert_zhang", {"active": False}), 403, "forbidden")
    error_of(sn.patch("/people/sn_head", {"display_name": "x"}), 403, "forbidden")
    error_of(sn.patch("/people/nobody", {"display_name": "x"}), 404, "not_found")
    error_of(api("hq_manager").patch("/people/ha_head", {"active": False}), 403, "forbidden")
    error_of(api("sn_xa_head").patch("/people/sn_staff1", {"active": False}), 403, "forbidden")
    assert api("hq_manager").patch("/people/sn_staff1", {"display_name": "马莉"}).status_code == 200
    assert Profile.objects.get(user__username="sn_staff1").display_name == "马莉"


def test_the_rules_hold_in_the_services(user) -> None:
    head = user("sn_head")
    with pytest.raises(NotFound):
        person_update(username="sn_staff1", by=user("ha_head"), display_name="x")
    with pytest.raises(Forbidden):
        person_update(username="admin", by=head, display_name="x")
    with pytest.raises(Forbidden):
        person_deactivate(username="sn_head", by=head)
    with pytest.raises(Duplicate):
        person_add(
            market_code="SN",
            by=head,
            username="sn_staff1",
            display_name="重复",
            role="market_staff",
            office_code="",
            password=PASSWORD,
        )
    with pytest.raises(ValidationFailed) as refused:
        person_add(
            market_code="SN",
            by=head,
            username="bad name!",
            display_name="",
            role="market_staff",
            office_code="",
            password="",
        )
    assert set(refused.value.fields) == {"username", "display_name", "password"}
    assert not AuditEntry.objects.filter(action__startswith="person_").exists()


# --- deactivating ---------------------------------------------------------------------------------


def test_a_deactivated_person_cannot_log_in_and_their_token_and_session_end(api, user) -> None:
    their_api = api("sn_xa_head")
    browser = Client()
    assert browser.post(reverse("login"), {"username": "sn_xa_head", "password": "campaign-demo"})
    assert browser.get(reverse("activities:list")).status_code == 200
    assert Session.objects.exists()

    response = api("sn_head").patch("/people/sn_xa_head", {"active": False})
    assert response.status_code == 200
    assert response.json()["active"] is False

    error_of(their_api.get("/me"), 401, "not_authenticated")
    assert not ApiToken.objects.usable().filter(user__username="sn_xa_head").exists()
    assert browser.get(reverse("activities:list")).status_code == 302  # back to the login page
    error_of(login("sn_xa_head"), 401, "not_authenticated")
    page = Client().post(reverse("login"), {"username": "sn_xa_head", "password": "campaign-demo"})
    assert page.status_code == 200 and "_auth_user_id" not in page.client.session
    assert Office.objects.get(code="XA").head is None  # a deactivated person heads nothing
    entry = AuditEntry.objects.get(action="person_deactivate")
    assert entry.actor == user("sn_head")
    assert (entry.changes["before"]["active"], entry.changes["after"]["active"]) == (True, False)

    # Reactivated: logs in again with the password; the old token stays dead; heads XA again.
    assert api("sn_head").patch("/people/sn_xa_head", {"active": True}).json()["active"] is True
    error_of(their_api.get("/me"), 401, "not_authenticated")
    assert login("sn_xa_head").status_code == 200
    assert Office.objects.get(code="XA").head == user("sn_xa_head")
    assert AuditEntry.objects.filter(action="person_reactivate").count() == 1


def test_a_deactivated_person_keeps_their_name_on_the_history(api, user) -> None:
    activity = walk(until="on_site", start=timezone.localdate() - timedelta(days=1))
    daily_report_submit(
        activity_id=activity.pk,
        by=user("sn_xa_head"),
        data={"date": activity.start_date, "progress": "西安分会场按计划。"},
    )
    api("sn_head").patch("/people/sn_xa_head", {"active": False})
    page = Client()
    page.force_login(user("sn_head"))
    detail = page.get(reverse("activities:detail", args=[activity.pk]))
    assert detail.status_code == 200
    assert "冯伟" in detail.content.decode()
    listed = api("sn_head").get("/markets/SN/people").json()
    assert {"username": "sn_xa_head", "active": False}.items() <= next(
        p for p in listed if p["username"] == "sn_xa_head"
    ).items()


def test_the_people_endpoint_costs_the_same_whatever_the_number_of_people(
    api, django_assert_max_num_queries
) -> None:
    sn = api("sn_head")
    for n in range(6):
        add(api, username=f"sn_extra{n}", office="XY")
    # token + user (auth), market, the people with user and office.
    with django_assert_max_num_queries(4):
        people = sn.get("/markets/SN/people").json()
    assert len(people) == 14


def test_api_token_is_hashed_expiring_and_revocable(api) -> None:
    response = login("sn_staff1")
    raw = response.json()["token"]
    token = ApiToken.objects.get(user__username="sn_staff1")
    assert raw not in (token.key_hash, token.prefix) and len(token.key_hash) == 64
    client = ApiClient(raw)
    assert client.get("/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    error_of(client.get("/me"), 401, "not_authenticated")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert client.delete("/auth/token").status_code == 204
    error_of(client.get("/me"), 401, "not_authenticated")
