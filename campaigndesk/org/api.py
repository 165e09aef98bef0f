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
from campaigndesk.org.models import Market, Profile
from campaigndesk.org.schemas import (
    DelegationIn,
    DelegationOut,
    DepartmentOut,
    ErrorOut,
    MarketOut,
    MeOut,
    PersonIn,
    PersonOut,
    PersonPatch,
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
    response={200: TokenOut, **ERRORS, 429: ErrorOut},
    summary="Exchange username and password for a bearer token",
    description=(
        "Wrong credentials: `401 not_authenticated`. After 5 wrong passwords for a username, "
        "that username is locked for 15 minutes, here and on the login page: "
        "`429 too_many_attempts` (also for the right password until the lock ends); a "
        "successful login resets the count. A deactivated person gets `401`."
    ),
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


# --- People of a market (用人权) ------------------------------------------------------------------
PEOPLE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PEOPLE_RULES = (
    "A market head manages their own market's office heads and market staff; the administrator "
    "and the HQ manager may for every market. Market heads and HQ people are the "
    "administrator's (403), as is oneself (403); another market's people are 404 to a market's "
    "people."
)


def person_out(profile: Profile) -> dict[str, object]:
    return {
        "username": profile.user.get_username(),
        "display_name": profile.display_name,
        "role": profile.role,
        "office": profile.office.code if profile.office else None,
        "active": profile.user.is_active,
    }


@router.get(
    "/markets/{code}/people",
    response={200: list[PersonOut], **PEOPLE_ERRORS},
    summary="The market's people, by office [market head of it, admin, hq_manager]",
    description=PEOPLE_RULES + " Deactivated people are listed with `active: false`.",
)
def people_list(request: ApiRequest, code: str) -> list[dict[str, object]]:
    market = selectors.market_of_people_manager(user=request.auth, code=code)
    return [person_out(p) for p in selectors.people_of_market(market_id=market.pk)]


@router.post(
    "/markets/{code}/people",
    response={201: PersonOut, **PEOPLE_ERRORS, 409: ErrorOut},
    summary="Add an office head or market staff with an initial password [market head, HQ]",
    description=PEOPLE_RULES
    + " `role`: `office_head` (needs an `office` of the market without a head) or "
    "`market_staff`. A taken username: `409 duplicate`; a password the rules refuse, an office "
    "of another market, a role other than these two: `422 validation_error` with "
    "`details.fields`.",
)
def people_add(request: ApiRequest, code: str, payload: PersonIn) -> Status:
    profile = services.person_add(
        market_code=code,
        by=request.auth,
        username=payload.username,
        display_name=payload.display_name,
        role=payload.role,
        office_code=payload.office or "",
        password=payload.password,
    )
    return Status(201, person_out(profile))


@router.patch(
    "/people/{username}",
    response={200: PersonOut, **PEOPLE_ERRORS},
    summary="Change a person's name, role or office, or (de)activate them [market head, HQ]",
    description=PEOPLE_RULES
    + " `active: false` ends their API tokens and sessions at once; they keep their name on "
    "everything they did. Fields not sent stay; `office: null` takes them out of any office.",
)
def people_patch(request: ApiRequest, username: str, payload: PersonPatch) -> Status:
    sent = payload.model_fields_set
    profile = services.person_update(
        username=username,
        by=request.auth,
        display_name=payload.display_name if "display_name" in sent else None,
        role=payload.role if "role" in sent else None,
        office_code=(payload.office or "") if "office" in sent else None,
        active=payload.active if "active" in sent else None,
    )
    return Status(200, person_out(profile))
