"""Briefing pages: the list with the compile form (HQ), the briefing (edit while a draft, read
receipts for HQ; opening it records the reader), export to Word."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.briefings import selectors, services
from campaigndesk.briefings.export import briefing_docx
from campaigndesk.briefings.models import BriefingStatus
from campaigndesk.core.errors import DomainError, NotFound, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.org import policies
from campaigndesk.org.roles import Role


def _page_errors(error: DomainError) -> None:
    if isinstance(error, NotFound):
        raise Http404
    if error.status == 403:
        raise PermissionDenied(str(error.message))


@login_required
@require_http_methods(["GET", "POST"])
def briefing_list(request: PageRequest) -> HttpResponse:
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month_start = (first - timedelta(days=1)).replace(day=1)
    values = {
        "period_start": request.POST.get("period_start", last_month_start.isoformat()),
        "period_end": request.POST.get("period_end", (first - timedelta(days=1)).isoformat()),
        "title": request.POST.get("title", ""),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            briefing = services.briefing_compile(
                by=request.user,
                period_start=date.fromisoformat(values["period_start"]),
                period_end=date.fromisoformat(values["period_end"]),
                title=values["title"],
            )
        except ValueError:
            errors["period_end"] = _("Enter both dates.")
        except ValidationFailed as error:
            errors.update(error.fields)
        except DomainError as error:
            _page_errors(error)
            errors["form"] = str(error.message)
        else:
            messages.success(request, _("Draft compiled: edit it, then publish."))
            return redirect("briefings:detail", briefing_id=briefing.pk)
    return render(
        request,
        "briefings/list.html",
        {
            "briefings": list(selectors.briefings_for(user=request.user)[:100]),
            "may_compile": policies.role_of(request.user) == Role.HQ_MANAGER,
            "values": values,
            "errors": errors,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def briefing_detail(request: PageRequest, briefing_id: int) -> HttpResponse:
    try:
        briefing = selectors.briefing_get(user=request.user, briefing_id=briefing_id)
    except NotFound as error:
        raise Http404 from error
    may_edit = (
        briefing.status == BriefingStatus.DRAFT
        and policies.role_of(request.user) == Role.HQ_MANAGER
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        data = {
            "title": request.POST.get("title", ""),
            "intro": request.POST.get("intro", ""),
            "markets": [
                {
                    "market": e.market.code,
                    "highlights": request.POST.get(f"highlights_{e.market.code}", ""),
                    "competitors": request.POST.get(f"competitors_{e.market.code}", ""),
                }
                for e in briefing.entries.all()
            ],
        }
        try:
            services.briefing_update(briefing_id=briefing.pk, by=request.user, data=data)
        except ValidationFailed as error:
            errors.update(error.fields)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("briefings:detail", briefing_id=briefing.pk)
    elif briefing.status == BriefingStatus.PUBLISHED and not policies.is_hq(request.user):
        # Read receipts are the markets'; HQ opening its own briefing is not a reader.
        services.briefing_read(briefing_id=briefing.pk, by=request.user)
        briefing = selectors.briefing_get(user=request.user, briefing_id=briefing_id)
    return render(
        request,
        "briefings/detail.html",
        {
            "briefing": briefing,
            "may_edit": may_edit,
            "errors": errors,
            "is_hq": policies.is_hq(request.user),
        },
    )


@login_required
@require_POST
def briefing_publish(request: PageRequest, briefing_id: int) -> HttpResponse:
    try:
        services.briefing_publish(briefing_id=briefing_id, by=request.user)
    except DomainError as error:
        _page_errors(error)
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Briefing published to every market."))
    return redirect("briefings:detail", briefing_id=briefing_id)


@login_required
@require_GET
def briefing_export(request: PageRequest, briefing_id: int) -> HttpResponse:
    try:
        briefing = selectors.briefing_get(user=request.user, briefing_id=briefing_id)
    except NotFound as error:
        raise Http404 from error
    response = HttpResponse(
        briefing_docx(briefing),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="briefing-{briefing.pk}.docx"'
    return response
