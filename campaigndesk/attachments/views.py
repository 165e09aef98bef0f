"""Attachment pages: the upload (htmx re-renders the list it was sent from), download,
thumbnail, removal. Every file is reached through its activity's visibility: 404 outside it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from campaigndesk.activities.models import Activity
from campaigndesk.activities.views import _get_activity
from campaigndesk.attachments import selectors, services
from campaigndesk.attachments.models import Attachment
from campaigndesk.attachments.responses import download_response, thumbnail_response
from campaigndesk.attachments.templatetags.attachments import slot_context
from campaigndesk.attachments.uploads import SizeLimit, guard_upload, read_upload
from campaigndesk.core.errors import DomainError, NotFound, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http

SLOT_FIELDS = ("kind", "daily_report_id", "meeting_id", "summary_id", "cost_category")


def _visible(request: PageRequest, attachment_id: int) -> Attachment:
    try:
        return selectors.attachment_get(user=request.user, attachment_id=attachment_id)
    except NotFound as error:
        raise Http404 from error


def _slot_items(activity: Activity, slot: dict[str, str]) -> list[Attachment]:
    """The files the list that sent the form shows: same kind and links (one query)."""
    query = Attachment.objects.filter(activity=activity).select_related("uploaded_by__profile")
    if slot.get("kind"):
        query = query.filter(kind=slot["kind"])
    for field in ("daily_report_id", "meeting_id", "summary_id"):
        if slot.get(field, "").isdigit():
            query = query.filter(**{field: int(slot[field])})
    if slot.get("cost_category"):
        query = query.filter(cost_category=slot["cost_category"])
    return list(query.order_by("created_at", "id"))


def _back(request: PageRequest, activity: Activity) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("activities:detail", activity_id=activity.pk)


def _render_slot(
    request: PageRequest, activity: Activity, fields: dict[str, str], errors: dict[str, str]
) -> HttpResponse:
    slot = {f: fields.get(f, "") for f in SLOT_FIELDS}
    fixed_kind = fields.get("fixed_kind", "") == "1"
    context = slot_context(
        request,
        activity,
        items=_slot_items(activity, {**slot, "kind": slot["kind"] if fixed_kind else ""}),
        kind=slot["kind"] if fixed_kind else "",
        daily_report_id=slot["daily_report_id"],
        meeting_id=slot["meeting_id"],
        summary_id=slot["summary_id"],
        cost_category=slot["cost_category"],
        camera=fields.get("camera", "") == "1",
        title=fields.get("title", ""),
        next_url=fields.get("next", ""),
    )
    context["errors"] = errors
    return render(request, "attachments/partials/_slot.html", context)


@csrf_exempt
@login_required
@require_POST
def upload(request: PageRequest, activity_id: int) -> HttpResponse:
    # The size guard must be in place before anything reads the body, CSRF's check included.
    try:
        guard = guard_upload(request)
    except ValidationFailed as error:
        activity = _get_activity(request, activity_id)
        if request.htmx:
            return _render_slot(request, activity, {}, error.fields)
        messages.error(request, error.fields["file"])
        return redirect("activities:detail", activity_id=activity.pk)
    return _upload(request, activity_id, guard)


@csrf_protect
def _upload(request: PageRequest, activity_id: int, guard: SizeLimit | None) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    errors: dict[str, str] = {}
    fields: dict[str, str] = {}
    try:
        file, fields = read_upload(request, guard)
        services.attachment_upload(
            activity_id=activity.pk,
            by=request.user,
            file=file,
            name=(file.name or "") if file is not None else "",
            kind=fields.get("kind", ""),
            daily_report_id=fields.get("daily_report_id"),
            meeting_id=fields.get("meeting_id"),
            summary_id=fields.get("summary_id"),
            cost_category=fields.get("cost_category", ""),
        )
    except ValidationFailed as error:
        errors.update(error.fields)
    except DomainError as error:
        raise_http(error)
        errors["form"] = str(error.message)
    if not fields:
        fields = {k: request.POST.get(k, "") for k in request.POST}
    if request.htmx:
        return _render_slot(request, activity, fields, errors)
    if errors:
        messages.error(request, "；".join(errors.values()))
    else:
        messages.success(request, _("File added."))
    return _back(request, activity)


@login_required
@require_POST
def delete(request: PageRequest, attachment_id: int) -> HttpResponse:
    attachment = _visible(request, attachment_id)
    activity = attachment.activity
    errors: dict[str, str] = {}
    try:
        services.attachment_delete(attachment_id=attachment.pk, by=request.user)
    except DomainError as error:
        raise_http(error)
        errors["form"] = str(error.message)
    if request.htmx:
        return _render_slot(
            request, activity, {k: request.POST.get(k, "") for k in request.POST}, errors
        )
    if errors:
        messages.error(request, errors["form"])
    else:
        messages.success(request, _("File removed."))
    return _back(request, activity)


@login_required
@require_GET
def download(request: PageRequest, attachment_id: int) -> FileResponse:
    return download_response(_visible(request, attachment_id))


@login_required
@require_GET
def thumbnail(request: PageRequest, attachment_id: int) -> FileResponse:
    attachment = _visible(request, attachment_id)
    if not attachment.thumbnail:
        raise Http404
    return thumbnail_response(attachment)
