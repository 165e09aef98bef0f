"""Writes of the organisation: API tokens, delegations, and the local staff of a market (用人权).

Markets, offices, HQ people and market heads are configured by the administrator (Django admin).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, user_logged_in
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
    ValidationFailed,
)
from campaigndesk.org import policies, selectors
from campaigndesk.org.models import ApiToken, Delegation, Market, Office, Profile
from campaigndesk.org.roles import HQ_ROLES, Role


def token_issue(
    *, request: HttpRequest | None, username: str, password: str
) -> tuple[ApiToken, str]:
    """A new bearer token for valid credentials of an active user; the raw value is returned
    once and only its hash is kept. After `AXES_FAILURE_LIMIT` wrong passwords the account is
    locked for the cool-off time (429 `too_many_attempts`), as on the login page."""
    # Outside the transaction: django-axes records the failed attempt while authenticating,
    # and the NotAuthenticated raised below must not roll that record back.
    user = authenticate(request, username=username, password=password)
    if request is not None and getattr(request, "axes_locked_out", False):
        raise TooManyAttempts(lockout_message())
    if user is None or not user.is_active:
        raise NotAuthenticated(_("Wrong username or password."))
    if request is not None:
        # A login like the page's: django-axes resets the failure count, last_login is set.
        user_logged_in.send(sender=user.__class__, request=request, user=user)
    with transaction.atomic():
        token, raw = ApiToken.issue(user=user, days=settings.API_TOKEN_DAYS)
        audit_record(actor=user, action="token_issue", obj=token)
    return token, raw


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed login attempts: this account is locked for %(minutes)d minutes.") % {
        "minutes": minutes
    }


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> None:
    """Ends a token now (log-out of an integration)."""
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit_record(actor=by, action="token_revoke", obj=token)


@transaction.atomic
def delegation_set(
    *, by: User, delegate_username: str, start_date: date, end_date: date
) -> Delegation:
    """A reviewer names a colleague of the same department to act for them from `start_date`
    to `end_date`; it replaces any delegation of theirs not yet over."""
    if policies.role_of(by) != Role.REVIEWER:
        raise Forbidden(_("Only a department reviewer can delegate."))
    department_id = by.profile.department_id
    errors: dict[str, str] = {}
    delegate = (
        User.objects.select_related("profile").filter(username=delegate_username).first()
        if delegate_username
        else None
    )
    if delegate is None or not delegate.is_active:
        errors["delegate"] = _("No such user.")
    elif delegate.pk == by.pk:
        errors["delegate"] = _("Name a colleague, not yourself.")
    elif getattr(getattr(delegate, "profile", None), "department_id", None) != department_id:
        errors["delegate"] = _("The delegate must be of your department.")
    if end_date < start_date:
        errors["end_date"] = _("The end date must not be before the start date.")
    elif end_date < timezone.localdate():
        errors["end_date"] = _("The delegation would already be over.")
    if errors:
        raise ValidationFailed(errors)
    assert delegate is not None
    Delegation.objects.select_for_update().filter(delegator=by, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    delegation = Delegation.objects.create(
        delegator=by, delegate=delegate, start_date=start_date, end_date=end_date
    )
    audit_record(
        actor=by,
        action="delegation_set",
        obj=delegation,
        note=f"{delegate.get_username()} {start_date.isoformat()}–{end_date.isoformat()}",
    )
    return delegation


@transaction.atomic
def delegation_end(*, by: User) -> int:
    """Ends the reviewer's delegations now (back early); returns how many were ended."""
    if policies.role_of(by) != Role.REVIEWER:
        raise Forbidden(_("Only a department reviewer can delegate."))
    delegations = list(
        Delegation.objects.select_for_update().filter(delegator=by, ended_at__isnull=True)
    )
    now = timezone.now()
    for delegation in delegations:
        delegation.ended_at = now
        delegation.save(update_fields=["ended_at", "updated_at"])
        audit_record(actor=by, action="delegation_end", obj=delegation)
    return len(delegations)


# --- People of a market (用人权) ------------------------------------------------------------------


