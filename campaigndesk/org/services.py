"""Writes of the organisation: API tokens (markets and people are kept in the admin)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import NotAuthenticated
from campaigndesk.org.models import ApiToken


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
