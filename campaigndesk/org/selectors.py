"""Reads of the organisation."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from campaigndesk.core.errors import Forbidden, NotFound
from campaigndesk.org import policies
from campaigndesk.org.models import Delegation, Department, Market, Profile


def markets_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Market]:
    """The markets `user` may see (their own, or all for HQ), with offices and heads."""
    return (
        Market.objects.filter(policies.market_scope(user))
        .select_related("head")
        .prefetch_related("offices__head")
        .order_by("code")
    )


def departments_all() -> QuerySet[Department]:
    return Department.objects.order_by("position", "code")


def market_choices_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Market]:
    """Code and name of each market `user` may see, for filters."""
    return Market.objects.filter(policies.market_scope(user)).only("code", "name").order_by("code")


def active_users_with_role(role: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, profile__role=role)


def market_heads_of(*, market_id: int) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, profile__role="market_head", profile__market_id=market_id
    )


def in_force(on: date) -> Q:
    """A filter on delegations: a reviewer's, in force on `on` (begun, not past its last day,
    not ended early)."""
    return Q(
        delegator__profile__role="reviewer",
        start_date__lte=on,
        end_date__gte=on,
        ended_at__isnull=True,
    )


def reviewers_of(*, department_ids: list[int], on: date) -> QuerySet[User]:
    """The reviewers of these departments, and whoever acts for one of them on `on`."""
    delegates = Delegation.objects.filter(
        in_force(on), delegator__profile__department_id__in=department_ids
    ).values("delegate_id")
    return User.objects.filter(
        Q(profile__role="reviewer", profile__department_id__in=department_ids)
        | Q(pk__in=delegates),
        is_active=True,
    ).distinct()


def delegation_acting_for(*, delegate: User, department_id: int, on: date) -> Delegation | None:
    """The delegation through which `delegate` acts for a reviewer of the department on `on`."""
    return (
        Delegation.objects.filter(
            in_force(on),
            delegate=delegate,
            delegator__is_active=True,
            delegator__profile__department_id=department_id,
        )
        .select_related("delegator__profile")
        .order_by("start_date", "id")
        .first()
    )


def delegation_current_of(*, delegator: User, on: date) -> Delegation | None:
    """The reviewer's delegation in force on `on` or starting later (not ended)."""
    return (
        Delegation.objects.filter(delegator=delegator, end_date__gte=on, ended_at__isnull=True)
        .select_related("delegate__profile")
        .order_by("start_date", "id")
        .first()
    )


def display_names(usernames: list[str]) -> dict[str, str]:
    """username → display name, in one query (for staffing lists written by username)."""
    return dict(
        User.objects.filter(username__in=set(usernames)).values_list(
            "username", "profile__display_name"
        )
    )


def market_of_people_manager(*, user: AbstractBaseUser | AnonymousUser, code: str) -> Market:
    """The market whose people `user` manages: 404 if they may not see it, 403 if they may see
    it but not manage its people."""
    market = Market.objects.filter(policies.market_scope(user), code=code).first()
    if market is None:
        raise NotFound(_("No such market."))
    if not policies.may_manage_people_of(user, market.pk):
        raise Forbidden(_("Only the market head or headquarters manages a market's staff."))
    return market


def people_of_market(*, market_id: int) -> QuerySet[Profile]:
    """Everyone of the market (the deactivated too), by office, heads first: one query."""
    rank = Case(
        When(role="market_head", then=Value(0)),
        When(role="office_head", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Profile.objects.filter(market_id=market_id)
        .select_related("user", "office", "market")
        .order_by(F("office__code").asc(nulls_first=True), rank, "display_name", "user__username")
    )
