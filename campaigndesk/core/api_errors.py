"""One error body for every failure of the API: {"error": {code, message, details}}."""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from campaigndesk.core.errors import (
    BadRequest,
    DomainError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
)
from campaigndesk.core.middleware import body_is_json_object

# Pydantic error types that mean "the JSON has the wrong type here" (400 bad_request); the rest
# (missing, out of range, not a date, …) are 422 validation_error, as the contract sets out.
WRONG_TYPE_ERRORS = frozenset(
    {
        "int_type",
        "int_parsing",
        "int_from_float",
        "float_type",
        "float_parsing",
        "string_type",
        "bool_type",
        "bool_parsing",
        "list_type",
        "dict_type",
        "model_type",
        "model_attributes_type",
        "decimal_type",
        "json_invalid",
        "json_type",
        "is_instance_of",
        "tuple_type",
        "set_type",
        "date_type",
        "datetime_type",
    }
)


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "file", "header", "cookie"}:
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"greater_than", "greater_than_equal"}:
        return _("Must be at least %(limit)s.") % {"limit": ctx.get("gt", ctx.get("ge"))}
    if kind in {"less_than", "less_than_equal"}:
        return _("Must be at most %(limit)s.") % {"limit": ctx.get("lt", ctx.get("le"))}
    if kind in {"string_too_long", "too_long"}:
        return _("Too long.")
    if kind in {"string_too_short", "too_short"}:
        return _("Too short.")
    if kind.startswith("date") or kind.startswith("datetime") or kind.startswith("time"):
        return _("Enter a valid date (YYYY-MM-DD) or time (ISO 8601).")
    if kind.startswith("decimal"):
        return _("Enter an amount such as 12500.00.")
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"string_type"}:
        return _("Enter text.")
    if kind in {"list_type"}:
        return _("Expected a list.")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("Expected an object.")
    if kind in {"literal_error", "enum"}:
        return _("Not one of the allowed values.")
    return _("Invalid value.")


# The error responses an operation may give, each with the contract's error body and the codes
# it carries. Added to every operation of the OpenAPI document (see `document_errors`) unless
# the operation declares that status itself.
ERROR_RESPONSES: dict[int, str] = {
    400: "Bad request (`bad_request`): unparseable JSON, a body that is not an object, or "
    "fields of the wrong type (`details.fields`).",
    401: "Not authenticated (`not_authenticated`): no bearer token, or a bad, expired or "
    "revoked one.",
    403: "Forbidden (`forbidden`): the caller's role may not do this.",
    404: "Not found (`not_found`): no such object, or one the caller may not see.",
    409: "Conflict: `invalid_transition` (`details.status`), `stale_revision`, "
    "`schedule_conflict` (`details.conflicts`) or `duplicate`.",
    422: "Unprocessable (`validation_error` with `details.fields`, `lead_time_violation`, "
    "`unanswered_opinions`, `incomplete`, `budget_exceeded`): a field is missing or out of "
    "range, or a rule of the process refuses the request.",
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
ERROR_SCHEMA = "ErrorOut"


def possible_errors(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses the API's machinery can answer an operation with, derived from its
    shape: any input can be malformed (400) or out of range (422); a token can be missing
    (401); a path names an object that may not exist or be hidden (404); a write with input may
    be refused to the role (403), name a missing object (404) or not fit the state (409). (A
    write without any input, like `DELETE /auth/token`, acts on the caller alone.)"""
    has_input = bool(operation.get("parameters")) or "requestBody" in operation
    authenticated = bool(operation.get("security"))
    write = method in WRITE_METHODS
    statuses: set[int] = set()
    if has_input:
        statuses |= {400, 422}
    if authenticated:
        statuses.add(401)
    if "{" in path:
        statuses.add(404)
    if authenticated and write and has_input:
        statuses |= {403, 404, 409}
    return statuses


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds to every operation of an OpenAPI document the error responses it may give, with the
    contract's error body; what an operation declares itself is kept."""
    from campaigndesk.org.schemas import ErrorOut

    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if ERROR_SCHEMA not in components:
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components[ERROR_SCHEMA] = error_schema
    body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in sorted(possible_errors(path, method, operation)):
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": ERROR_RESPONSES[status], "content": body}
            operation["responses"] = dict(sorted(responses.items(), key=lambda kv: str(kv[0])))
    return schema


class DocumentedErrorsAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document lists every operation's error responses, also of
    the endpoints added later, without each router repeating them."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


def error_response(api: NinjaAPI, request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)


NUL = "\x00"


def _nul_paths(value: Any, where: str) -> list[str]:
    """The dotted names of the strings (and keys) of a JSON value that hold a NUL character."""
    if isinstance(value, str):
        return [where or "body"] if NUL in value else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if NUL in str(key):
                found.append(name.replace(NUL, ""))
            found += _nul_paths(item, name.replace(NUL, ""))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _nul_paths(item, f"{where}.{index}" if where else str(index))
    return found


def nul_fields(request: HttpRequest) -> list[str]:
    """The path parameters, query parameters and JSON body fields that hold a NUL character:
    PostgreSQL refuses to store or even compare such text, and no user types one."""
    path_values = request.resolver_match.kwargs if request.resolver_match else {}
    found = [name for name, value in path_values.items() if isinstance(value, str) and NUL in value]
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            found.append(key.replace(NUL, "") or "query")
    if request.content_type == "application/json" and b"\\u0000" in request.body:
        with contextlib.suppress(ValueError):  # not JSON: the API's parsing answered 400
            found += _nul_paths(json.loads(request.body), "")
    return found


def refuse_nul_characters(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorates every operation (after authentication and parsing, before the handler): text
    with a NUL character is refused with 422 validation_error naming the fields, as the pages'
    forms refuse it, on every database alike (PostgreSQL failed with a 500 instead)."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        fields = nul_fields(request)
        if fields:
            raise ValidationFailed(dict.fromkeys(fields, _("Text may not contain NUL characters.")))
        return view(request, *args, **kwargs)

    return checked


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_decorator(refuse_nul_characters, mode="operation")

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return error_response(api, request, exc)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if body_is_json_object(request) is False:
            return error_response(
                api, request, BadRequest(_("The request body must be a JSON object."))
            )
        fields = {_field_name(e.get("loc", ())): _reason(e) for e in exc.errors}
        if any(e.get("type") in WRONG_TYPE_ERRORS for e in exc.errors):
            error: DomainError = BadRequest(
                _("Some fields have the wrong type."), details={"fields": fields}
            )
        else:
            error = ValidationFailed(fields)
        return error_response(api, request, error)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(api, request, NotAuthenticated())
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            return error_response(
                api, request, BadRequest(_("The request body is not valid JSON."))
            )
        if exc.status_code == 401:
            return error_response(api, request, NotAuthenticated())
        if exc.status_code == 403:
            return error_response(api, request, Forbidden())
        if exc.status_code == 404:
            return error_response(api, request, NotFound())
        generic = DomainError(str(exc))
        generic.status = exc.status_code
        return error_response(api, request, generic)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, NotFound())

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, Forbidden())
