"""Bearer-token authentication of the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from campaigndesk.org.models import ApiToken


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; the token must be unexpired and unrevoked, and its user
    active. The user becomes `request.auth` and `request.user`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = ApiToken.find(token) if token else None
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user
