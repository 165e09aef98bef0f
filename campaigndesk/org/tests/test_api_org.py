"""GET /me, /markets, /departments and /templates/current."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from campaigndesk.activities.models import ProposalTemplate
from campaigndesk.conftest import ApiClient
from campaigndesk.org.models import ApiToken, Market, Office


def client_for_new_user(username: str, *, superuser: bool = False) -> ApiClient:
    """A client for a user made here (not a demo login): one without a profile."""
    person = get_user_model().objects.create_user(
        username=username, password="x", is_superuser=superuser, is_staff=superuser
    )
    _token, raw = ApiToken.issue(user=person, days=1)
    return ApiClient(raw)


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("sn_head", ("周海涛", "market_head", None, "SN", None)),
        ("sn_xa_head", ("冯伟", "office_head", None, "SN", "XA")),
        ("sn_staff3", ("朱婷", "market_staff", None, "SN", "BJ")),
        ("ha_head", ("吴志刚", "market_head", None, "HA", None)),
        ("planning_reviewer", ("刘洋", "reviewer", "planning", None, None)),
        ("finance_reviewer", ("孙丽", "reviewer", "finance", None, None)),
        ("hq_manager", ("王建国", "hq_manager", None, None, None)),
        ("expert_zhang", ("张教授", "support_member", None, None, None)),
        ("admin", ("系统管理员", "admin", None, None, None)),
    ],
)
def test_me_describes_the_caller(api, username: str, expected: tuple) -> None:
    response = api(username).get("/me")

    assert response.status_code == 200
    display_name, role, department, market, office = expected
    assert response.json() == {
        "username": username,
        "display_name": display_name,
        "role": role,
        "department": department,
        "market": market,
        "office": office,
    }


def test_me_of_a_superuser_without_profile_is_admin(demo: None) -> None:
    client = client_for_new_user("root", superuser=True)

    assert client.get("/me").json() == {
        "username": "root",
        "display_name": "root",
        "role": "admin",
        "department": None,
        "market": None,
        "office": None,
    }


def by_code(markets: list[dict]) -> dict[str, dict]:
    return {market["code"]: market for market in markets}


def offices_of(market: dict) -> dict[str, tuple[str, str | None]]:
    return {o["code"]: (o["name"], o["head"]) for o in market["offices"]}


@pytest.mark.parametrize("username", ["hq_manager", "marketing_reviewer", "admin"])
def test_hq_sees_every_market_with_offices_and_heads(api, username: str) -> None:
    response = api(username).get("/markets")

    assert response.status_code == 200
    markets = by_code(response.json())
    assert set(markets) == {"SN", "HA", "SC"}
    sn = markets["SN"]
    assert (sn["name"], sn["province"], sn["head"]) == ("陕西市场", "陕西", "sn_head")
    assert offices_of(sn) == {
        "XA": ("西安办事处", "sn_xa_head"),
        "BJ": ("宝鸡办事处", "sn_bj_head"),
        "XY": ("咸阳办事处", "sn_xy_head"),
    }
    assert (markets["HA"]["province"], markets["HA"]["head"]) == ("河南", "ha_head")
    assert (markets["SC"]["province"], markets["SC"]["head"]) == ("四川", "sc_head")


@pytest.mark.parametrize(
    ("username", "market"), [("sn_head", "SN"), ("sn_staff1", "SN"), ("ha_head", "HA")]
)
def test_market_people_see_only_their_market(api, username: str, market: str) -> None:
    response = api(username).get("/markets")

    assert response.status_code == 200
    assert [m["code"] for m in response.json()] == [market]


def test_user_without_profile_sees_no_market(demo: None) -> None:
    client = client_for_new_user("stranger")

    response = client.get("/markets")

    assert response.status_code == 200
    assert response.json() == []


def test_markets_query_count_does_not_grow_with_offices(api, django_assert_num_queries) -> None:
    client = api("hq_manager")
    for market in Market.objects.all():
        for n in range(5):
            Office.objects.create(market=market, code=f"N{n}", name=f"新办事处{n}")

    # token lookup (with user and profile); markets with heads; offices; office heads
    with django_assert_num_queries(4):
        response = client.get("/markets")
    assert sum(len(m["offices"]) for m in response.json()) == 7 + 15


def test_departments_are_the_four_review_departments(api) -> None:
    response = api("hq_manager", language="en").get("/departments")

    assert response.status_code == 200
    assert [(d["code"], d["name"]) for d in response.json()] == [
        ("planning", "Planning"),
        ("marketing", "Marketing"),
        ("logistics", "Logistics"),
        ("finance", "Finance"),
    ]


EXPECTED_SECTIONS = [
    ("background", "活动背景与目的", True),
    ("theme", "活动主题与形式", True),
    ("audience", "目标人群与邀约", True),
    ("schedule", "活动流程与日程", True),
    ("promotion", "宣传推广计划", True),
    ("products", "产品与销售政策", True),
    ("staffing_plan", "人员组织安排", False),
    ("materials", "物料需求", True),
    ("risk", "风险预案", True),
    ("expected", "预期效果", False),
]


def test_current_template_lists_its_sections_in_order(api) -> None:
    response = api("sn_head").get("/templates/current")

    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["lead_days"]) == (1, 20)
    assert [(s["key"], s["title"], s["required"]) for s in body["sections"]] == EXPECTED_SECTIONS


def test_current_template_titles_in_english_on_request(api) -> None:
    response = api("sn_head", language="en").get("/templates/current")

    assert response.json()["sections"][0]["title"] == "Background and goals"


def test_current_template_follows_hq_settings(api) -> None:
    client = api("sn_head")
    ProposalTemplate.objects.filter(is_current=True).update(lead_days=25)

    assert client.get("/templates/current").json()["lead_days"] == 25


def test_organisation_endpoints_need_a_token(demo: None) -> None:
    for path in ("/me", "/markets", "/departments", "/templates/current"):
        response = ApiClient().get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "not_authenticated"
