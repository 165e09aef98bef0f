"""Business errors and their one JSON body, the audit trail, and how values leave the system."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from campaigndesk.api import api
from campaigndesk.core import errors
from campaigndesk.core.audit import audit_record
from campaigndesk.core.formatting import local_iso, money
from campaigndesk.core.models import AuditEntry
from campaigndesk.org.models import Market

# API.md, "Conventions": status and error.code of every business error.
CONTRACT = [
    (errors.BadRequest, 400, "bad_request"),
    (errors.NotAuthenticated, 401, "not_authenticated"),
    (errors.Forbidden, 403, "forbidden"),
    (errors.NotFound, 404, "not_found"),
    (errors.InvalidTransition, 409, "invalid_transition"),
    (errors.StaleRevision, 409, "stale_revision"),
    (errors.ScheduleConflict, 409, "schedule_conflict"),
    (errors.Duplicate, 409, "duplicate"),
    (errors.LeadTimeViolation, 422, "lead_time_violation"),
    (errors.UnansweredOpinions, 422, "unanswered_opinions"),
    (errors.Incomplete, 422, "incomplete"),
    (errors.BudgetExceeded, 422, "budget_exceeded"),
]


def handled(exc: Exception, language: str = "zh-hans") -> tuple[int, dict]:
    """What the API answers when a call raises `exc`."""
    request = RequestFactory().get("/api/v1/anything")
    with translation.override(language):
        response = api.on_exception(request, exc)
    body = json.loads(response.content)
    assert list(body) == ["error"]
    assert set(body["error"]) == {"code", "message", "details"}
    return response.status_code, body["error"]


@pytest.mark.parametrize(("error_class", "status", "code"), CONTRACT)
def test_each_business_error_answers_with_its_contract_status_and_code(
    error_class: type[errors.DomainError], status: int, code: str
) -> None:
    answered, error = handled(error_class(details={"status": "draft"}))

    assert answered == status
    assert error["code"] == code
    assert error["details"] == {"status": "draft"}
    assert error["message"] == str(error_class.default_message)


def test_validation_failed_lists_fields_as_text() -> None:
    with translation.override("en"):
        exc = errors.ValidationFailed(
            {"title": translation.gettext_lazy("This field is required.")}
        )

    status, error = handled(exc, language="en")

    assert status == 422
    assert error["code"] == "validation_error"
    assert error["details"] == {"fields": {"title": "This field is required."}}


def test_error_message_follows_the_language() -> None:
    _status, en = handled(errors.Forbidden(), language="en")
    _status, default = handled(errors.Forbidden())

    assert en["message"] == "Your role may not do this."
    with translation.override("zh-hans"):
        assert default["message"] == translation.gettext("Your role may not do this.")


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Http404(), 404, "not_found"),
        (PermissionDenied(), 403, "forbidden"),
        (AuthenticationError(), 401, "not_authenticated"),
        (AuthorizationError(), 403, "forbidden"),
        (HttpError(400, "Cannot parse request body"), 400, "bad_request"),
        (HttpError(404, "Not Found"), 404, "not_found"),
    ],
)
def test_framework_errors_get_the_same_body(exc: Exception, status: int, code: str) -> None:
    answered, error = handled(exc)

    assert (answered, error["code"]) == (status, code)


def test_not_authenticated_asks_for_a_bearer_token() -> None:
    request = RequestFactory().get("/api/v1/me")

    response = api.on_exception(request, AuthenticationError())

    assert response["WWW-Authenticate"] == "Bearer"


def test_missing_field_is_validation_error_and_wrong_type_is_bad_request() -> None:
    missing = ValidationError([{"type": "missing", "loc": ("body", "payload", "title")}])
    wrong = ValidationError(
        [
            {"type": "missing", "loc": ("body", "payload", "title")},
            {"type": "int_parsing", "loc": ("body", "payload", "budget", 0, "amount")},
        ]
    )

    missing_status, missing_error = handled(missing, language="en")
    wrong_status, wrong_error = handled(wrong, language="en")

    assert (missing_status, missing_error["code"]) == (422, "validation_error")
    assert missing_error["details"] == {"fields": {"title": "This field is required."}}
    assert (wrong_status, wrong_error["code"]) == (400, "bad_request")
    assert wrong_error["details"]["fields"] == {
        "title": "This field is required.",
        "budget.0.amount": "Enter a whole number.",
    }


def test_out_of_range_names_the_limit() -> None:
    exc = ValidationError(
        [{"type": "greater_than_equal", "loc": ("query", "page"), "ctx": {"ge": 1}}]
    )

    status, error = handled(exc, language="en")

    assert status == 422
    assert error["details"]["fields"] == {"page": "Must be at least 1."}


@pytest.mark.django_db
def test_audit_record_files_the_change_under_the_activity() -> None:
    market = Market.objects.create(code="GD", name="广东市场", province="广东")

    entry = audit_record(
        actor=AnonymousUser(),
        action="cancel",
        obj=market,
        activity_id=7,
        from_status="draft",
        to_status="cancelled",
        note="测试",
    )

    entry.refresh_from_db()
    assert entry.actor is None
    assert (entry.object_type, entry.object_id, entry.activity_id) == ("org.market", market.pk, 7)
    assert (entry.from_status, entry.to_status, entry.note, entry.changes) == (
        "draft",
        "cancelled",
        "测试",
        {},
    )


@pytest.mark.django_db
def test_audit_rows_read_oldest_first() -> None:
    audit_record(actor=None, action="second", activity_id=1)
    earlier = audit_record(actor=None, action="first", activity_id=1)
    AuditEntry.objects.filter(pk=earlier.pk).update(at=datetime(2020, 1, 1, tzinfo=UTC))

    assert [e.action for e in AuditEntry.objects.filter(activity_id=1)] == ["first", "second"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12500"), "12500.00"),
        (Decimal("0.1") + Decimal("0.2"), "0.30"),
        (Decimal("999999999999.99"), "999999999999.99"),
        (None, None),
    ],
)
def test_money_is_a_two_decimal_string(value: Decimal | None, shown: str | None) -> None:
    assert money(value) == shown


def test_times_are_shown_in_shanghai() -> None:
    assert local_iso(datetime(2030, 1, 31, 20, 0, tzinfo=UTC)) == "2030-02-01T04:00:00+08:00"
    assert local_iso(None) is None
