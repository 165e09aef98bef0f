"""Stage 2 pages: the preparation panel of the activity, the team form with conflict check and
calendar strip, materials, start on site, "my assignments", overdue materials for HQ."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.activities.models import Activity
from campaigndesk.activities.views import _get_activity, run_transition
from campaigndesk.activities.workflow import Status
from campaigndesk.core.errors import DomainError, ScheduleConflict, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http, spread_errors
from campaigndesk.org import policies
from campaigndesk.org.models import Department
from campaigndesk.org.roles import Role
from campaigndesk.preparation import selectors, services
from campaigndesk.preparation.models import MATERIAL_ORDER, Material, MaterialStatus, MemberRole

STRIP_DAYS = 28


def _parse_local(value: str) -> datetime | None:
    try:
        return timezone.make_aware(datetime.fromisoformat(value))
    except ValueError:
        return None


def _local_input(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def _next_steps(material: Material, user: Any) -> list[tuple[str, str]]:
    """The statuses `user` may move this item to next, with their labels."""
    role = policies.role_of(user)
    later = MATERIAL_ORDER[MATERIAL_ORDER.index(material.status) + 1 :]
    if services.may_handle_materials(user, material.owner_department):
        return [(s, str(MaterialStatus(s).label)) for s in later]
    if role == Role.MARKET_HEAD and MaterialStatus.RECEIVED in later:
        return [(MaterialStatus.RECEIVED, str(MaterialStatus.RECEIVED.label))]
    return []


def preparation_context(request: PageRequest, activity: Activity) -> dict[str, Any]:
    """What the activity page shows of stage 2 once approved."""
    if activity.status not in (
        Status.APPROVED,
        Status.ON_SITE,
        Status.WRAPPED_UP,
        Status.EVALUATED,
        Status.ARCHIVED,
    ):
        return {"shows_preparation": False}
    user = request.user
    team = selectors.team_of(activity=activity)
    materials = list(selectors.materials_of(activity=activity))
    preparing = activity.status in services.PREPARING
    return {
        "shows_preparation": True,
        "team": team,
        "role_counts": selectors.role_counts(team),
        "materials": [(m, _next_steps(m, user) if preparing else []) for m in materials],
        "materials_pending": [m for m in materials if m.status != MaterialStatus.RECEIVED],
        "materials_overdue": [m for m in materials if m.overdue],
        "may_manage_team": policies.may(user, "manage_team", activity) and preparing,
        "may_add_material": preparing
        and (
            policies.role_of(user) == Role.HQ_MANAGER
            or (
                policies.role_of(user) in (Role.REVIEWER, Role.SUPPORT_MEMBER)
                and getattr(getattr(user, "profile", None), "department_id", None)
            )
        ),
        "may_start_onsite": policies.may(user, "start_onsite", activity)
        and activity.status == Status.APPROVED,
        "departments": Department.objects.order_by("position", "code"),
        "units_hint": _("pcs"),
    }


def _member_rows(request: PageRequest, team: Any) -> list[dict[str, Any]]:
    if request.method == "POST":
        rows = [
            {
                "username": u,
                "role": r,
                "duty": d.strip(),
                "depart_at": dep,
                "return_at": ret,
                "errors": {},
            }
            for u, r, d, dep, ret in zip(
                request.POST.getlist("member_username"),
                request.POST.getlist("member_role"),
                request.POST.getlist("member_duty"),
                request.POST.getlist("member_depart_at"),
                request.POST.getlist("member_return_at"),
                strict=False,
            )
        ]
        return [r for r in rows if r["username"] or r["duty"]]
    if team is None:
        return []
    return [
        {
            "username": m.user.username,
            "role": m.role,
            "duty": m.duty,
            "depart_at": _local_input(m.depart_at),
            "return_at": _local_input(m.return_at),
            "errors": {},
        }
        for m in team.members.all()
    ]


def _strip(
    activity: Activity, rows: list[dict[str, Any]], people: dict[str, Any]
) -> dict[str, Any]:
    """The calendar strip: STRIP_DAYS days around the activity, and for each chosen person
    this activity's window and their other published assignments, as day ranges."""
    first = activity.start_date - timedelta(days=STRIP_DAYS // 2)
    days = [first + timedelta(days=n) for n in range(STRIP_DAYS)]
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    chosen = [people[r["username"]] for r in rows if r["username"] in people]
    others = selectors.other_assignments(
        user_ids=[u.pk for u in chosen], exclude_activity_id=activity.pk, since=since
    )

    def cells(start: datetime | None, end: datetime | None) -> set[int]:
        if start is None or end is None:
            return set()
        a, b = timezone.localtime(start).date(), timezone.localtime(end).date()
        return {i for i, day in enumerate(days) if a <= day <= b}

    lines = []
    for row in rows:
        user = people.get(row["username"])
        if user is None:
            continue
        here = cells(_parse_local(row["depart_at"]), _parse_local(row["return_at"]))
        busy: dict[int, str] = {}
        for other in others.get(user.pk, []):
            for i in cells(other.depart_at, other.return_at):
                busy[i] = other.team.activity.title
        lines.append(
            {
                "person": user,
                "cells": [
                    {"here": i in here, "busy": busy.get(i, ""), "clash": i in here and i in busy}
                    for i in range(len(days))
                ],
                "others": others.get(user.pk, []),
            }
        )
    activity_days = {
        i for i, day in enumerate(days) if activity.start_date <= day <= activity.end_date
    }
    return {"days": days, "lines": lines, "activity_days": activity_days}


def _conflict_rows(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Conflicts as the page shows them: who, which activity, from when to when."""
    names = dict(
        selectors.hq_staff()
        .filter(username__in=[c["username"] for c in conflicts])
        .values_list("username", "profile__display_name")
    )
    return [
        dict(
            c,
            display_name=names.get(c["username"], c["username"]),
            start=datetime.fromisoformat(c["depart_at"]).strftime("%m-%d %H:%M"),
            end=datetime.fromisoformat(c["return_at"]).strftime("%m-%d %H:%M"),
        )
        for c in conflicts
    ]


def _team_page(
    request: PageRequest,
    activity: Activity,
    rows: list[dict[str, Any]],
    errors: dict[str, str],
    conflicts: list[dict[str, Any]],
    name: str,
    lead: str,
    template: str = "preparation/team_form.html",
) -> HttpResponse:
    staff = list(selectors.hq_staff())
    people = {u.username: u for u in staff}
    return render(
        request,
        template,
        {
            "activity": activity,
            "rows": rows,
            "errors": errors,
            "conflicts": _conflict_rows(conflicts),
            "name": name,
            "lead": lead,
            "staff": staff,
            "roles": MemberRole.choices,
            "strip": _strip(activity, rows, people),
            "team": selectors.team_of(activity=activity),
        },
    )


def _save_members(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "username": r["username"],
            "role": r["role"],
            "duty": r["duty"],
            "depart_at": _parse_local(r["depart_at"]),
            "return_at": _parse_local(r["return_at"]),
        }
        for r in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def team_form(request: PageRequest, activity_id: int) -> HttpResponse:
    """The HQ manager forms the support team: who, as what, doing what, away when."""
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "manage_team", activity):
        raise PermissionDenied(_("Only the HQ manager forms the support team."))
    team = selectors.team_of(activity=activity)
    rows = _member_rows(request, team)
    if not rows and request.method == "GET":
        start = f"{activity.start_date.isoformat()}T08:00"
        end = f"{activity.end_date.isoformat()}T20:00"
        rows = [
            {
                "username": "",
                "role": "expert",
                "duty": "",
                "depart_at": start,
                "return_at": end,
                "errors": {},
            }
        ]
    name = request.POST.get("name", team.name if team else "")
    lead = request.POST.get("lead", team.lead.username if team else "")
    errors: dict[str, str] = {}
    conflicts: list[dict[str, Any]] = []
    if request.method == "POST":
        try:
            services.support_team_save(
                activity_id=activity.pk,
                by=request.user,
                name=name,
                lead=lead,
                members=_save_members(rows),
            )
        except ValidationFailed as error:
            spread_errors(error, errors, {"members": rows})
        except ScheduleConflict as error:
            errors["__all__"] = str(error.message)
            conflicts = error.details["conflicts"]
        except DomainError as error:
            raise_http(error)
            errors["__all__"] = str(error.message)
        else:
            messages.success(request, _("Support team saved."))
            return redirect("activities:detail", activity_id=activity.pk)
    return _team_page(request, activity, rows, errors, conflicts, name, lead)


@login_required
@require_POST
def team_check(request: PageRequest, activity_id: int) -> HttpResponse:
    """While the form is edited (htmx): the conflicts and the calendar strip, before saving."""
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "manage_team", activity):
        raise PermissionDenied
    rows = _member_rows(request, None)
    windows = []
    people = {
        u.username: u
        for u in selectors.hq_staff().filter(username__in=[r["username"] for r in rows])
    }
    for row in rows:
        depart, back = _parse_local(row["depart_at"]), _parse_local(row["return_at"])
        if row["username"] in people and depart and back and back > depart:
            windows.append(selectors.Window(people[row["username"]].pk, depart, back))
    conflicts = [
        {
            "username": c.user.username,
            "activity_id": c.team.activity_id,
            "title": c.team.activity.title,
            "depart_at": timezone.localtime(c.depart_at).isoformat(),
            "return_at": timezone.localtime(c.return_at).isoformat(),
        }
        for c in selectors.schedule_conflicts(windows=windows, exclude_activity_id=activity.pk)
    ]
    return _team_page(
        request,
        activity,
        rows,
        {},
        conflicts,
        "",
        "",
        template="preparation/partials/_team_check.html",
    )


@login_required
@require_GET
def member_row(request: PageRequest, activity_id: int) -> HttpResponse:
    activity = _get_activity(request, activity_id)
    if not policies.may(request.user, "manage_team", activity):
        raise PermissionDenied
    return render(
        request,
        "preparation/partials/_member_row.html",
        {
            "row": {
                "username": "",
                "role": "support",
                "duty": "",
                "depart_at": f"{activity.start_date.isoformat()}T08:00",
                "return_at": f"{activity.end_date.isoformat()}T20:00",
                "errors": {},
            },
            "staff": list(selectors.hq_staff()),
            "roles": MemberRole.choices,
        },
    )


@login_required
@require_POST
def team_publish(request: PageRequest, activity_id: int) -> HttpResponse:
    return run_transition(
        request,
        activity_id,
        lambda: services.support_team_publish(activity_id=activity_id, by=request.user),
        _("Support team published; its members and the market head were told."),
    )


@login_required
@require_POST
def material_add(request: PageRequest, activity_id: int) -> HttpResponse:
    due = request.POST.get("due_date", "")
    try:
        due_date = datetime.fromisoformat(due).date() if due else None
    except ValueError:
        due_date = None
    return run_transition(
        request,
        activity_id,
        lambda: services.material_add(
            activity_id=activity_id,
            by=request.user,
            name=request.POST.get("name", ""),
            quantity=request.POST.get("quantity", ""),
            unit=request.POST.get("unit", ""),
            owner_department=request.POST.get("owner_department", ""),
            due_date=due_date,
        ),
        _("Material listed."),
    )


@login_required
@require_POST
def material_update(request: PageRequest, activity_id: int, material_id: int) -> HttpResponse:
    return run_transition(
        request,
        activity_id,
        lambda: services.material_update(
            activity_id=activity_id,
            material_id=material_id,
            by=request.user,
            status=request.POST.get("status", ""),
            tracking_no=request.POST.get("tracking_no", ""),
        ),
        _("Material updated."),
    )


@login_required
@require_POST
def start_onsite(request: PageRequest, activity_id: int) -> HttpResponse:
    """Moves the activity on site; items not yet received must be acknowledged first."""
    activity = _get_activity(request, activity_id)
    # Who may act comes before the materials reminder, which is for them alone.
    if not policies.may(request.user, "start_onsite", activity):
        raise PermissionDenied(_("The HQ manager or the market head moves the activity on site."))
    pending = selectors.materials_of(activity=activity).exclude(status=MaterialStatus.RECEIVED)
    if pending.exists() and request.POST.get("acknowledge") != "1":
        messages.error(
            request,
            _("Some materials are not yet received: confirm that you go on site without them."),
        )
        return redirect("activities:detail", activity_id=activity.pk)
    return run_transition(
        request,
        activity_id,
        lambda: services.activity_start_onsite(activity_id=activity_id, by=request.user),
        _("The activity is now on site."),
    )


@login_required
@require_GET
def my_assignments(request: PageRequest) -> HttpResponse:
    """A support member's deployments: where, when, duty, team lead, materials."""
    rows = list(
        selectors.assignments_of(user=request.user, since=timezone.now() - timedelta(days=30))
    )
    return render(request, "preparation/assignments.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_GET
def materials_overdue(request: PageRequest) -> HttpResponse:
    """Items past their due date and not shipped, across the activities the user may see."""
    return render(
        request,
        "preparation/overdue.html",
        {
            "materials": list(selectors.materials_overdue_for(user=request.user)[:500]),
        },
    )
