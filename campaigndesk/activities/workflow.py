"""The lifecycle of an activity (DOMAIN.md): the whole transition table, in one place.

Services ask `next_status(action, current)`; nothing else decides where an activity goes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigndesk.core.errors import InvalidTransition


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ON_SITE = "on_site", _("On site")
    WRAPPED_UP = "wrapped_up", _("Wrapped up")
    EVALUATED = "evaluated", _("Evaluated")
    ARCHIVED = "archived", _("Archived")
    CANCELLED = "cancelled", _("Cancelled")


S = Status

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[Status], Status]] = {
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED),
    "open_review": (frozenset({S.SUBMITTED, S.RESUBMITTED}), S.IN_REVIEW),
    "return": (frozenset({S.IN_REVIEW}), S.REVISION_REQUESTED),
    "resubmit": (frozenset({S.REVISION_REQUESTED}), S.RESUBMITTED),
    "approve": (frozenset({S.RESUBMITTED}), S.APPROVED),
    "reject": (frozenset({S.RESUBMITTED}), S.REJECTED),
    "start_onsite": (frozenset({S.APPROVED}), S.ON_SITE),
    "wrap_up": (frozenset({S.ON_SITE}), S.WRAPPED_UP),
    "evaluate": (frozenset({S.WRAPPED_UP}), S.EVALUATED),
    "archive": (frozenset({S.EVALUATED}), S.ARCHIVED),
    "cancel": (
        frozenset(
            {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.REVISION_REQUESTED, S.RESUBMITTED, S.APPROVED}
        ),
        S.CANCELLED,
    ),
}

# The proposal's own fields can be edited only while the market holds the pen.
EDITABLE = frozenset({S.DRAFT, S.REVISION_REQUESTED})

TERMINAL = frozenset({S.REJECTED, S.CANCELLED, S.ARCHIVED})


def next_status(action: str, current: str) -> Status:
    """The status `action` leads to from `current`; `InvalidTransition` if it does not fit."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise InvalidTransition(
            _("“%(action)s” is not possible while the activity is “%(status)s”.")
            % {"action": ACTION_LABELS.get(action, action), "status": Status(current).label},
            details={"status": current},
        )
    return target


def allowed_actions(current: str) -> list[str]:
    return [action for action, (sources, _target) in TRANSITIONS.items() if current in sources]


def ensure_editable(current: str) -> None:
    if current not in EDITABLE:
        raise InvalidTransition(
            _(
                "The proposal can only be edited as a draft or when a revision is requested; "
                "it is “%(status)s”."
            )
            % {"status": Status(current).label},
            details={"status": current},
        )


ACTION_LABELS = {
    "submit": _("Submit"),
    "open_review": _("Open review"),
    "return": _("Return opinions"),
    "resubmit": _("Resubmit"),
    "approve": _("Approve"),
    "reject": _("Reject"),
    "start_onsite": _("Start on site"),
    "wrap_up": _("Wrap up"),
    "evaluate": _("Evaluate"),
    "archive": _("Archive"),
    "cancel": _("Cancel"),
    "create": _("Create"),
    "edit": _("Edit"),
    "opinion": _("Review opinion"),
    "team_save": _("Support team saved"),
    "team_publish": _("Support team published"),
    "material_add": _("Material listed"),
    "material_status": _("Material moved"),
    "material_tracking": _("Tracking number corrected"),
    "meeting": _("Meeting recorded"),
    "daily_report": _("Daily report"),
    "daily_report_edit": _("Daily report corrected"),
    "summary": _("Summary written"),
    "summary_edit": _("Summary edited"),
    "costs": _("Actual costs entered"),
    "lessons": _("Lessons sent"),
    "lessons_ack": _("Lessons acknowledged"),
    "lead_time_exception": _("Lead-time exception"),
    "attachment_upload": _("File attached"),
    "attachment_delete": _("File removed"),
    "cost_verify": _("Cost line verified"),
    "finance_signoff": _("Finance sign-off"),
    "playbook": _("Marked as a playbook"),
    "playbook_clone": _("Cloned from a playbook"),
    "export_start": _("Export started"),
}
