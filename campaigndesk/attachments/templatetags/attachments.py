"""Attachment lists on the pages where the evidence belongs. `activity_attachments` runs the
one query for an activity's files and keeps the grouped result on the activity, so every list
on the page reads from it."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from campaigndesk.activities.models import Activity
from campaigndesk.attachments import selectors, services
from campaigndesk.attachments.models import Attachment, AttachmentKind

register = template.Library()


@register.simple_tag
def activity_attachments(activity: Activity) -> selectors.Grouped:
    cached = getattr(activity, "_attachments_grouped", None)
    if cached is None:
        cached = selectors.grouped(selectors.attachments_of(activity=activity))
        activity._attachments_grouped = cached  # type: ignore[attr-defined]
    return cached


@register.filter
def files_of(mapping: dict[Any, list[Attachment]], key: Any) -> list[Attachment]:
    return list(mapping.get(key, [])) if mapping else []


def _may_upload(request: HttpRequest, activity: Activity, kind: str) -> bool:
    # Cached per page and kind class: the support-team check is a query.
    cache = getattr(activity, "_may_upload", None)
    if cache is None:
        cache = {}
        activity._may_upload = cache  # type: ignore[attr-defined]
    key = "receipt" if kind == AttachmentKind.RECEIPT else "evidence"
    if key not in cache:
        cache[key] = services.may_upload(request.user, activity, kind or AttachmentKind.OTHER)  # type: ignore[arg-type]
    return bool(cache[key])


def slot_context(
    request: HttpRequest,
    activity: Activity,
    *,
    items: list[Attachment],
    kind: str = "",
    daily_report_id: Any = "",
    meeting_id: Any = "",
    summary_id: Any = "",
    cost_category: str = "",
    camera: bool = False,
    title: str = "",
    next_url: str = "",
) -> dict[str, Any]:
    """What `_slot.html` shows: the files, and the upload form with the links it carries."""
    ids = [kind or "any", daily_report_id, meeting_id, summary_id, cost_category]
    user = request.user
    return {
        "request": request,
        "activity": activity,
        "items": items,
        "slot_id": "files-" + "-".join(str(i) for i in ids if i not in (None, "")),
        "kind": kind,
        "kinds": [(value, label) for value, label in AttachmentKind.choices if value != "receipt"],
        "daily_report_id": daily_report_id or "",
        "meeting_id": meeting_id or "",
        "summary_id": summary_id or "",
        "cost_category": cost_category,
        "camera": camera,
        "title": title,
        "next_url": next_url or request.get_full_path(),
        "may_upload": _may_upload(request, activity, kind),
        "deletable": {
            a.pk
            for a in items
            if a.uploaded_by_id == user.pk or services.may_delete(user, a, activity)  # type: ignore[arg-type]
        }
        if activity.status not in services.CLOSED
        else set(),
        "errors": {},
    }


@register.inclusion_tag("attachments/partials/_slot.html", takes_context=True)
def attachment_slot(
    context: dict[str, Any],
    activity: Activity,
    items: list[Attachment] | None = None,
    kind: str = "",
    daily_report: Any = None,
    meeting: Any = None,
    summary: Any = None,
    cost_category: str = "",
    camera: bool = False,
    title: str = "",
) -> dict[str, Any]:
    """A list of files with its upload form. `items` from `activity_attachments` (no query);
    when left out, the files of that kind and link are read (one query)."""
    request = context["request"]
    if items is None:
        grouped = activity_attachments(activity)
        items = [
            a
            for a in grouped.all
            if (not kind or a.kind == kind)
            and (daily_report is None or a.daily_report_id == daily_report.pk)
            and (meeting is None or a.meeting_id == meeting.pk)
            and (summary is None or a.summary_id == summary.pk)
            and (not cost_category or a.cost_category == cost_category)
        ]
    return slot_context(
        request,
        activity,
        items=items,
        kind=kind,
        daily_report_id=daily_report.pk if daily_report is not None else "",
        meeting_id=meeting.pk if meeting is not None else "",
        summary_id=summary.pk if summary is not None else "",
        cost_category=cost_category,
        camera=camera,
        title=title,
    )
