"""Activity pages: list, create, edit, detail with history and the stage-1 actions, versions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.activities import selectors, services, workflow
from campaigndesk.activities.forms import CancelForm, ProposalForm, proposal_initial
from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import DomainError, NotFound, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http
from campaigndesk.org import policies
from campaigndesk.org.selectors import display_names, market_choices_for_user

PAGE_SIZE = 20


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
            raise_http(error)
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
    from campaigndesk.evaluation.views import evaluation_context
    from campaigndesk.onsite.views import onsite_context
    from campaigndesk.preparation.views import preparation_context
    from campaigndesk.reviews.views import review_context

    activity = _get_activity(request, activity_id)
    user = request.user
    sections = [
        (section, activity.sections.get(section.key, ""))
        for section in activity.template.sections.all()
    ]
    deadline_days = None
    if activity.status == Status.DRAFT:
        deadline_days = selectors.days_to_deadline(activity)
    allowed = workflow.allowed_actions(activity.status)
    context = {
        "activity": activity,
        "sections": sections,
        "budget_lines": list(activity.budget_lines.all()),
        "history": selectors.activity_history(activity=activity),
        "deadline": selectors.submission_deadline(activity),
        "deadline_days": deadline_days,
        "may_edit": policies.may(user, "edit", activity) and activity.status in workflow.EDITABLE,
        "may_cancel": policies.may(user, "cancel", activity) and "cancel" in allowed,
        "may_submit": policies.may(user, "submit", activity) and "submit" in allowed,
        "may_grant_exception": policies.may(user, "grant_lead_time_exception", activity)
        and activity.status == Status.DRAFT,
        "may_decide": policies.may(user, "decide", activity) and "approve" in allowed,
        "cancel_form": CancelForm(),
        "staffing": _with_names(activity.staffing),
        "versions": list(selectors.activity_versions(activity=activity)),
        **review_context(request, activity),
        **preparation_context(request, activity),
        **onsite_context(request, activity),
        **evaluation_context(request, activity),
    }
    return render(request, "activities/detail.html", context)


def _with_names(staffing: list[dict[str, str]]) -> list[dict[str, str]]:
    """Staffing entries with `label`: the person's display name, or the name written."""
    names = display_names([p["username"] for p in staffing if p.get("username")])
    return [
        dict(
            p, label=names.get(p.get("username", ""), "") or p.get("name") or p.get("username", "")
        )
        for p in staffing
    ]


def run_transition(
    request: PageRequest, activity_id: int, action: Callable[[], object], success: str
) -> HttpResponse:
    """Runs one service for a page's POST: success → message; a refusal → the same message
    the API gives, shown at the top of the activity; 404/403 → those pages."""
    try:
        action()
    except DomainError as error:
        raise_http(error)
        text = str(error.message)
        if isinstance(error, ValidationFailed) and not error.specific:
            text = "；".join(error.fields.values())
        messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect("activities:detail", activity_id=activity_id)


@login_required
@require_POST
def activity_submit(request: PageRequest, activity_id: int) -> HttpResponse:
    return run_transition(
        request,
        activity_id,
        lambda: services.activity_submit(activity_id=activity_id, by=request.user),
        _("Submitted to HQ."),
    )


@login_required
@require_POST
def lead_time_exception(request: PageRequest, activity_id: int) -> HttpResponse:
    return run_transition(
        request,
        activity_id,
        lambda: services.lead_time_exception_grant(
            activity_id=activity_id, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("Lead-time exception granted."),
    )


@login_required
@require_POST
def activity_decide(request: PageRequest, activity_id: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    return run_transition(
        request,
        activity_id,
        lambda: services.activity_decide(
            activity_id=activity_id,
            by=request.user,
            decision=decision,
            reason=request.POST.get("reason", ""),
        ),
        _("The proposal was approved.")
        if decision == "approve"
        else _("The proposal was rejected."),
    )


@login_required
@require_GET
def activity_versions(request: PageRequest, activity_id: int) -> HttpResponse:
    """The submissions side by side: what changed from one version to another."""
    activity = _get_activity(request, activity_id)
    versions = list(selectors.activity_versions(activity=activity))
    numbers = [v.version for v in versions]
    changes = None
    version = against = None
    if len(numbers) >= 2:
        try:
            version = int(request.GET.get("version", numbers[-1]))
            against = int(request.GET.get("against", version - 1))
            changes = selectors.version_diff(activity=activity, version=version, against=against)
        except (ValueError, NotFound):
            version, against = numbers[-1], numbers[-2]
            changes = selectors.version_diff(activity=activity, version=version, against=against)
    labels = {s.key: s.label for s in activity.template.sections.all()}
    for change in changes or []:
        if change["field"].startswith("staffing."):
            for side in ("before", "after"):
                if change[side]:
                    change[side] = _with_names([change[side]])[0]
    return render(
        request,
        "activities/versions.html",
        {
            "activity": activity,
            "versions": versions,
            "version": version,
            "against": against,
            "changes": [
                dict(change, label=field_label(change["field"], labels)) for change in changes or []
            ],
        },
    )


FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "start_date": gettext_lazy("Start date"),
    "end_date": gettext_lazy("End date"),
    "venue": gettext_lazy("Venue"),
    "budget": gettext_lazy("Budget"),
    "staffing": gettext_lazy("Staffing"),
    "targets.attendance": gettext_lazy("Target attendance"),
    "targets.leads": gettext_lazy("Target leads"),
    "targets.sales": gettext_lazy("Target sales (¥)"),
}


def field_label(field: str, section_labels: dict[str, str]) -> str:
    """A human name for a diff's field: "预算 第2行", a section's title, …"""
    head, _dot, rest = field.partition(".")
    if head == "sections":
        return section_labels.get(rest, rest)
    if head in ("budget", "staffing") and rest.isdigit():
        return _("%(field)s, line %(n)s") % {"field": FIELD_LABELS[head], "n": int(rest) + 1}
    return str(FIELD_LABELS.get(field, field))


@login_required
@require_POST
def activity_cancel(request: PageRequest, activity_id: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_transition(
        request,
        activity_id,
        lambda: services.activity_cancel(activity_id=activity_id, by=request.user, reason=reason),
        _("The activity was cancelled."),
    )


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
