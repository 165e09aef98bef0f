"""Pages of the organisation: a market's people (用人权), changing one's password, and the
answer to a locked-out login."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigndesk.core.errors import (
    DomainError,
    Duplicate,
    TooManyAttempts,
    ValidationFailed,
)
from campaigndesk.core.http import PageRequest
from campaigndesk.core.middleware import API_PREFIX
from campaigndesk.core.pages import raise_http
from campaigndesk.org import policies, selectors, services
from campaigndesk.org.models import Market, Office, Profile
from campaigndesk.org.roles import MARKET_ROLES, Role

PERSON_FIELDS = ("username", "display_name", "role", "office", "password")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the API's error body
    under /api/, else the login page again with the reason, both 429."""
    error = TooManyAttempts(services.lockout_message())
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"error": error.as_dict()},
            status=error.status,
            json_dumps_params={"ensure_ascii": False},
        )
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "core/login.html",
        {
            "form": AuthenticationForm(request, initial={"username": username}),
            "locked_out": error.message,
            "next": request.POST.get("next", ""),
        },
        status=error.status,
    )


def _market_for(request: PageRequest) -> Market:
    """The market whose people the page shows: a market head's own; HQ picks one (?market=)."""
    user = request.user
    code = request.GET.get("market") or request.POST.get("market") or ""
    if policies.role_of(user) in MARKET_ROLES:
        market = user.profile.market
        assert market is not None
        code = market.code
    elif not code:
        first = Market.objects.order_by("code").first()
        if first is None:
            raise Http404
        code = first.code
    try:
        return selectors.market_of_people_manager(user=user, code=code)
    except DomainError as error:
        raise_http(error)
        raise


def _manageable(user: Any, profile: Profile) -> bool:
    return policies.may_manage_person(
        user, role=profile.role, market_id=profile.market_id, pk=profile.user_id
    )


def _row_context(request: PageRequest, profile: Profile, **extra: Any) -> dict[str, Any]:
    assert profile.market_id is not None
    profile.manageable = _manageable(request.user, profile)  # type: ignore[attr-defined]
    return {
        "person": profile,
        "offices": Office.objects.filter(market_id=profile.market_id).order_by("code"),
        "roles": [(r.value, r.label) for r in (Role.OFFICE_HEAD, Role.MARKET_STAFF)],
        "editing": False,
        "row_errors": {},
        "row_values": {},
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def people(request: PageRequest) -> HttpResponse:
    """The people of a market by office; the market head (or HQ) adds people here. A POST is
    the add form."""
    market = _market_for(request)
    errors: dict[str, str] = {}
    values = {f: "" for f in PERSON_FIELDS}
    values["role"] = Role.MARKET_STAFF.value
    if request.method == "POST":
        values = {f: request.POST.get(f, "").strip() for f in PERSON_FIELDS}
        values["password"] = request.POST.get("password", "")
        try:
            profile = services.person_add(
                market_code=market.code,
                by=request.user,
                username=values["username"],
                display_name=values["display_name"],
                role=values["role"],
                office_code=values["office"],
                password=values["password"],
            )
        except ValidationFailed as error:
            errors.update(error.fields)
        except Duplicate as error:
            errors["username"] = str(error.message)
        except DomainError as error:
            raise_http(error)
            raise
        else:
            messages.success(request, _added_message(profile))
            url = f"{reverse('org:people')}?market={market.code}"
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        values["password"] = ""
    offices = list(Office.objects.filter(market=market).select_related("head").order_by("code"))
    everyone = list(selectors.people_of_market(market_id=market.pk))
    for person in everyone:
        person.manageable = _manageable(request.user, person)  # type: ignore[attr-defined]
    groups: list[tuple[Office | None, list[Profile]]] = [
        (None, [p for p in everyone if p.office_id is None])
    ] + [(o, [p for p in everyone if p.office_id == o.pk]) for o in offices]
    context = {
        "market": market,
        "markets": (
            selectors.market_choices_for_user(user=request.user)
            if policies.role_of(request.user) != Role.MARKET_HEAD
            else []
        ),
        "groups": groups,
        "offices": offices,
        "roles": [(r.value, r.label) for r in (Role.OFFICE_HEAD, Role.MARKET_STAFF)],
        "values": values,
        "errors": errors,
        "editing_username": request.GET.get("edit", ""),
    }
    if request.htmx and request.method == "POST":
        # Refused fields are shown beside them (htmx swaps only 2xx answers).
        return render(request, "org/partials/_person_add.html", context)
    return render(request, "org/people.html", context)


def _added_message(profile: Profile) -> str:
    return _("%(name)s (%(username)s) was added; pass on the initial password.") % {
        "name": profile.display_name,
        "username": profile.user.get_username(),
    }


def _person_visible(request: PageRequest, username: str) -> Profile:
    profile = (
        Profile.objects.filter(user__username=username)
        .select_related("user", "office", "market")
        .first()
    )
    if profile is None or profile.market_id is None:
        raise Http404
    if not policies.may_manage_people_of(request.user, profile.market_id):
        if profile.market_id != policies.market_id_of(request.user) and not policies.is_hq(
            request.user
        ):
            raise Http404
        raise PermissionDenied
    return profile


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: PageRequest, username: str) -> HttpResponse:
    """One person's row, editable in place (name, role, office); errors beside the fields."""
    profile = _person_visible(request, username)
    if request.method == "GET":
        return render(
            request, "org/partials/_person_row.html", _row_context(request, profile, editing=True)
        )
    values = {f: request.POST.get(f, "").strip() for f in ("display_name", "role", "office")}
    try:
        profile = services.person_update(
            username=username,
            by=request.user,
            display_name=values["display_name"],
            role=values["role"],
            office_code=values["office"],
        )
    except ValidationFailed as error:
        return render(
            request,
            "org/partials/_person_row.html",
            _row_context(
                request, profile, editing=True, row_errors=error.fields, row_values=values
            ),
        )
    except DomainError as error:
        raise_http(error)
        raise
    return _row_or_page(request, profile)


@login_required
@require_POST
def person_active(request: PageRequest, username: str) -> HttpResponse:
    """Deactivate (they can no longer log in; history keeps their name) or reactivate."""
    profile = _person_visible(request, username)
    active = request.POST.get("active") == "1"
    try:
        profile = (
            services.person_reactivate(username=username, by=request.user)
            if active
            else services.person_deactivate(username=username, by=request.user)
        )
    except ValidationFailed as error:
        return render(
            request,
            "org/partials/_person_row.html",
            _row_context(request, profile, row_errors=error.fields),
        )
    except DomainError as error:
        raise_http(error)
        raise
    return _row_or_page(request, profile)


def _row_or_page(request: PageRequest, profile: Profile) -> HttpResponse:
    if request.htmx:
        return render(request, "org/partials/_person_row.html", _row_context(request, profile))
    assert profile.market is not None
    return redirect(f"{reverse('org:people')}?market={profile.market.code}")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: PageRequest) -> HttpResponse:
    """Everyone changes their own password (a market head sets only the initial one)."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(by=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password was changed."))
        return redirect("home")
    return render(
        request,
        "org/password_change.html",
        {"form": form},
    )
