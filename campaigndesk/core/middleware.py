"""The API's error body on every failure under /api/, also those raised outside its handlers."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiErrorBodyMiddleware:
    """An unknown path (404), a wrong method (405) or a crash (500) under /api/ answers with
    `{"error": {code, message, details}}` like every other API error, never an HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        if status == 404:
            code, message = "not_found", _("No such endpoint.")
        elif status == 405:
            code, message = "method_not_allowed", _("This endpoint does not accept this method.")
        elif status >= 500:
            code, message = "server_error", _("The server failed; the error was logged.")
        else:
            code, message = "bad_request", _("The request could not be processed.")
        replacement = JsonResponse(
            {"error": {"code": code, "message": message, "details": {}}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
        if "Allow" in response:
            replacement["Allow"] = response["Allow"]
        return replacement


def body_is_json_object(request: HttpRequest) -> bool | None:
    """True/False whether the body is a JSON object; None when it is empty or not JSON."""
    if not request.body:
        return None
    try:
        return isinstance(json.loads(request.body), dict)
    except (ValueError, UnicodeDecodeError):
        return None


class ContentSecurityPolicyMiddleware:
    """Sends `settings.CONTENT_SECURITY_POLICY` with every response (Django 5.2 has no CSP of
    its own): a script injected into any text would not run. A view that sets its own policy
    keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.policy: str = getattr(settings, "CONTENT_SECURITY_POLICY", "")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class NulCharacterMiddleware:
    """PostgreSQL can neither store nor compare text holding a NUL character, so a page request
    carrying one in its query string or form fields is answered 400 with a page that says why,
    on every database alike (the API answers 422 naming the field itself). Multipart bodies are
    left to the views: their forms refuse NUL, and reading them here would bypass the upload
    size guard."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX) and self._has_nul(request):
            return render(
                request,
                "400.html",
                {"message": _("Text may not contain NUL characters.")},
                status=400,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        fields = [request.GET]
        if request.content_type == "application/x-www-form-urlencoded":
            fields.append(request.POST)
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for query in fields
            for key, values in query.lists()
        )
