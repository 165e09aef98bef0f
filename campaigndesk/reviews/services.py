"""Stage 1 review: open a meeting, give opinions, return them consolidated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities import workflow
from campaigndesk.activities.models import Activity
from campaigndesk.activities.services import activity_lock, activity_move
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import (
    Duplicate,
    Forbidden,
    Incomplete,
    InvalidTransition,
    ValidationFailed,
)
from campaigndesk.notifications.models import Kind
from campaigndesk.notifications.services import notify_activity
from campaigndesk.org import policies
from campaigndesk.org.models import Department
from campaigndesk.org.roles import Role
from campaigndesk.org.selectors import delegation_acting_for, market_heads_of, reviewers_of
from campaigndesk.reviews.models import Opinion, OpinionItem, ReviewRound

GENERAL = "general"


def current_round(activity: Activity) -> ReviewRound | None:
    return ReviewRound.objects.filter(activity=activity).order_by("-number").first()


@transaction.atomic
def review_open(
    *, activity_id: int, by: User, meeting_at: datetime, departments: list[str] | None = None
) -> ReviewRound:
    """The HQ manager convenes a review meeting on the submitted (or resubmitted) proposal and
    invites departments — by default every department invited by default; the reviewers of
    each (and whoever acts for them) are told."""
    activity = activity_lock(activity_id=activity_id, by=by, action="open_review")

    target = workflow.next_status("open_review", activity.status)
    if departments:
        chosen = list(Department.objects.filter(code__in=departments))
        unknown = sorted(set(departments) - {d.code for d in chosen})
        if unknown:
            raise ValidationFailed(
                {
                    "departments": _("Unknown departments: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                }
            )
    else:
        chosen = list(Department.objects.filter(invited_by_default=True))
    if not chosen:
        raise ValidationFailed({"departments": _("Invite at least one department.")})
    if timezone.is_naive(meeting_at):
        meeting_at = timezone.make_aware(meeting_at)
    last = current_round(activity)
    review_round = ReviewRound.objects.create(
        activity=activity,
        number=(last.number + 1) if last else 1,
        version=activity.version,
        meeting_at=meeting_at,
        opened_by=by,
    )
    review_round.departments.set(chosen)
    activity_move(
        activity,
        to=target,
        by=by,
        action="open_review",
        obj=review_round,
        note=_("Round %(n)s, %(when)s: %(departments)s")
        % {
            "n": review_round.number,
            "when": timezone.localtime(meeting_at).strftime("%Y-%m-%d %H:%M"),
            "departments": "、".join(d.label for d in chosen),
        },
    )
    notify_activity(
        activity=activity,
        recipients=reviewers_of(department_ids=[d.pk for d in chosen], on=timezone.localdate()),
        kind=Kind.REVIEW_REQUESTED,
        url=reverse("reviews:opinion", args=[activity.pk]),
    )
    return review_round


def acting_for(*, by: User, department: Department) -> User | None:
    """Whom `by` acts for when giving the department's opinion: `None` for a reviewer of the
    department acting in their own name, the absent reviewer when acting by delegation.
    `Forbidden` if neither."""
    delegation = delegation_acting_for(
        delegate=by, department_id=department.pk, on=timezone.localdate()
    )
    if delegation is not None:
        return delegation.delegator
    profile = getattr(by, "profile", None)
    if (
        policies.role_of(by) == Role.REVIEWER
        and profile is not None
        and profile.department_id == department.pk
    ):
        return None
    raise Forbidden(
        _("Only the %(department)s reviewer can give this opinion.")
        % {"department": department.label}
    )


@transaction.atomic
def opinion_give(
    *, activity_id: int, by: User, department: str, items: list[dict[str, Any]]
) -> Opinion:
    """A reviewer gives their department's opinion, once per round, on a proposal in review:
    items on sections of the activity's template (or `general`), each saying whether a change
    is required. A delegate acts on behalf of the absent reviewer."""
    activity = activity_lock(activity_id=activity_id, by=by, action=None)
    dept = Department.objects.filter(code=department).first()
    if dept is None:
        raise ValidationFailed({"department": _("No such department.")})
    on_behalf_of = acting_for(by=by, department=dept)
    if activity.status != workflow.Status.IN_REVIEW:
        raise InvalidTransition(
            _("Opinions are given while the proposal is in review; it is “%(status)s”.")
            % {"status": workflow.Status(activity.status).label},
            details={"status": activity.status},
        )
    review_round = current_round(activity)
    assert review_round is not None  # in review means a round is open
    if not review_round.departments.filter(pk=dept.pk).exists():
        raise ValidationFailed(
            {
                "department": _("%(department)s is not invited to this review meeting.")
                % {"department": dept.label}
            }
        )
    keys = set(activity.template.sections.values_list("key", flat=True)) | {GENERAL}
    errors: dict[str, str] = {}
    clean_items = []
    for index, item in enumerate(items or []):
        section = str(item.get("section") or "")
        comment = str(item.get("comment") or "").strip()
        if section not in keys:
            errors[f"items.{index}.section"] = _("Not a section of this proposal.")
        if not comment:
            errors[f"items.{index}.comment"] = _("This field is required.")
        elif len(comment) > 5000:
            errors[f"items.{index}.comment"] = _("At most %(n)s characters.") % {"n": 5000}
        clean_items.append(
            {
                "section": section,
                "comment": comment,
                "required_change": bool(item.get("required_change")),
            }
        )
    if len(clean_items) > 100:
        errors["items"] = _("At most 100 items.")
    if errors:
        raise ValidationFailed(errors)
    if Opinion.objects.filter(round=review_round, department=dept).exists():
        raise Duplicate(
            _("%(department)s has already given its opinion in this round.")
            % {"department": dept.label}
        )
    try:
        with transaction.atomic():
            opinion = Opinion.objects.create(
                round=review_round, department=dept, given_by=by, on_behalf_of=on_behalf_of
            )
    except IntegrityError as error:  # a colleague's opinion committed a moment earlier
        raise Duplicate(
            _("%(department)s has already given its opinion in this round.")
            % {"department": dept.label}
        ) from error
    OpinionItem.objects.bulk_create(
        OpinionItem(opinion=opinion, position=index, **item)
        for index, item in enumerate(clean_items)
    )
    audit_record(
        actor=by,
        on_behalf_of=on_behalf_of,
        action="opinion",
        obj=opinion,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=_("%(department)s, round %(n)s: %(count)s items (%(required)s require a change)")
        % {
            "department": dept.label,
            "n": review_round.number,
            "count": len(clean_items),
            "required": sum(1 for item in clean_items if item["required_change"]),
        },
    )
    return opinion


def departments_owed(review_round: ReviewRound) -> list[Department]:
    given = set(review_round.opinions.values_list("department_id", flat=True))
    return [d for d in review_round.departments.order_by("position", "code") if d.pk not in given]


@transaction.atomic
def review_return(*, activity_id: int, by: User, summary: str) -> ReviewRound:
    """The HQ manager returns the consolidated opinions to the market with a summary, asking
    for a detailed plan — only once every invited department has given its opinion."""
    activity = activity_lock(activity_id=activity_id, by=by, action="return")

    target = workflow.next_status("return", activity.status)
    summary = (summary or "").strip()
    if not summary:
        raise ValidationFailed({"summary": _("Write the consolidated summary.")})
    review_round = current_round(activity)
    assert review_round is not None
    owed = departments_owed(review_round)
    if owed:
        raise Incomplete(
            _("Still waiting for the opinions of: %(departments)s.")
            % {"departments": "、".join(d.label for d in owed)},
            details={"missing": [d.code for d in owed]},
        )
    review_round.summary = summary
    review_round.returned_by = by
    review_round.returned_at = timezone.now()
    review_round.save(update_fields=["summary", "returned_by", "returned_at"])
    activity_move(activity, to=target, by=by, action="return", obj=review_round, note=summary)
    notify_activity(
        activity=activity,
        recipients=market_heads_of(market_id=activity.market_id),
        kind=Kind.REVISION_REQUESTED,
        url=reverse("reviews:resubmit", args=[activity.pk]),
    )
    return review_round
