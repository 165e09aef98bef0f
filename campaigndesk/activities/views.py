"""Activity pages: list, create, edit, detail with history, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.activities import selectors, services, workflow
from campaigndesk.activities.forms import CancelForm, ProposalForm, proposal_initial
from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.org import policies
from campaigndesk.org.selectors import market_choices_for_user

PAGE_SIZE = 20


def _raise_http(error: DomainError) -> None:
    """Visibility and role errors become Django's 404 and 403 pages."""
    if isinstance(error, NotFound):
        raise Http404(str(error.message))
    if isinstance(error, Forbidden):
        raise PermissionDenied(str(error.message))


def _get_activity(request: PageRequest, activity_id: int) -> Activity:
    try:
        return selectors.activity_get(user=request.user, activity_id=activity_id)
    except NotFound as error:
        raise Http404(str(error.message)) from error


@login_required
@require_GET
def activity_list(request: PageRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    market = request.GET.get("market", "")
    if status not in Status.values:
        status = ""
    activities = selectors.activities_for_user(
        user=request.user, market=market or None, status=status or None
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "market": market,
        "statuses": Status.choices,
        "markets": market_choices_for_user(user=request.user)
        if policies.is_hq(request.user)
        else [],
        "may_create": policies.may(request.user, "create"),
    }
    template = "activities/partials/_list_results.html" if request.htmx else "activities/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: PageRequest) -> HttpResponse:
    if not policies.may(request.user, "create"):
        raise PermissionDenied(_("Only a market head can create an activity proposal."))
    template = selectors.template_current()
    form = ProposalForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(by=request.user, data=form.service_data())
        except ValidationFailed as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(
        request, "activities/form.html", {"form": form, "template": template, "activity": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "edit", activity):
        raise PermissionDenied(_("Only the market head can edit this proposal."))
    if activity.status not in workflow.EDITABLE:
        messages.error(request, _("This proposal can no longer be edited."))
        return redirect("activities:detail", activity_id=activity.pk)
    form = ProposalForm(
        request.POST or None, template=activity.template, initial=proposal_initial(activity)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity_id=activity.pk,
                by=request.user,
                revision=form.cleaned_data.get("revision") or 0,
                data=form.service_data(),
            )
        except ValidationFailed as error:
            form.add_service_errors(error)
        except DomainError as error:
            _raise_http(error)
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Changes saved."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(
        request,
        "activities/form.html",
        {"form": form, "template": activity.template, "activity": activity},
    )


@login_required
@require_GET
def activity_detail(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    sections = [
        (section, activity.sections.get(section.key, ""))
        for section in activity.template.sections.all()
    ]
    deadline_days = None
    if activity.status == Status.DRAFT:
        deadline_days = selectors.days_to_deadline(activity)
    context = {
        "activity": activity,
        "sections": sections,
        "budget_lines": list(activity.budget_lines.all()),
        "history": selectors.activity_history(activity=activity),
        "deadline": selectors.submission_deadline(activity),
        "deadline_days": deadline_days,
        "may_edit": policies.may(request.user, "edit", activity)
        and activity.status in workflow.EDITABLE,
        "may_cancel": policies.may(request.user, "cancel", activity)
        and "cancel" in workflow.allowed_actions(activity.status),
        "cancel_form": CancelForm(),
        "today": timezone.localdate(),
    }
    return render(request, "activities/detail.html", context)


@login_required
@require_POST
def activity_cancel(request: PageRequest, activity_id: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.activity_cancel(activity_id=activity_id, by=request.user, reason=reason)
    except DomainError as error:
        _raise_http(error)
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The activity was cancelled."))
    return redirect("activities:detail", activity_id=activity_id)


@login_required
@require_GET
def budget_line_row(request: PageRequest) -> HttpResponse:
    """An empty budget line, added to the form in place by htmx."""
    return render(
        request,
        "activities/partials/_budget_row.html",
        {
            "row": {"category": "", "item": "", "amount": "", "errors": {}},
            "categories": BudgetCategory.choices,
        },
    )
