"""Auth and organisation endpoints."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from campaigndesk.core.formatting import local_iso
from campaigndesk.core.http import ApiRequest
from campaigndesk.org import policies, selectors, services
from campaigndesk.org.models import Market
from campaigndesk.org.schemas import (
    DelegationIn,
    DelegationOut,
    DepartmentOut,
    ErrorOut,
    MarketOut,
    MeOut,
    TokenIn,
    TokenOut,
)

router = Router(tags=["auth and organisation"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut}


def me_of(user: AbstractBaseUser) -> dict[str, object]:
    profile = getattr(user, "profile", None)
    role = policies.role_of(user)
    return {
        "username": user.get_username(),
        "display_name": profile.display_name if profile else user.get_username(),
        "role": role.value if role else None,
        "department": profile.department.code if profile and profile.department else None,
        "market": profile.market.code if profile and profile.market else None,
        "office": profile.office.code if profile and profile.office else None,
    }


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, **ERRORS},
    summary="Exchange username and password for a bearer token",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status:
    token, raw = services.token_issue(
        request=request, username=payload.username, password=payload.password
    )
    return Status(
        200, {"token": raw, "expires_at": local_iso(token.expires_at), "user": me_of(token.user)}
    )


@router.delete(
    "/auth/token", response={204: None, 401: ErrorOut}, summary="Revoke the token of this request"
)
def token_delete(request: ApiRequest) -> Status:
    services.token_revoke(token=request.api_token, by=request.auth)  # type: ignore[attr-defined]
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Who am I")
def me(request: ApiRequest) -> dict[str, object]:
    return me_of(request.auth)


def _market_out(market: Market) -> dict[str, object]:
    return {
        "code": market.code,
        "name": market.name,
        "province": market.province,
        "head": market.head.get_username() if market.head else None,
        "offices": [
            {"code": o.code, "name": o.name, "head": o.head.get_username() if o.head else None}
            for o in market.offices.all()
        ],
    }


@router.get(
    "/markets",
    response={200: list[MarketOut], 401: ErrorOut},
    summary="Markets with their offices (a market's people see their own)",
)
def markets(request: ApiRequest) -> list[dict[str, object]]:
    return [_market_out(m) for m in selectors.markets_for_user(user=request.auth)]


@router.get(
    "/departments", response={200: list[DepartmentOut], 401: ErrorOut}, summary="HQ departments"
)
def departments(request: ApiRequest) -> list[dict[str, object]]:
    return [
        {"code": d.code, "name": d.label, "invited_by_default": d.invited_by_default}
        for d in selectors.departments_all()
    ]


@router.get(
    "/me/delegation",
    response={200: DelegationOut | None, 401: ErrorOut},
    summary="My delegation in force or ahead, if any",
)
def delegation_get(request: ApiRequest) -> Any:
    delegation = selectors.delegation_current_of(delegator=request.auth, on=timezone.localdate())
    if delegation is None:
        return None
    return {
        "delegate": delegation.delegate.get_username(),
        "start_date": delegation.start_date,
        "end_date": delegation.end_date,
    }


@router.put(
    "/me/delegation",
    response={200: DelegationOut, **ERRORS, 403: ErrorOut},
    summary="Name a colleague of my department to act for me [reviewer]",
)
def delegation_put(request: ApiRequest, payload: DelegationIn) -> Any:
    delegation = services.delegation_set(
        by=request.auth,
        delegate_username=payload.delegate,
        start_date=payload.start_date,
        end_date=payload.end_date,
    )
    return {
        "delegate": delegation.delegate.get_username(),
        "start_date": delegation.start_date,
        "end_date": delegation.end_date,
    }


@router.delete(
    "/me/delegation",
    response={204: None, 401: ErrorOut, 403: ErrorOut},
    summary="End my delegation now [reviewer]",
)
def delegation_delete(request: ApiRequest) -> Status:
    services.delegation_end(by=request.auth)
    return Status(204, None)
