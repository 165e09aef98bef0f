"""seed_demo and `manage.py seed_demo`: the contract's demo data, idempotent."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from campaigndesk.activities.models import Activity, BudgetLine, ProposalTemplate, TemplateSection
from campaigndesk.core.demo import seed_demo
from campaigndesk.core.models import AuditEntry
from campaigndesk.org.models import Department, Market, Office, Profile

pytestmark = pytest.mark.django_db


# API.md, "Demo data": every login and its role.
LOGINS = {
    "admin": "admin",
    "hq_manager": "hq_manager",
    "planning_reviewer": "reviewer",
    "marketing_reviewer": "reviewer",
    "logistics_reviewer": "reviewer",
    "finance_reviewer": "reviewer",
    "expert_zhang": "support_member",
    "planner_li": "support_member",
    "support_zhao": "support_member",
    "support_qian": "support_member",
    "sn_head": "market_head",
    "ha_head": "market_head",
    "sc_head": "market_head",
    "sn_xa_head": "office_head",
    "sn_bj_head": "office_head",
    "sn_xy_head": "office_head",
    "sn_staff1": "market_staff",
    "sn_staff2": "market_staff",
    "sn_staff3": "market_staff",
    "sn_staff4": "market_staff",
}

COUNTED = (
    get_user_model(),
    Profile,
    Market,
    Office,
    Department,
    ProposalTemplate,
    TemplateSection,
    Activity,
    BudgetLine,
    AuditEntry,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_seed_demo_twice_changes_nothing() -> None:
    seed_demo()
    first = counts()

    seed_demo()

    assert counts() == first
    assert first["Market"] == 3
    # One sample draft per market, six walked through stage 1, one running on site today,
    # five finished in the past 13 months.
    assert first["Activity"] == 15


def test_seed_demo_shows_every_stage1_state() -> None:
    from campaigndesk.activities.models import Activity
    from campaigndesk.reviews.models import Opinion

    seed_demo()
    states = set(Activity.objects.values_list("status", flat=True))
    assert {
        "draft",
        "submitted",
        "in_review",
        "revision_requested",
        "resubmitted",
        "approved",
        "rejected",
        "on_site",
        "evaluated",
        "archived",
    } <= states
    in_review = Activity.objects.get(status="in_review")
    given = set(
        Opinion.objects.filter(round__activity=in_review).values_list("department__code", flat=True)
    )
    assert given == {"planning", "marketing"}  # logistics and finance still owe theirs


def test_every_contract_login_exists_with_the_demo_password() -> None:
    seed_demo()

    people = get_user_model().objects.select_related("profile")
    assert {u.username: u.profile.role for u in people} == LOGINS
    for person in people:
        assert person.check_password("campaign-demo"), person.username
        assert person.is_active


def test_admin_is_a_superuser() -> None:
    seed_demo()

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_markets_offices_and_heads() -> None:
    seed_demo()

    markets = Market.objects.values_list("code", "province", "head__username")
    assert {code: (province, head) for code, province, head in markets} == {
        "SN": ("陕西", "sn_head"),
        "HA": ("河南", "ha_head"),
        "SC": ("四川", "sc_head"),
    }
    sn_offices = Office.objects.filter(market__code="SN").values_list(
        "code", "name", "head__username"
    )
    assert {code: (name, head) for code, name, head in sn_offices} == {
        "XA": ("西安办事处", "sn_xa_head"),
        "BJ": ("宝鸡办事处", "sn_bj_head"),
        "XY": ("咸阳办事处", "sn_xy_head"),
    }


def test_market_people_belong_to_sn_and_its_offices() -> None:
    seed_demo()

    profiles = Profile.objects.select_related("user", "market", "office")
    where = {
        p.user.username: (p.market and p.market.code, p.office and p.office.code) for p in profiles
    }
    assert where["sn_head"] == ("SN", None)
    assert where["sn_xa_head"] == ("SN", "XA")
    assert where["sn_bj_head"] == ("SN", "BJ")
    assert where["sn_xy_head"] == ("SN", "XY")
    assert {where[f"sn_staff{n}"][0] for n in range(1, 5)} == {"SN"}
    assert where["hq_manager"] == (None, None)


def test_departments_and_their_reviewers() -> None:
    seed_demo()

    assert list(Department.objects.values_list("code", flat=True)) == [
        "planning",
        "marketing",
        "logistics",
        "finance",
    ]
    reviewers = Profile.objects.filter(role="reviewer").values_list(
        "user__username", "department__code"
    )
    assert dict(reviewers) == {
        "planning_reviewer": "planning",
        "marketing_reviewer": "marketing",
        "logistics_reviewer": "logistics",
        "finance_reviewer": "finance",
    }


def test_current_template_with_twenty_lead_days() -> None:
    seed_demo()

    template = ProposalTemplate.objects.current()
    assert (template.version, template.lead_days) == (1, 20)
    assert template.sections.filter(required=True).count() == 8


def test_seed_keeps_what_an_admin_changed() -> None:
    seed_demo()
    Market.objects.filter(code="SN").update(name="陕西直营市场")
    ProposalTemplate.objects.filter(is_current=True).update(lead_days=30)

    seed_demo()

    assert Market.objects.get(code="SN").name == "陕西直营市场"
    assert ProposalTemplate.objects.current().lead_days == 30


def test_command_prints_the_logins() -> None:
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    text = out.getvalue()
    assert "campaign-demo" in text
    for username in LOGINS:
        assert f"  {username} " in text, username
    assert get_user_model().objects.count() == len(LOGINS)


def test_seed_demo_gives_full_reference_packs() -> None:
    from campaigndesk.activities.models import Activity
    from campaigndesk.evaluation.selectors import reference_pack

    seed_demo()
    running = Activity.objects.get(status="on_site", market__code="SN")
    pack = reference_pack(activity=running)
    assert pack["previous"] is not None and pack["previous"]["strengths"]
    assert pack["same_period_last_year"] is not None
    assert pack["same_period_last_year"]["metrics"]["roi"] is not None
