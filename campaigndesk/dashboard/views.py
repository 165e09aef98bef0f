"""The overview pages: the board by stage, what is owed, upcoming, per-market figures; the
calendar (month and week) with the support members' deployments; playbooks."""

from __future__ import annotations

import calendar as calendar_module
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.activities import playbooks
from campaigndesk.activities.models import Playbook
from campaigndesk.activities.views import _get_activity
from campaigndesk.core.errors import DomainError, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http
from campaigndesk.core.readcache import cache_seconds
from campaigndesk.dashboard import selectors
from campaigndesk.evaluation.selectors import evaluation_on, metrics_of
from campaigndesk.org import policies

STAGE_LABELS = {
    "review": gettext_lazy("1 · Review and approval"),
    "preparation": gettext_lazy("2 · Preparation"),
    "on_site": gettext_lazy("3 · On site"),
    "hq_review": gettext_lazy("4 · HQ review"),
}
OWED_LABELS = {
    "opinions": gettext_lazy("Opinions owed"),
    "material": gettext_lazy("Material overdue"),
    "daily_report": gettext_lazy("No daily report today"),
    "summaries": gettext_lazy("Individual summaries missing"),
    "acknowledgements": gettext_lazy("Lessons not acknowledged"),
}


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default


@login_required
@require_GET
def overview(request: PageRequest) -> HttpResponse:
    today = timezone.localdate()
    start = _date(request.GET.get("from"), today - timedelta(days=365))
    end = _date(request.GET.get("to"), today)
    if end < start:
        start, end = end, start
    # The body is the same for everyone of the same scope: kept for a few seconds while no
    # write happened (selectors.overview_key), so a busy HQ does not recompute it per view.
    seconds = cache_seconds("OVERVIEW_CACHE_SECONDS")
    key, keep = (
        selectors.overview_key(user=request.user, start=start, end=end) if seconds else ("", False)
    )
    body = cache.get(key) if key else None
    if body is None:
        columns = selectors.board(user=request.user)
        for column in columns:
            column["label"] = STAGE_LABELS[column["key"]]
        body = render_to_string(
            "dashboard/_overview_body.html",
            {
                "columns": columns,
                "owed": [(OWED_LABELS[o.what], o) for o in selectors.owed(user=request.user)],
                "upcoming": selectors.upcoming(user=request.user),
                "figures": selectors.market_figures(user=request.user, start=start, end=end),
                "start": start,
                "end": end,
            },
            request=request,
        )
        if keep:
            cache.set(key, str(body), seconds)
    return render(request, "dashboard/overview.html", {"body": mark_safe(body)})  # noqa: S308 - our own template's output


@login_required
@require_GET
def calendar(request: PageRequest) -> HttpResponse:
    """Month view (?month=2026-11) or week view (?week=2026-11-23, any day of the week)."""
    today = timezone.localdate()
    if request.GET.get("week"):
        day = _date(request.GET.get("week"), today)
        start = day - timedelta(days=day.weekday())
        end = start + timedelta(days=6)
        mode = "week"
        previous, following = start - timedelta(days=7), start + timedelta(days=7)
    else:
        try:
            year, month = (int(x) for x in (request.GET.get("month") or "").split("-"))
            start = date(year, month, 1)
        except ValueError:
            start = today.replace(day=1)
        end = start.replace(day=calendar_module.monthrange(start.year, start.month)[1])
        mode = "month"
        previous = (start - timedelta(days=1)).replace(day=1)
        following = end + timedelta(days=1)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    activities = selectors.calendar_activities(user=request.user, start=start, end=end)
    rows = []
    for activity in activities:
        rows.append(
            {
                "activity": activity,
                "cells": [activity.start_date <= d <= activity.end_date for d in days],
            }
        )
    people = []
    for person, windows in selectors.deployments(user=request.user, start=start, end=end).items():
        cells = []
        for d in days:
            here = [
                w
                for w in windows
                if timezone.localtime(w.depart_at).date()
                <= d
                <= timezone.localtime(w.return_at).date()
            ]
            cells.append({"titles": [w.team.activity.title for w in here], "clash": len(here) > 1})
        people.append(
            {"person": person, "cells": cells, "clashes": sum(1 for c in cells if c["clash"])}
        )
    return render(
        request,
        "dashboard/calendar.html",
        {
            "mode": mode,
            "days": days,
            "rows": rows,
            "people": people,
            "today": today,
            "start": start,
            "end": end,
            "previous": previous,
            "following": following,
        },
    )


@login_required
@require_GET
def playbook_list(request: PageRequest) -> HttpResponse:
    items = list(
        Playbook.objects.select_related("activity__market", "activity__evaluation")
        .prefetch_related("activity__budget_lines", "activity__evaluation__costs")
        .annotate(n_copies=Count("copies"))
        .order_by("-created_at")[:100]
    )
    rows = [(p, metrics_of(evaluation_on(p.activity), p.activity)) for p in items]
    return render(
        request,
        "dashboard/playbooks.html",
        {
            "rows": rows,
            "may_clone": policies.may(request.user, "create"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def playbook_detail(request: PageRequest, playbook_id: int) -> HttpResponse:
    """The playbook beside its copies (HQ compares), and the clone form (market heads)."""
    playbook = (
        Playbook.objects.select_related("activity__market", "activity__evaluation")
        .prefetch_related("activity__budget_lines", "activity__evaluation__costs")
        .filter(pk=playbook_id)
        .first()
    )
    if playbook is None:
        raise Http404
    errors: dict[str, str] = {}
    values = {k: request.POST.get(k, "") for k in ("title", "start_date", "end_date")}
    if request.method == "POST":
        try:
            activity = playbooks.playbook_clone(
                playbook_id=playbook.pk,
                by=request.user,
                title=values["title"],
                start_date=_date(values["start_date"], date.min) if values["start_date"] else None,
                end_date=_date(values["end_date"], date.min) if values["end_date"] else None,
            )
        except ValidationFailed as error:
            errors.update(error.fields)
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(
                request, _("Draft started from the playbook: adjust it to your market.")
            )
            return redirect("activities:edit", activity_id=activity.pk)
    copies = (
        playbook.copies.filter(policies.activity_scope(request.user))
        .select_related("market", "evaluation")
        .prefetch_related("budget_lines", "evaluation__costs")
        .order_by("-start_date")
    )
    rows = [
        (
            c,
            metrics_of(evaluation_on(c), c)
            if hasattr(c, "evaluation") and c.evaluation.completed_at
            else None,
        )
        for c in copies
    ]
    return render(
        request,
        "dashboard/playbook.html",
        {
            "playbook": playbook,
            "metrics": metrics_of(evaluation_on(playbook.activity), playbook.activity),
            "copies": rows,
            "errors": errors,
            "values": values,
            "may_clone": policies.may(request.user, "create"),
        },
    )


@login_required
@require_POST
def playbook_mark(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    try:
        playbook = playbooks.playbook_create(
            by=request.user, activity_id=activity.pk, title=request.POST.get("title", "")
        )
    except DomainError as error:
        raise_http(error)
        messages.error(request, str(error.message))
        return redirect("activities:detail", activity_id=activity.pk)
    messages.success(request, _("Marked as a playbook: every market can start from it."))
    return redirect("dashboard:playbook", playbook_id=playbook.pk)
