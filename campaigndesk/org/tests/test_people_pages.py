"""The People (人员) page: a market head manages their staff in place; HQ picks a market."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from campaigndesk.core.models import AuditEntry
from campaigndesk.org.models import Profile

pytestmark = pytest.mark.django_db

PEOPLE = reverse("org:people")


@pytest.fixture
def as_user(user):  # type: ignore[no-untyped-def]
    def make(username: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user(username))
        return client

    return make


def test_the_head_sees_their_people_by_office_and_the_nav_link(as_user) -> None:
    page = as_user("sn_head").get(PEOPLE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="nav-people"' in html
    for name in ("冯伟", "马丽", "朱婷", "西安办事处", "宝鸡办事处"):
        assert name in html
    assert "吴志刚" not in html  # HA's head
    assert 'data-testid="market-selector"' not in html
    # The head's own row has no buttons; staff rows have.
    assert html.count('data-testid="person-deactivate"') == 7


def test_a_market_head_cannot_look_at_another_market(as_user) -> None:
    html = as_user("sn_head").get(PEOPLE, {"market": "HA"}).content.decode()
    assert "陕西市场" in html and "河南市场" not in html  # their own market, whatever is asked


def test_others_are_refused(as_user) -> None:
    assert as_user("sn_staff1").get(PEOPLE).status_code == 403
    assert as_user("planning_reviewer").get(PEOPLE).status_code == 403
    assert (
        'data-testid="nav-people"' not in as_user("sn_staff1").get("/activities/").content.decode()
    )
    assert as_user("ha_head").get(reverse("org:person_edit", args=["sn_staff1"])).status_code == 404
    assert (
        as_user("sn_staff2")
        .post(reverse("org:person_active", args=["sn_staff1"]), {"active": "0"})
        .status_code
        == 403
    )


def test_hq_picks_a_market(as_user) -> None:
    html = as_user("hq_manager").get(PEOPLE, {"market": "HA"}).content.decode()
    assert 'data-testid="market-selector"' in html
    assert "吴志刚" in html and "郑州办事处" in html and "冯伟" not in html


def test_adding_with_errors_beside_the_fields_then_success(as_user) -> None:
    head = as_user("sn_head")
    response = head.post(
        PEOPLE,
        {
            "display_name": "刘芳",
            "username": "sn_staff1",
            "password": "123",
            "role": "office_head",
            "office": "XA",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="person-add-form"' in html and "<html" not in html  # the form only
    assert html.count("invalid-feedback") == 1  # the taken username first (409 before 422)
    assert "刘芳" in html  # what was typed stays
    response = head.post(
        PEOPLE,
        {
            "display_name": "刘芳",
            "username": "sn_staff5",
            "password": "123",
            "role": "office_head",
            "office": "XA",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.count("invalid-feedback") == 2  # password and office (XA has a head)
    assert "冯伟" in html
    response = head.post(
        PEOPLE,
        {
            "display_name": "刘芳",
            "username": "sn_staff5",
            "password": "Xian-summer-2026",
            "role": "market_staff",
            "office": "XA",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204 and response["HX-Redirect"].endswith("?market=SN")
    assert Profile.objects.get(user__username="sn_staff5").office.code == "XA"
    assert "刘芳" in head.get(PEOPLE).content.decode()


def test_editing_in_place_and_deactivating(as_user, user) -> None:
    head = as_user("sn_head")
    edit = reverse("org:person_edit", args=["sn_staff4"])
    form = head.get(edit, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="person-edit-form"' in form and "<html" not in form
    row = head.post(
        edit, {"display_name": "", "role": "market_staff", "office": "CD"}, HTTP_HX_REQUEST="true"
    )
    html = row.content.decode()
    assert html.count("invalid-feedback") == 2  # name and an office of another market
    row = head.post(
        edit,
        {"display_name": "胡俊", "role": "market_staff", "office": "XA"},
        HTTP_HX_REQUEST="true",
    )
    assert "胡俊" in row.content.decode() and 'data-testid="person-edit"' in row.content.decode()
    assert Profile.objects.get(user__username="sn_staff4").office.code == "XA"

    active = reverse("org:person_active", args=["sn_staff4"])
    row = head.post(active, {"active": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="inactive"' in row and 'data-testid="person-reactivate"' in row
    assert not get_user_model().objects.get(username="sn_staff4").is_active
    row = head.post(active, {"active": "1"}).status_code
    assert row == 302
    assert get_user_model().objects.get(username="sn_staff4").is_active
    assert list(
        AuditEntry.objects.filter(action__startswith="person_").values_list("action", flat=True)
    ) == ["person_update", "person_deactivate", "person_reactivate"]


def test_the_head_cannot_deactivate_themselves_from_the_page(as_user) -> None:
    head = as_user("sn_head")
    assert (
        head.post(reverse("org:person_active", args=["sn_head"]), {"active": "0"}).status_code
        == 403
    )
    assert (
        head.post(reverse("org:person_active", args=["admin"]), {"active": "0"}).status_code == 404
    )


def test_the_page_costs_the_same_whatever_the_number_of_people(
    as_user, user, django_assert_max_num_queries
) -> None:
    from campaigndesk.org.services import person_add

    head = as_user("sn_head")
    head.get(PEOPLE)
    for n in range(8):
        person_add(
            market_code="SN",
            by=user("sn_head"),
            username=f"extra{n}",
            display_name=f"新人{n}",
            role="market_staff",
            office_code=["XA", "BJ", "XY", ""][n % 4],
            password="Xian-summer-2026",
        )
    # session, user with profile, the market, its offices with heads, its people with user,
    # office and market; the header's inbox badge and "my reviews" (delegation) checks.
    with django_assert_max_num_queries(7):
        html = head.get(PEOPLE).content.decode()
    assert "新人7" in html


def test_everyone_changes_their_own_password(as_user, user) -> None:
    client = as_user("sn_staff1")
    url = reverse("org:password_change")
    page = client.get("/activities/").content.decode()
    assert url in page
    wrong = client.post(url, {"old_password": "nope", "new_password1": "x", "new_password2": "x"})
    assert wrong.status_code == 200 and "invalid-feedback" in wrong.content.decode()
    done = client.post(
        url,
        {
            "old_password": "campaign-demo",
            "new_password1": "Xian-summer-2026",
            "new_password2": "Xian-summer-2026",
        },
    )
    assert done.status_code == 302
    assert client.get("/activities/").status_code == 200  # still logged in
    assert user("sn_staff1").check_password("Xian-summer-2026")
    assert AuditEntry.objects.filter(action="password_change", actor=user("sn_staff1")).exists()
