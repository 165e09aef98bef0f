"""Stage 3 pages, phone first: the on-site panel of the activity, meetings, the daily report
form, summaries, wrap-up, "my tasks", the reports with their chart, the competitor feed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.activities.models import Activity
from campaigndesk.activities.views import _get_activity, run_transition
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import DomainError, Duplicate, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http, spread_errors
from campaigndesk.onsite import selectors, services
from campaigndesk.onsite.models import (
    DailyReport,
    Meeting,
    MeetingKind,
    Summary,
    SummaryKind,
    TrainingTopic,
)
from campaigndesk.onsite.selectors import REPORT_FIELDS
from campaigndesk.org import policies
from campaigndesk.org.models import Office
from campaigndesk.org.selectors import market_choices_for_user
from campaigndesk.preparation.models import TeamMember


def _day_targets(activity: Activity) -> dict[str, Any]:
    days = max(activity.days, 1)
    return {
        "visitors": (activity.target_attendance or 0) / days
        if activity.target_attendance
        else None,
        "leads": (activity.target_leads or 0) / days if activity.target_leads else None,
        "sales": float(activity.target_sales) / days if activity.target_sales else None,
    }


def chart_data(activity: Activity, reports: list[DailyReport]) -> dict[str, Any]:
    """The day-by-day chart: each activity day's visitors, leads and sales beside the day's
    share of the targets (for ECharts, read by static/js/charts.js)."""
    by_day = {r.date: r for r in reports}
    days = [activity.start_date + timedelta(days=n) for n in range(activity.days)]
    targets = _day_targets(activity)
    return {
        "labels": [d.strftime("%m-%d") for d in days],
        "series": [
            {
                "name": str(_("Visitors")),
                "type": "bar",
                "data": [by_day[d].visitors if d in by_day else None for d in days],
            },
            {
                "name": str(_("Leads")),
                "type": "bar",
                "data": [by_day[d].leads if d in by_day else None for d in days],
            },
            {
                "name": str(_("Sales (¥)")),
                "type": "line",
                "yAxisIndex": 1,
                "data": [float(by_day[d].sales) if d in by_day else None for d in days],
            },
        ],
        "targets": [
            {"name": str(_("Daily visitor target")), "value": targets["visitors"]},
            {"name": str(_("Daily sales target")), "value": targets["sales"], "yAxisIndex": 1},
        ],
        "axes": [str(_("People")), str(_("Sales (¥)"))],
    }


def onsite_context(request: PageRequest, activity: Activity) -> dict[str, Any]:
    """What the activity page shows of stage 3 once on site."""
    if activity.status not in (
        Status.ON_SITE,
        Status.WRAPPED_UP,
        Status.EVALUATED,
        Status.ARCHIVED,
    ):
        return {"shows_onsite": False}
    user = request.user
    on_site = activity.status == Status.ON_SITE
    reports = list(selectors.reports_of(activity=activity))
    summaries = selectors.summaries_of(activity=activity)
    checklist = selectors.wrap_up_checklist(activity=activity)
    mine = next((s for s in summaries.individual if s.author_id == user.pk), None)
    today = timezone.localdate()
    todays = next((r for r in reports if r.date == today), None)
    return {
        "shows_onsite": True,
        "checklist": checklist,
        "checklist_done": all(i.done for i in checklist),
        "meetings": list(
            Meeting.objects.filter(activity=activity)
            .select_related("chair__profile")
            .prefetch_related("attendees__profile")
            .order_by("held_at")
        ),
        "reports": reports,
        "totals": selectors.report_totals(activity=activity),
        "summaries": summaries,
        "my_summary": mine,
        "todays_report": todays,
        "may_record_meeting": on_site and policies.may(user, "record_meeting", activity),
        "may_report": on_site and services.may_report(user, activity),
        "may_write_activity_summary": on_site
        and policies.may(user, "write_activity_summary", activity),
        "may_write_individual": on_site and services.may_write_individual(user, activity),
        "may_wrap_up": on_site and policies.may(user, "wrap_up", activity),
        "meeting_kinds": MeetingKind.choices,
    }


def _people_for(activity: Activity) -> list[User]:
    """Who may attend: the market's people and the support team, with the profiles the form
    names them by (one query; a union could not carry the profiles)."""
    team = TeamMember.objects.filter(team__activity=activity).values("user_id")
    return list(
        User.objects.filter(
            Q(profile__market_id=activity.market_id) | Q(pk__in=team), is_active=True
        )
        .select_related("profile")
        .order_by("username")
    )


def _rows(request: PageRequest, prefix: str, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    columns = [request.POST.getlist(f"{prefix}_{f}") for f in fields]
    rows = [
        dict(zip(fields, values, strict=False), errors={}) for values in zip(*columns, strict=False)
    ]
    return [r for r in rows if any(str(r[f]).strip() for f in fields)]


@login_required
@require_http_methods(["GET", "POST"])
def meeting_form(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "record_meeting", activity):
        raise PermissionDenied(_("The market head records the meetings."))
    kind = request.POST.get("kind") or request.GET.get("kind") or MeetingKind.BRIEFING
    if kind not in MeetingKind.values:
        kind = MeetingKind.BRIEFING
    values: dict[str, Any] = {
        "held_at": request.POST.get("held_at") or timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "chair": request.POST.get("chair", request.user.username),
        "attendees": request.POST.getlist("attendees"),
        "topics": request.POST.getlist("topics"),
        "notes": request.POST.get("notes", ""),
    }
    schedule = _rows(request, "schedule", ("date", "milestone", "owner"))
    tasks = _rows(request, "task", ("target", "task", "due_date"))
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            held_at = timezone.make_aware(datetime.fromisoformat(values["held_at"]))
        except ValueError:
            held_at = None
        try:
            services.meeting_record(
                activity_id=activity.pk,
                by=request.user,
                kind=kind,
                held_at=held_at,
                chair=values["chair"],
                attendees=values["attendees"],
                topics=values["topics"],
                notes=values["notes"],
                schedule=[{k: r[k] for k in ("date", "milestone", "owner")} for r in schedule],
                tasks=[
                    {
                        "office": r["target"].removeprefix("office:"),
                        "task": r["task"],
                        "due_date": r["due_date"] or None,
                    }
                    if r["target"].startswith("office:")
                    else {
                        "username": r["target"].removeprefix("user:"),
                        "task": r["task"],
                        "due_date": r["due_date"] or None,
                    }
                    for r in tasks
                ],
            )
        except ValidationFailed as error:
            spread_errors(
                error,
                errors,
                {"schedule": schedule, "tasks": tasks},
                rename={"office": "target", "username": "target"},
            )
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(
        request,
        "onsite/meeting_form.html",
        {
            "activity": activity,
            "kind": kind,
            "kinds": MeetingKind.choices,
            "topics": TrainingTopic.choices,
            "values": values,
            "schedule": schedule,
            "tasks": tasks,
            "errors": errors,
            "people": _people_for(activity),
            "offices": Office.objects.filter(market_id=activity.market_id).order_by("code"),
        },
    )


@login_required
@require_GET
def schedule_row(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "record_meeting", activity):
        raise PermissionDenied
    return render(
        request,
        "onsite/partials/_schedule_row.html",
        {
            "row": {
                "date": activity.start_date.isoformat(),
                "milestone": "",
                "owner": "",
                "errors": {},
            },
        },
    )


@login_required
@require_GET
def task_row(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "record_meeting", activity):
        raise PermissionDenied
    return render(
        request,
        "onsite/partials/_task_row.html",
        {
            "row": {"target": "", "task": "", "due_date": "", "errors": {}},
            "people": _people_for(activity),
            "offices": Office.objects.filter(market_id=activity.market_id).order_by("code"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_form(
    request: PageRequest, activity_id: int, report_id: int | None = None
) -> HttpResponse:
    """The day's report from a phone; a failed save keeps everything typed and says why."""
    activity = _get_activity(request, activity_id)
    if not services.may_report(request.user, activity):
        raise PermissionDenied(
            _("Daily reports come from the market's heads and the support team.")
        )
    report = None
    if report_id is not None:
        report = DailyReport.objects.filter(pk=report_id, activity=activity).first()
        if report is None:
            raise Http404
    today = timezone.localdate()
    default_day = min(max(today, activity.start_date), activity.end_date)
    if request.method == "POST":
        values = {f: request.POST.get(f, "").strip() for f in ("date", *REPORT_FIELDS)}
    elif report is not None:
        values = {
            "date": report.date.isoformat(),
            **{f: str(getattr(report, f)) for f in REPORT_FIELDS},
        }
    else:
        values = {"date": default_day.isoformat(), **{f: "" for f in REPORT_FIELDS}}
    errors: dict[str, str] = {}
    duplicate_of = None
    if request.method == "POST":
        data: dict[str, Any] = {f: values[f] for f in REPORT_FIELDS}
        try:
            if report is None:
                try:
                    data["date"] = date.fromisoformat(values["date"])
                except ValueError:
                    data["date"] = None
                saved = services.daily_report_submit(
                    activity_id=activity.pk, by=request.user, data=data
                )
            else:
                saved = services.daily_report_update(
                    activity_id=activity.pk, report_id=report.pk, by=request.user, data=data
                )
        except ValidationFailed as error:
            errors.update(error.fields)
        except Duplicate as error:
            errors["form"] = str(error.message)
            duplicate_of = error.details.get("report_id")
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(
                request, _("Daily report of %(date)s saved.") % {"date": saved.date.isoformat()}
            )
            response = redirect("activities:detail", activity_id=activity.pk)
            return response
    return render(
        request,
        "onsite/report_form.html",
        {
            "activity": activity,
            "report": report,
            "values": values,
            "errors": errors,
            "duplicate_of": duplicate_of,
            "autosave_key": f"report-{activity.pk}-{report.pk if report else 'new'}",
        },
    )


