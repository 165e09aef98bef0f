"""Who sees and does what.

A market's people see only their own market's activities; to them another market's activity does
not exist (callers turn "may not see" into 404). HQ roles see every market. Whether a role may do
an action is the table below; it is checked after visibility, so a refused action on a visible
activity is a 403.
"""

from __future__ import annotations

from typing import Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from campaigndesk.org.roles import HQ_ROLES, MARKET_ROLES, Role

AnyUser = AbstractBaseUser | AnonymousUser


class MarketBound(Protocol):
    market_id: int


# action -> roles that may do it (on an activity they can see).
ACTIVITY_ACTIONS: dict[str, frozenset[Role]] = {
    "view": HQ_ROLES | MARKET_ROLES,
    "create": frozenset({Role.MARKET_HEAD}),
    "edit": frozenset({Role.MARKET_HEAD}),
    "submit": frozenset({Role.MARKET_HEAD}),
    "resubmit": frozenset({Role.MARKET_HEAD}),
    "cancel": frozenset({Role.MARKET_HEAD, Role.HQ_MANAGER}),
    "grant_lead_time_exception": frozenset({Role.HQ_MANAGER}),
    "open_review": frozenset({Role.HQ_MANAGER}),
    "return": frozenset({Role.HQ_MANAGER}),
    "decide": frozenset({Role.HQ_MANAGER}),
    "manage_team": frozenset({Role.HQ_MANAGER}),
    "start_onsite": frozenset({Role.HQ_MANAGER, Role.MARKET_HEAD}),
    "record_meeting": frozenset({Role.MARKET_HEAD, Role.HQ_MANAGER}),
    "write_activity_summary": frozenset({Role.MARKET_HEAD}),
    "wrap_up": frozenset({Role.MARKET_HEAD}),
    "evaluate": frozenset({Role.HQ_MANAGER}),
    "archive": frozenset({Role.HQ_MANAGER}),
    "send_lessons": frozenset({Role.HQ_MANAGER}),
}


def role_of(user: AnyUser) -> Role | None:
    """The user's role; a superuser without a profile counts as `admin`."""
    if not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "profile", None)
    if profile is not None:
        return Role(profile.role)
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return None


def market_id_of(user: AnyUser) -> int | None:
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return profile.market_id if profile is not None else None


def is_hq(user: AnyUser) -> bool:
    return role_of(user) in HQ_ROLES


def is_reviewer_of(user: AnyUser, department_code: str) -> bool:
    """A reviewer of that HQ department (finance enters costs, signs off budgets, verifies
    receipts: HQ departments act only in their own department)."""
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return (
        role_of(user) == Role.REVIEWER
        and profile is not None
        and profile.department_id is not None
        and profile.department.code == department_code
    )


def activity_scope(user: AnyUser, *, via: str = "") -> Q:
    """A filter on activities (or anything with a `market`) to what the user may see; `via`
    prefixes the lookup for rows reached through a relation, e.g. `via="activity__"`."""
    return scope_filter(*scope_of(user), via=via)


def scope_of(user: AnyUser) -> tuple[str, int | None]:
    """What `activity_scope` admits, as data: ("all", None) for HQ, ("market", its id) for a
    market's people, ("none", None) for anyone else (a market role without a market too)."""
    role = role_of(user)
    if role in HQ_ROLES:
        return "all", None
    market_id = market_id_of(user) if role in MARKET_ROLES else None
    return ("market", market_id) if market_id is not None else ("none", None)


def scope_filter(kind: str, market_id: int | None, *, via: str = "") -> Q:
    """The filter of a `scope_of` answer (for queries compiled once with the market id as a
    parameter: core.compiled)."""
    if kind == "all":
        return Q()
    if kind == "market":
        return Q(**{f"{via}market_id": market_id})
    return Q(pk__in=[])


def market_scope(user: AnyUser) -> Q:
    """A filter on markets to those the user may see."""
    role = role_of(user)
    if role in HQ_ROLES:
        return Q()
    if role in MARKET_ROLES:
        return Q(pk=market_id_of(user))
    return Q(pk__in=[])


def may_see_activity(user: AnyUser, activity: MarketBound) -> bool:
    role = role_of(user)
    if role in HQ_ROLES:
        return True
    return role in MARKET_ROLES and activity.market_id == market_id_of(user)


def may(user: AnyUser, action: str, activity: MarketBound | None = None) -> bool:
    """May `user` do `action` (on `activity`, when given)?"""
    role = role_of(user)
    if role is None or role not in ACTIVITY_ACTIONS[action]:
        return False
    return activity is None or may_see_activity(user, activity)


# --- People of a market (用人权) ------------------------------------------------------------------
# A market head manages the local staff of their own market; the administrator and the HQ manager
# may do the same for any market. Market heads and HQ people are the administrator's (the Django
# admin): a head is tied to `Market.head`, and HQ staff and support teams belong to HQ.
PEOPLE_MANAGERS = frozenset({Role.ADMIN, Role.HQ_MANAGER, Role.MARKET_HEAD})
MANAGED_ROLES = frozenset({Role.OFFICE_HEAD, Role.MARKET_STAFF})


def may_manage_people_of(user: AnyUser, market_id: int) -> bool:
    """May `user` add and change the local staff of this market?"""
    role = role_of(user)
    if role in (Role.ADMIN, Role.HQ_MANAGER):
        return True
    return role == Role.MARKET_HEAD and market_id_of(user) == market_id


def may_manage_person(user: AnyUser, *, role: str, market_id: int | None, pk: int) -> bool:
    """May `user` change this person (a profile of `role` in `market_id`)? Never themselves,
    never a market head or an HQ person."""
    if pk == user.pk or role not in MANAGED_ROLES or market_id is None:
        return False
    return may_manage_people_of(user, market_id)
