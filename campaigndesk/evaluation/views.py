"""Stage 4 pages: evaluation (finance's costs, the manager's completion), metrics beside the
budget, the market's past and the all-market median; archive; lessons; reference pack."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.activities.models import Activity, BudgetCategory, Playbook
from campaigndesk.activities.views import _get_activity, run_transition
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import DomainError, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http, spread_errors
from campaigndesk.evaluation import selectors, services
from campaigndesk.evaluation.models import Archive
from campaigndesk.org import policies
from campaigndesk.org.roles import MARKET_ROLES, Role


def evaluation_context(request: PageRequest, activity: Activity) -> dict[str, Any]:
    """What the activity page shows of stage 4, and the reference pack from stage 2 on."""
    user = request.user
    context: dict[str, Any] = {"shows_evaluation": False, "reference": None}
    if activity.status in (
        Status.APPROVED,
        Status.ON_SITE,
        Status.WRAPPED_UP,
        Status.EVALUATED,
        Status.ARCHIVED,
    ):
        context["reference"] = selectors.reference_pack(activity=activity)
    if activity.status not in (Status.WRAPPED_UP, Status.EVALUATED, Status.ARCHIVED):
        return context
    evaluation = selectors.evaluation_of(activity=activity)
    completed = evaluation is not None and evaluation.completed_at is not None
    lesson = selectors.lesson_status(activity=activity)
    context.update(
        {
            "shows_evaluation": True,
            "evaluation": evaluation,
            "metrics": selectors.metrics_of(evaluation, activity)
            if evaluation is not None and completed
            else None,
            "comparison": selectors.comparison_for(activity=activity) if completed else None,
            "archive_info": Archive.objects.filter(activity=activity).first(),
            "lesson": lesson,
            "lesson_acked": lesson is not None
            and any(u.pk == user.pk for u in lesson.acknowledged),
            "may_evaluate": activity.status == Status.WRAPPED_UP
            and policies.may(user, "evaluate", activity),
            "may_enter_costs": activity.status == Status.WRAPPED_UP
            and services.may_enter_costs(user),
            "may_archive": activity.status == Status.EVALUATED
            and policies.may(user, "archive", activity),
            "may_send_lessons": lesson is None
            and activity.status in (Status.EVALUATED, Status.ARCHIVED)
            and policies.may(user, "send_lessons", activity),
            "may_ack": lesson is not None and policies.role_of(user) in MARKET_ROLES,
            "playbook_of": Playbook.objects.filter(activity=activity).first(),
        }
    )
    context["may_mark_playbook"] = (
        activity.status == Status.ARCHIVED
        and context["playbook_of"] is None
        and policies.role_of(user) == Role.HQ_MANAGER
    )
    return context


def _cost_rows(request: PageRequest, activity: Activity) -> list[dict[str, Any]]:
    if request.method == "POST":
        rows = [
            {"category": c, "amount": a.strip(), "errors": {}}
            for c, a in zip(
                request.POST.getlist("cost_category"),
                request.POST.getlist("cost_amount"),
                strict=False,
            )
        ]
        return [r for r in rows if r["amount"]]
    evaluation = selectors.evaluation_of(activity=activity)
    if evaluation is not None and evaluation.costs.all():
        return [
            {"category": c.category, "amount": str(c.amount), "errors": {}}
            for c in evaluation.costs.all()
        ]
    # Start from the budget's categories: the actual beside what was planned.
    planned: dict[str, Any] = {}
    for line in activity.budget_lines.all():
        planned[line.category] = planned.get(line.category, 0) + line.amount
    return [{"category": c, "amount": "", "planned": v, "errors": {}} for c, v in planned.items()]


@login_required
@require_http_methods(["GET", "POST"])
def costs_form(request: PageRequest, activity_id: int) -> HttpResponse:
    """Finance enters the actual costs by category."""
    activity = _get_activity(request, activity_id)
    if not services.may_enter_costs(request.user):
        raise PermissionDenied(_("Finance or the HQ manager enters the actual costs."))
    rows = _cost_rows(request, activity)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.evaluation_costs_set(
                activity_id=activity.pk,
                by=request.user,
                costs=[{"category": r["category"], "amount": r["amount"]} for r in rows],
            )
        except ValidationFailed as error:
            spread_errors(error, errors, {"costs": rows})
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(request, _("Actual costs saved."))
            return redirect("activities:detail", activity_id=activity.pk)
    evaluation = selectors.evaluation_of(activity=activity)
    return render(
        request,
        "evaluation/costs_form.html",
        {
            "activity": activity,
            "rows": rows or [{"category": "", "amount": "", "errors": {}}],
            "errors": errors,
            "categories": BudgetCategory.choices,
            "lines": list(evaluation.costs.select_related("verified_by__profile"))
            if evaluation is not None
            else [],
            "may_verify": services.may_verify_costs(request.user)
            and activity.status in (Status.WRAPPED_UP, Status.EVALUATED),
            "receipt_above": settings.RECEIPT_REQUIRED_ABOVE,
        },
    )


@login_required
@require_POST
def cost_verify(request: PageRequest, activity_id: int, line_id: int) -> HttpResponse:
    """Finance marks a cost line checked against its receipts."""
    try:
        services.evaluation_cost_verify(activity_id=activity_id, line_id=line_id, by=request.user)
    except DomainError as error:
        raise_http(error)
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Cost line verified."))
    return redirect("evaluation:costs", activity_id=activity_id)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_form(request: PageRequest, activity_id: int) -> HttpResponse:
    """The HQ manager completes the benefit evaluation."""
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "evaluate", activity):
        raise PermissionDenied(_("The HQ manager evaluates."))
    rows = _cost_rows(request, activity)
    from campaigndesk.onsite.selectors import report_totals

    totals = report_totals(activity=activity)
    fields = ("sales", "attendance", "leads", "new_customers", "notes")
    if request.method == "POST":
        values = {f: request.POST.get(f, "").strip() for f in fields}
    else:
        values = {
            "sales": str(totals["sales"]),
            "attendance": str(totals["visitors"]),
            "leads": str(totals["leads"]),
            "new_customers": "",
            "notes": "",
        }
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.evaluation_complete(
                activity_id=activity.pk,
                by=request.user,
                costs=[{"category": r["category"], "amount": r["amount"]} for r in rows],
                **values,
            )
        except ValidationFailed as error:
            spread_errors(error, errors, {"costs": rows})
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(request, _("Evaluation completed."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(
        request,
        "evaluation/evaluation_form.html",
        {
            "activity": activity,
            "rows": rows or [{"category": "", "amount": "", "errors": {}}],
            "values": values,
            "errors": errors,
            "categories": BudgetCategory.choices,
            "totals": totals,
        },
    )


@login_required
@require_POST
def archive(request: PageRequest, activity_id: int) -> HttpResponse:
    return run_transition(
        request,
        activity_id,
        lambda: services.activity_archive(activity_id=activity_id, by=request.user),
        _("Archived: the record is frozen."),
    )


@login_required
@require_GET
def archive_download(request: PageRequest, activity_id: int) -> FileResponse:
    activity = _get_activity(request, activity_id)
    found = Archive.objects.filter(activity=activity).first()
    if found is None:
        raise Http404
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=f"activity-{activity.pk}-archive.zip",
        content_type="application/zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def lessons(request: PageRequest, activity_id: int) -> HttpResponse:
    """HQ sends the lessons; the market's people read and acknowledge them."""
    activity = _get_activity(request, activity_id)
    errors: dict[str, str] = {}
    values = {"text": request.POST.get("text", ""), "items": request.POST.get("items", "")}
    if request.method == "POST":
        try:
            services.lessons_send(
                activity_id=activity.pk,
                by=request.user,
                text=values["text"],
                items=values["items"].splitlines(),
            )
        except ValidationFailed as error:
            errors.update(error.fields)
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(request, _("Lessons sent to the market."))
            return redirect("evaluation:lessons", activity_id=activity.pk)
    status = selectors.lesson_status(activity=activity)
    return render(
        request,
        "evaluation/lessons.html",
        {
            "activity": activity,
            "status": status,
            "errors": errors,
            "values": values,
            "may_send": status is None
            and policies.may(request.user, "send_lessons", activity)
            and activity.status in (Status.EVALUATED, Status.ARCHIVED),
            "may_ack": status is not None and policies.role_of(request.user) in MARKET_ROLES,
            "acked": status is not None
            and any(u.pk == request.user.pk for u in status.acknowledged),
            "is_hq": policies.is_hq(request.user),
        },
    )


@login_required
@require_POST
def lessons_ack(request: PageRequest, activity_id: int) -> HttpResponse:
    try:
        services.lessons_acknowledge(activity_id=activity_id, by=request.user)
    except DomainError as error:
        raise_http(error)
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Thank you: your acknowledgement is recorded."))
    return redirect("evaluation:lessons", activity_id=activity_id)
