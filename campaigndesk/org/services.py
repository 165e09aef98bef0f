"""Writes of the organisation: API tokens and delegations (markets and people: the admin)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import Forbidden, NotAuthenticated, ValidationFailed
from campaigndesk.org import policies
from campaigndesk.org.models import ApiToken, Delegation
from campaigndesk.org.roles import Role


@transaction.atomic
def token_issue(
    *, request: HttpRequest | None, username: str, password: str
) -> tuple[ApiToken, str]:
    """A new bearer token for valid credentials of an active user; the raw value is returned
    once and only its hash is kept."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise NotAuthenticated(_("Wrong username or password."))
    token, raw = ApiToken.issue(user=user, days=settings.API_TOKEN_DAYS)
    audit_record(actor=user, action="token_issue", obj=token)
    return token, raw


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