@login_required
@require_GET
def reports(request: PageRequest, activity_id: int) -> HttpResponse:
    """Every daily report with running totals and the chart against the targets; the table
    refreshes itself (htmx) so HQ sees a report the moment it is saved."""
    activity = _get_activity(request, activity_id)
    rows = list(selectors.reports_of(activity=activity))
    context = {
        "activity": activity,
        "reports": rows,
        "totals": selectors.report_totals(activity=activity),
        "chart": chart_data(activity, rows),
        "targets": activity.targets,
    }
    template = "onsite/partials/_reports_table.html" if request.htmx else "onsite/reports.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def summary_form(request: PageRequest, activity_id: int, kind: str) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    if kind not in SummaryKind.values:
        raise Http404
    existing = Summary.objects.filter(activity=activity, kind=kind)
    if kind == SummaryKind.INDIVIDUAL:
        existing = existing.filter(author=request.user)
    summary = existing.first()
    allowed = (
        policies.may(request.user, "write_activity_summary", activity)
        if kind == SummaryKind.ACTIVITY
        else services.may_write_individual(request.user, activity)
    )
    if not allowed:
        raise PermissionDenied(_("You do not write this summary."))
    if summary is not None and summary.author_id != request.user.pk:
        raise PermissionDenied(_("Only its author edits a summary."))
    fields = ("strengths", "weaknesses", "text")
    if request.method == "POST":
        values = {f: request.POST.get(f, "") for f in fields}
    else:
        values = {f: getattr(summary, f) if summary else "" for f in fields}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if summary is None:
                services.summary_write(
                    activity_id=activity.pk, by=request.user, kind=kind, **values
                )
            else:
                services.summary_update(
                    activity_id=activity.pk, summary_id=summary.pk, by=request.user, **values
                )
        except ValidationFailed as error:
            errors.update(error.fields)
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(request, _("Summary saved."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(
        request,
        "onsite/summary_form.html",
        {
            "activity": activity,
            "kind": kind,
            "kind_label": SummaryKind(kind).label,
            "values": values,
            "errors": errors,
            "summary": summary,
        },
    )


@login_required
@require_POST
def wrap_up(request: PageRequest, activity_id: int) -> HttpResponse:
    return run_transition(
        request,
        activity_id,
        lambda: services.activity_wrap_up(activity_id=activity_id, by=request.user),
        _("The on-site stage is wrapped up."),
    )


@login_required
@require_GET
def my_tasks(request: PageRequest) -> HttpResponse:
    """The tasks agreed at briefings for me or my office, and the schedule I own."""
    return render(
        request, "onsite/tasks.html", {"tasks": list(selectors.tasks_of(user=request.user))}
    )


@login_required
@require_GET
def competitors(request: PageRequest) -> HttpResponse:
    """Competitor moves from all daily reports the user may see; filter by market and date."""

    def parse(name: str) -> date | None:
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    market = request.GET.get("market") or None
    date_from, date_to = parse("from"), parse("to")
    feed = selectors.competitor_feed(
        user=request.user, market=market, date_from=date_from, date_to=date_to
    )
    page = Paginator(feed, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "onsite/competitors.html",
        {
            "page": page,
            "market": market or "",
            "date_from": date_from,
            "date_to": date_to,
            "markets": market_choices_for_user(user=request.user)
            if policies.is_hq(request.user)
            else [],
        },
    )
