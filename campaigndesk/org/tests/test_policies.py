"""Who sees and does what: policies.may, may_see_activity, activity_scope, market_scope."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from campaigndesk.activities.models import Activity
from campaigndesk.org import policies
from campaigndesk.org.models import Market
from campaigndesk.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(demo: None) -> dict[str, Activity]:
    """The demo's one draft per market, by market code."""
    return {a.market.code: a for a in Activity.objects.select_related("market")}


def visible_markets(user) -> set[str]:
    return set(
        Activity.objects.filter(policies.activity_scope(user)).values_list(
            "market__code", flat=True
        )
    )


@pytest.mark.parametrize(
    ("username", "markets"),
    [
        ("sn_head", {"SN"}),
        ("sn_xa_head", {"SN"}),
        ("sn_staff4", {"SN"}),
        ("ha_head", {"HA"}),
        ("sc_head", {"SC"}),
        ("hq_manager", {"SN", "HA", "SC"}),
        ("logistics_reviewer", {"SN", "HA", "SC"}),
        ("support_qian", {"SN", "HA", "SC"}),
        ("admin", {"SN", "HA", "SC"}),
    ],
)
def test_market_people_see_their_market_and_hq_sees_all(
    sample, user, username: str, markets: set[str]
) -> None:
    person = user(username)

    assert visible_markets(person) == markets
    assert {code for code, a in sample.items() if policies.may_see_activity(person, a)} == markets
    assert (
        set(Market.objects.filter(policies.market_scope(person)).values_list("code", flat=True))
        == markets
    )


def test_user_without_profile_sees_and_does_nothing(sample) -> None:
    stranger = get_user_model().objects.create_user(username="stranger", password="x")

    assert policies.role_of(stranger) is None
    assert visible_markets(stranger) == set()
    assert not Market.objects.filter(policies.market_scope(stranger)).exists()
    assert not policies.may_see_activity(stranger, sample["SN"])
    assert not policies.may(stranger, "view", sample["SN"])


def test_anonymous_user_sees_nothing(sample) -> None:
    anonymous = AnonymousUser()

    assert visible_markets(anonymous) == set()
    assert not policies.may_see_activity(anonymous, sample["SN"])
    assert not policies.may(anonymous, "create")


def test_superuser_without_profile_counts_as_admin(sample) -> None:
    root = get_user_model().objects.create_superuser(username="root", password="x")

    assert policies.role_of(root) == Role.ADMIN
    assert visible_markets(root) == {"SN", "HA", "SC"}
    assert policies.may(root, "view", sample["HA"])
    # admin configures; it does not write proposals.
    assert not policies.may(root, "create")


def test_inactive_user_loses_every_right(sample, user) -> None:
    sn_head = user("sn_head")
    sn_head.is_active = False

    assert visible_markets(sn_head) == set()
    assert not policies.may(sn_head, "edit", sample["SN"])


# Who may do what on an activity they can see (API.md's roles in brackets).
EXPECTED = {
    "create": {"sn_head"},
    "edit": {"sn_head"},
    "submit": {"sn_head"},
    "resubmit": {"sn_head"},
    "cancel": {"sn_head", "hq_manager"},
    "grant_lead_time_exception": {"hq_manager"},
    "open_review": {"hq_manager"},
    "return": {"hq_manager"},
    "decide": {"hq_manager"},
    "start_onsite": {"sn_head", "hq_manager"},
    "wrap_up": {"sn_head"},
    "evaluate": {"hq_manager"},
    "archive": {"hq_manager"},
}
PEOPLE = [
    "admin",
    "hq_manager",
    "planning_reviewer",
    "expert_zhang",
    "sn_head",
    "sn_xa_head",
    "sn_staff1",
]


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_roles_allowed_each_action_on_an_own_market_activity(sample, user, action: str) -> None:
    allowed = {name for name in PEOPLE if policies.may(user(name), action, sample["SN"])}

    assert allowed == EXPECTED[action]


def test_everyone_of_the_market_and_hq_may_view(sample, user) -> None:
    assert all(policies.may(user(name), "view", sample["SN"]) for name in PEOPLE)


@pytest.mark.parametrize("action", ["view", "edit", "cancel", "submit", "start_onsite"])
def test_no_action_on_another_markets_activity(sample, user, action: str) -> None:
    ha_head = user("ha_head")

    assert not policies.may(ha_head, action, sample["SN"])
    assert policies.may(ha_head, action, sample["HA"])