def person_snapshot(profile: Profile) -> dict[str, Any]:
    """What the audit trail keeps of a person before and after a change."""
    return {
        "display_name": profile.display_name,
        "role": profile.role,
        "office": profile.office.code if profile.office_id and profile.office else None,
        "active": profile.user.is_active,
    }


def _person_managed_by(*, by: User, username: str) -> Profile:
    """The person's profile, locked: 403 for HQ people, market heads and oneself; 404 for people
    of a market `by` may not see (and for unknown usernames)."""
    user = User.objects.select_for_update().filter(username=username).first()
    profile = (
        Profile.objects.select_for_update().filter(user=user).first() if user is not None else None
    )
    if profile is None or user is None:
        raise NotFound(_("No such person."))
    if profile.role in HQ_ROLES:
        raise Forbidden(_("People of headquarters are managed by the administrator."))
    market_id = profile.market_id
    if (
        market_id is None
        or not Market.objects.filter(policies.market_scope(by), pk=market_id).exists()
    ):
        raise NotFound(_("No such person."))
    if user.pk == by.pk:
        raise Forbidden(_("You cannot change your own account here."))
    if not policies.may_manage_person(
        by, role=profile.role, market_id=profile.market_id, pk=user.pk
    ):
        if profile.role == Role.MARKET_HEAD:
            raise Forbidden(_("A market head is changed by the administrator."))
        raise Forbidden(_("Only the market head or headquarters manages a market's staff."))
    profile.user = user
    return profile


def _check_office(
    *,
    market: Market,
    role: str,
    office_code: str,
    person: User | None,
    errors: dict[str, str],
) -> Office | None:
    """The office of `office_code` in `market` (None for no office). An office head heads exactly
    one office (`Office.head`), which must not have another head already."""
    office = None
    if office_code:
        office = Office.objects.select_for_update().filter(market=market, code=office_code).first()
        if office is None:
            errors["office"] = _("%(market)s has no office %(office)s.") % {
                "market": market.name,
                "office": office_code,
            }
            return None
    if role == Role.OFFICE_HEAD:
        if office is None:
            errors.setdefault("office", _("An office head needs an office."))
        elif office.head_id is not None and (person is None or office.head_id != person.pk):
            head = Profile.objects.filter(user_id=office.head_id).first()
            errors["office"] = _(
                "%(office)s already has a head (%(name)s); change their role first."
            ) % {"office": office.name, "name": head.display_name if head else "?"}
    return office


def _check_role(role: str, errors: dict[str, str]) -> None:
    if role not in policies.MANAGED_ROLES:
        errors["role"] = _("Choose office head or market staff.")


def _check_display_name(display_name: str, errors: dict[str, str]) -> str:
    display_name = display_name.strip()
    if not display_name:
        errors["display_name"] = _("Enter the person's name.")
    elif len(display_name) > Profile._meta.get_field("display_name").max_length:  # type: ignore[operator]
        errors["display_name"] = _("Too long.")
    return display_name


def _password_errors(password: str, user: User) -> str | None:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return " ".join(str(m) for m in error.messages)
    return None


def _set_office_head(*, user: User, profile: Profile) -> None:
    """Keeps `Office.head` in step with the profile: the office head of an active person heads
    their office, nobody else heads any."""
    heads = profile.office_id if user.is_active and profile.role == Role.OFFICE_HEAD else None
    stale = Office.objects.filter(head=user)
    if heads is not None:
        stale = stale.exclude(pk=heads)
    stale.update(head=None)
    if heads is not None:
        Office.objects.filter(pk=heads, head=None).update(head=user)


def _end_sessions(user: User) -> int:
    """Logs the person out of every browser (the session store is the database)."""
    mine = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=mine).delete()
    return len(mine)


