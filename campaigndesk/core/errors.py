"""Business errors. Each `code` is the API's `error.code`; pages show the same message."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "bad_request"
    status = 400
    default_message: Any = _("The request could not be processed.")

    def __init__(self, message: Any = None, *, details: dict[str, Any] | None = None) -> None:
        self.message = message if message is not None else self.default_message
        # False when the message is the generic one of the code (pages then list the fields).
        self.specific = message is not None
        self.details = details or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class BadRequest(DomainError):
    code = "bad_request"
    status = 400
    default_message = _("The request is malformed.")


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    default_message = _("Authentication is required: send a valid bearer token.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("Your role may not do this.")


class NotFound(DomainError):
    """Also raised for objects the caller may not see, so outsiders learn nothing."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("This action does not fit the current status.")


class StaleRevision(DomainError):
    code = "stale_revision"
    status = 409
    default_message = _(
        "Someone else changed this in the meantime; reload and apply your edit again."
    )


class ScheduleConflict(DomainError):
    code = "schedule_conflict"
    status = 409
    default_message = _("A team member already serves an overlapping activity.")


class Duplicate(DomainError):
    code = "duplicate"
    status = 409
    default_message = _("This already exists.")


class ValidationFailed(DomainError):
    """`details.fields` maps each field name to the reason it was refused."""

    code = "validation_error"
    status = 422
    default_message = _("Some fields are missing or out of range.")

    def __init__(
        self, fields: dict[str, Any], message: Any = None, *, extra: dict[str, Any] | None = None
    ) -> None:
        self.fields = {name: str(reason) for name, reason in fields.items()}
        super().__init__(message, details={"fields": self.fields, **(extra or {})})


class LeadTimeViolation(DomainError):
    code = "lead_time_violation"
    status = 422
    default_message = _("Submitted too late before the start date.")


class UnansweredOpinions(DomainError):
    code = "unanswered_opinions"
    status = 422
    default_message = _("Some required opinion items have no response.")


class Incomplete(DomainError):
    code = "incomplete"
    status = 422
    default_message = _("Prerequisites of this step are missing.")


class BudgetExceeded(DomainError):
    code = "budget_exceeded"
    status = 422
    default_message = _("This would exceed a budget cap.")


class TooManyAttempts(DomainError):
    """Login refused for a while after repeated wrong passwords (django-axes)."""

    code = "too_many_attempts"
    status = 429
    default_message = _("Too many failed login attempts; try again later.")
