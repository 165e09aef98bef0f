"""Reads of the organisation."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from campaigndesk.org import policies
from campaigndesk.org.models import Department, Market


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
