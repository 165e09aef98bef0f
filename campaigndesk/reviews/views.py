"""Stage 1 review pages: the review panel on the activity, the opinion form, the resubmission,
"my reviews" and delegation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.activities.models import Activity
from campaigndesk.activities.services import activity_resubmit
from campaigndesk.activities.views import _get_activity, run_transition
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import DomainError, Forbidden, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http, spread_errors
from campaigndesk.org import policies
from campaigndesk.org.models import Department
from campaigndesk.org.roles import Role
from campaigndesk.org.selectors import delegation_current_of
from campaigndesk.org.services import delegation_end, delegation_set
from campaigndesk.reviews import selectors, services
from campaigndesk.reviews.selectors import round_status

GENERAL = "general"


def review_context(request: PageRequest, activity: Activity) -> dict[str, Any]:
    """What the activity page shows of stage 1: every round with given and owed departments,
    the opinion items by section, and which review actions the user may take now."""
    user = request.user
    rounds = list(selectors.rounds_for_activity(activity=activity))
    statuses = [round_status(r) for r in rounds]
    current = statuses[-1] if statuses else None
    acted_for = set(selectors.departments_acted_for(user=user))
    can_give = [
        d
        for d in (current.owed if current else [])
        if d.pk in acted_for and activity.status == Status.IN_REVIEW
    ]
    may_open = policies.may(user, "open_review", activity) and activity.status in (
        Status.SUBMITTED,
        Status.RESUBMITTED,
    )
    return {
        "review_rounds": statuses,
        "current_round": current,
        "departments_to_give": can_give,
        "may_open_review": may_open,
        "may_return": policies.may(user, "return", activity)
        and activity.status == Status.IN_REVIEW,
        "may_resubmit": policies.may(user, "resubmit", activity)
        and activity.status == Status.REVISION_REQUESTED,
        "all_departments": Department.objects.order_by("position", "code") if may_open else [],
        "items_by_section": selectors.items_by_section(review_round=current.round)
        if current
        else [],
        "section_labels": {
            "general": _("General"),
            **{s.key: s.label for s in activity.template.sections.all()},
        },
    }


@login_required
@require_POST
def review_open(request: PageRequest, activity_id: int) -> HttpResponse:
    raw = request.POST.get("meeting_at", "")
    try:
        meeting_at = timezone.make_aware(datetime.fromisoformat(raw))
    except ValueError:
        messages.error(request, _("Enter the meeting time."))
        return redirect("activities:detail", activity_id=activity_id)
    return run_transition(
        request,
        activity_id,
        lambda: services.review_open(
            activity_id=activity_id,
            by=request.user,
            meeting_at=meeting_at,
            departments=request.POST.getlist("departments"),
        ),
        _("Review meeting opened; the departments were told."),
    )


@login_required
@require_POST
def review_return(request: PageRequest, activity_id: int) -> HttpResponse:
    return run_transition(
        request,
        activity_id,
        lambda: services.review_return(
            activity_id=activity_id, by=request.user, summary=request.POST.get("summary", "")
        ),
        _("Opinions returned to the market."),
    )


def _section_choices(activity: Activity) -> list[tuple[str, str]]:
    return [(GENERAL, _("General"))] + [(s.key, s.label) for s in activity.template.sections.all()]


def _item_rows(request: PageRequest) -> list[dict[str, Any]]:
    rows = [
        {"section": s, "comment": c.strip(), "required": r == "1", "errors": {}}
        for s, c, r in zip(
            request.POST.getlist("item_section"),
            request.POST.getlist("item_comment"),
            request.POST.getlist("item_required"),
            strict=False,
        )
    ]
    return [row for row in rows if row["comment"]]


@login_required
@require_http_methods(["GET", "POST"])
def opinion_form(request: PageRequest, activity_id: int) -> HttpResponse:
    """A reviewer (or their delegate) gives the department's opinion on the proposal in review."""
    activity = _get_activity(request, activity_id)
    context = review_context(request, activity)
    departments = context["departments_to_give"]
    if not departments:
        if activity.status != Status.IN_REVIEW:
            messages.info(request, _("This proposal is not in review."))
            return redirect("activities:detail", activity_id=activity.pk)
        raise PermissionDenied(_("Your department has nothing to review here."))
    rows = (
        _item_rows(request)
        if request.method == "POST"
        else [{"section": GENERAL, "comment": "", "required": False, "errors": {}}]
    )
    department_code = request.POST.get("department", departments[0].code)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.opinion_give(
                activity_id=activity.pk,
                by=request.user,
                department=department_code,
                items=[
                    {
                        "section": r["section"],
                        "comment": r["comment"],
                        "required_change": r["required"],
                    }
                    for r in rows
                ],
            )
        except ValidationFailed as error:
            spread_errors(error, errors, {"items": rows})
        except DomainError as error:
            raise_http(error)
            errors["__all__"] = str(error.message)
        else:
            messages.success(request, _("Your opinion was recorded."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(
        request,
        "reviews/opinion_form.html",
        {
            "activity": activity,
            "departments": departments,
            "department_code": department_code,
            "rows": rows,
            "errors": errors,
            "sections": _section_choices(activity),
            "sections_text": [
                (s.label, activity.sections.get(s.key, ""))
                for s in activity.template.sections.all()
            ],
            **{k: context[k] for k in ("current_round",)},
        },
    )


@login_required
@require_GET
def opinion_item_row(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    return render(
        request,
        "reviews/partials/_item_row.html",
        {
            "row": {"section": GENERAL, "comment": "", "required": False, "errors": {}},
            "sections": _section_choices(activity),
        },
    )


def _market_people(activity: Activity) -> list[User]:
    return list(
        User.objects.filter(is_active=True, profile__market_id=activity.market_id)
        .select_related("profile__office")
        .order_by("profile__role", "username")
    )


def _staffing_rows(request: PageRequest, activity: Activity) -> list[dict[str, Any]]:
    empty = {"username": "", "name": "", "role": "", "duty": "", "errors": {}}
    if request.method != "POST":
        return [dict(entry, errors={}) for entry in activity.staffing] or [empty]
    rows = [
        {
            "username": u.strip(),
            "name": n.strip(),
            "role": r.strip(),
            "duty": d.strip(),
            "errors": {},
        }
        for u, n, r, d in zip(
            request.POST.getlist("staffing_username"),
            request.POST.getlist("staffing_name"),
            request.POST.getlist("staffing_role"),
            request.POST.getlist("staffing_duty"),
            strict=False,
        )
    ]
    return [r for r in rows if any(r[k] for k in ("username", "name", "role", "duty"))] or [empty]


@login_required
@require_http_methods(["GET", "POST"])
def resubmit_form(request: PageRequest, activity_id: int) -> HttpResponse:
    """The market head answers every opinion item, gives the staffing arrangement and sends
    the detailed plan back to HQ."""
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "resubmit", activity):
        raise PermissionDenied(_("Only the market head can resubmit."))
    if activity.status != Status.REVISION_REQUESTED:
        messages.info(request, _("No revision is requested for this proposal."))
        return redirect("activities:detail", activity_id=activity.pk)
    context = review_context(request, activity)
    current = context["current_round"]
    staffing = _staffing_rows(request, activity)
    answers = {
        int(key.removeprefix("response_")): value
        for key, value in request.POST.items()
        if key.startswith("response_") and key.removeprefix("response_").isdigit()
    }
    errors: dict[str, str] = {}
    unanswered: set[int] = set()
    if request.method == "POST":
        try:
            activity_resubmit(
                activity_id=activity.pk,
                by=request.user,
                changes={},
                staffing=[
                    {k: row[k] for k in ("username", "name", "role", "duty") if row[k]}
                    for row in staffing
                    if any(row[k] for k in ("username", "name", "role", "duty"))
                ],
                responses=[{"item_id": pk, "response": text} for pk, text in answers.items()],
                revision=int(request.POST.get("revision") or 0) or None,
            )
        except ValidationFailed as error:
            spread_errors(error, errors, {"staffing": staffing})
            if error.specific:
                errors["__all__"] = str(error.message)
        except DomainError as error:
            raise_http(error)
            errors["__all__"] = str(error.message)
            unanswered = set(error.details.get("item_ids", []))
        else:
            messages.success(request, _("The detailed plan was resubmitted to HQ."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(
        request,
        "reviews/resubmit_form.html",
        {
            "activity": activity,
            "current_round": current,
            "items_by_section": context["items_by_section"],
            "section_labels": context["section_labels"],
            "answers": answers,
            "unanswered": unanswered,
            "staffing": staffing,
            "people": _market_people(activity),
            "errors": errors,
        },
    )


@login_required
@require_GET
def staffing_row(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    return render(
        request,
        "reviews/partials/_staffing_row.html",
        {
            "row": {"username": "", "name": "", "role": "", "duty": "", "errors": {}},
            "people": _market_people(activity),
        },
    )


@login_required
@require_GET
def my_reviews(request: PageRequest) -> HttpResponse:
    """A reviewer's inbox: meetings their department (or one they act for) is invited to."""
    rows = selectors.reviews_for_reviewer(user=request.user)
    return render(
        request,
        "reviews/my_reviews.html",
        {
            "rows": rows,
            "owed": sum(1 for row in rows if row.owed),
            "is_reviewer": policies.role_of(request.user) == Role.REVIEWER,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegation(request: PageRequest) -> HttpResponse:
    """A reviewer names a colleague of the same department to act for them while away."""
    user = request.user
    if policies.role_of(user) != Role.REVIEWER:
        raise PermissionDenied(_("Only a department reviewer can delegate."))
    errors: dict[str, str] = {}
    values = {"delegate": "", "start_date": "", "end_date": ""}
    if request.method == "POST":
        if request.POST.get("end"):
            delegation_end(by=user)
            messages.success(request, _("Your delegation has ended."))
            return redirect("reviews:delegation")
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            start = date.fromisoformat(values["start_date"])
            end = date.fromisoformat(values["end_date"])
        except ValueError:
            errors["end_date"] = _("Enter both dates.")
        else:
            try:
                delegation_set(
                    by=user, delegate_username=values["delegate"], start_date=start, end_date=end
                )
            except ValidationFailed as error:
                errors.update(error.fields)
            except Forbidden as error:
                raise PermissionDenied(str(error.message)) from error
            else:
                messages.success(request, _("Delegation saved."))
                return redirect("reviews:delegation")
    colleagues = (
        User.objects.filter(is_active=True, profile__department=user.profile.department)
        .exclude(pk=user.pk)
        .select_related("profile")
        .order_by("username")
    )
    return render(
        request,
        "reviews/delegation.html",
        {
            "current": delegation_current_of(delegator=user, on=timezone.localdate()),
            "colleagues": colleagues,
            "values": values,
            "errors": errors,
            "today": timezone.localdate(),
        },
    )
