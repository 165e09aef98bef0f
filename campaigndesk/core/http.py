"""Request types as the views and API endpoints see them (for the type checker)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class PageRequest(HttpRequest):
    """A page request behind `login_required`: `user` is a real user; htmx details attached."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """An API request that passed bearer-token authentication."""

    auth: User