@transaction.atomic
def person_add(
    *,
    market_code: str,
    by: User,
    username: str,
    display_name: str,
    role: str,
    office_code: str,
    password: str,
) -> Profile:
    """The market head (or the administrator or HQ manager) adds a local person of the market,
    an office head or market staff, with an initial password they pass on; the username is
    unique (409), the password must satisfy the password rules (422), the office must be the
    market's, and an office gets at most one head."""
    market = selectors.market_of_people_manager(user=by, code=market_code)
    username = username.strip()
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = _("Enter a username.")
    else:
        try:
            User.username_validator(username)
        except ValidationError as error:
            errors["username"] = " ".join(str(m) for m in error.messages)
        if len(username) > 150:
            errors["username"] = _("Too long.")
    if "username" not in errors and User.objects.filter(username__iexact=username).exists():
        raise Duplicate(
            _("The username %(username)s is taken.") % {"username": username},
            details={"fields": {"username": _("This username is taken.")}},
        )
    display_name = _check_display_name(display_name, errors)
    _check_role(role, errors)
    office = _check_office(
        market=market, role=role, office_code=office_code.strip(), person=None, errors=errors
    )
    reasons = _password_errors(password, User(username=username)) if password else None
    if not password:
        errors["password"] = _("Enter an initial password.")
    elif reasons:
        errors["password"] = reasons
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password)
    except IntegrityError as error:
        raise Duplicate(
            _("The username %(username)s is taken.") % {"username": username}
        ) from error
    profile = Profile.objects.create(
        user=user, display_name=display_name, role=role, market=market, office=office
    )
    _set_office_head(user=user, profile=profile)
    audit_record(
        actor=by,
        action="person_add",
        obj=user,
        note=f"{market.code} {username}",
        changes={"after": person_snapshot(profile)},
    )
    return profile


@transaction.atomic
def person_update(
    *,
    username: str,
    by: User,
    display_name: str | None = None,
    role: str | None = None,
    office_code: str | None = None,
    active: bool | None = None,
) -> Profile:
    """Changes a local person of a market: name, role (office head or market staff), office
    (`""` for none) and whether they may log in. Only the market head of their market or HQ
    (administrator, HQ manager) may; never oneself, a market head or an HQ person. Deactivating
    ends their API tokens and sessions at once; their name stays on everything they did.
    `None` leaves a field as it is."""
    profile = _person_managed_by(by=by, username=username)
    user = profile.user
    assert profile.market is not None
    before = person_snapshot(profile)
    errors: dict[str, str] = {}
    if display_name is not None:
        profile.display_name = _check_display_name(display_name, errors)
    if role is not None:
        _check_role(role, errors)
        profile.role = role
    new_office_code = (
        office_code.strip()
        if office_code is not None
        else (profile.office.code if profile.office else "")
    )
    if active is not None:
        user.is_active = active
    if office_code is not None or role is not None or active:
        office = _check_office(
            market=profile.market,
            role=profile.role,
            office_code=new_office_code,
            person=user,
            errors=errors,
        )
        if "office" not in errors:
            profile.office = office
    if errors:
        raise ValidationFailed(errors)
    after = person_snapshot(profile)
    if after == before:
        return profile
    profile.save(update_fields=["display_name", "role", "office", "updated_at"])
    if before["active"] != after["active"]:
        user.save(update_fields=["is_active"])
    _set_office_head(user=user, profile=profile)
    if not user.is_active and before["active"]:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        _end_sessions(user)
    if before["active"] != after["active"]:
        action = "person_reactivate" if user.is_active else "person_deactivate"
    else:
        action = "person_update"
    audit_record(
        actor=by,
        action=action,
        obj=user,
        note=username,
        changes={"before": before, "after": after},
    )
    return profile


def person_deactivate(*, username: str, by: User) -> Profile:
    """The person can no longer log in (page or API); tokens and sessions end now."""
    return person_update(username=username, by=by, active=False)


def person_reactivate(*, username: str, by: User) -> Profile:
    """The person may log in again (with their password; old tokens stay revoked)."""
    return person_update(username=username, by=by, active=True)


@transaction.atomic
def password_change(*, by: User, password: str) -> None:
    """A person sets their own new password (already checked by the password rules)."""
    user = User.objects.select_for_update().get(pk=by.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    by.password = user.password
    audit_record(actor=by, action="password_change", obj=user)
