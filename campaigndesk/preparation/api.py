"""Stage 2 endpoints: support team, materials, start on site, my assignments."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Router, Status

from campaigndesk.activities.api import READ_ERRORS, WRITE_ERRORS, _reload
from campaigndesk.activities.schemas import ActivityOut
from campaigndesk.activities.selectors import activity_get
from campaigndesk.core.errors import NotFound
from campaigndesk.core.formatting import local_iso
from campaigndesk.core.http import ApiRequest
from campaigndesk.org.schemas import ErrorOut
from campaigndesk.preparation import selectors, services
from campaigndesk.preparation.models import Material, SupportTeam
from campaigndesk.preparation.schemas import (
    AssignmentOut,
    MaterialIn,
    MaterialOut,
    MaterialPatch,
    TeamIn,
    TeamOut,
)

router = Router(tags=["preparation"])


def team_out(team: SupportTeam) -> dict[str, Any]:
    members = list(team.members.all())
    return {
        "name": team.name,
        "lead": team.lead.username,
        "published": team.published,
        "published_at": local_iso(team.published_at),
        "members": [
            {
                "username": m.user.username,
                "display_name": getattr(getattr(m.user, "profile", None), "display_name", "")
                or m.user.username,
                "role": m.role,
                "duty": m.duty,
                "depart_at": local_iso(m.depart_at),
                "return_at": local_iso(m.return_at),
            }
            for m in members
        ],
        "counts": {role: n for role, _label, n in selectors.role_counts(team)},
    }


def material_out(material: Material) -> dict[str, Any]:
    return {
        "id": material.pk,
        "name": material.name,
        "quantity": f"{material.quantity:.2f}",
        "unit": material.unit,
        "owner_department": material.owner_department.code,
        "due_date": material.due_date,
        "status": material.status,
        "tracking_no": material.tracking_no,
        "overdue": material.overdue,
        "shipped_at": local_iso(material.shipped_at),
        "received_at": local_iso(material.received_at),
    }


def _team(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    team = selectors.team_of(activity=activity)
    if team is None:
        raise NotFound()
    return team_out(team)


@router.get(
    "/activities/{activity_id}/support-team",
    response={200: TeamOut, **READ_ERRORS},
    summary="The support team (404 until formed)",
)
def team_get(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    return _team(request, activity_id)


@router.put(
    "/activities/{activity_id}/support-team",
    response={200: TeamOut, **WRITE_ERRORS},
    summary="Form or change the support team [hq_manager]",
    description="409 `schedule_conflict` with `details.conflicts: [{username, activity_id}]` when "
    "a member's window overlaps their window in another activity's published team.",
)
def team_put(request: ApiRequest, activity_id: int, payload: TeamIn) -> dict[str, Any]:
    services.support_team_save(
        activity_id=activity_id,
        by=request.auth,
        name=payload.name,
        lead=payload.lead,
        members=[m.model_dump() for m in payload.members],
    )
    return _team(request, activity_id)


@router.post(
    "/activities/{activity_id}/support-team/publish",
    response={200: TeamOut, **WRITE_ERRORS},
    summary="Publish the team: members and the market head are told [hq_manager]",
)
def team_publish(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    services.support_team_publish(activity_id=activity_id, by=request.auth)
    return _team(request, activity_id)


@router.get(
    "/activities/{activity_id}/materials",
    response={200: list[MaterialOut], **READ_ERRORS},
    summary="The activity's materials",
)
def materials_list(request: ApiRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    return [material_out(m) for m in selectors.materials_of(activity=activity)]


@router.post(
    "/activities/{activity_id}/materials",
    response={201: MaterialOut, **WRITE_ERRORS},
    summary="List an item to prepare [hq_manager, or a member of the owning department]",
)
def materials_create(request: ApiRequest, activity_id: int, payload: MaterialIn) -> Status:
    material = services.material_add(
        activity_id=activity_id,
        by=request.auth,
        name=payload.name,
        quantity=payload.quantity,
        unit=payload.unit,
        owner_department=payload.owner_department,
        due_date=payload.due_date,
    )
    material = selectors.materials_of(activity=material.activity).get(pk=material.pk)
    return Status(201, material_out(material))


@router.patch(
    "/activities/{activity_id}/materials/{material_id}",
    response={200: MaterialOut, **WRITE_ERRORS},
    summary="Move an item forward [owning department or hq_manager; received: also market head]",
    description="409 `invalid_transition` with `details.status` (the item's status) when the "
    "status would not move forward.",
)
def materials_update(
    request: ApiRequest, activity_id: int, material_id: int, payload: MaterialPatch
) -> dict[str, Any]:
    material = services.material_update(
        activity_id=activity_id,
        material_id=material_id,
        by=request.auth,
        status=payload.status,
        tracking_no=payload.tracking_no,
    )
    return material_out(selectors.materials_of(activity=material.activity).get(pk=material.pk))


@router.post(
    "/activities/{activity_id}/start-onsite",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Move the activity on site [hq_manager, market_head]",
    description="422 `incomplete` unless the support team is published.",
)
def start_onsite(request: ApiRequest, activity_id: int) -> Any:
    activity = services.activity_start_onsite(activity_id=activity_id, by=request.auth)
    return _reload(request, activity)


@router.get(
    "/me/assignments",
    response={200: list[AssignmentOut], 401: ErrorOut},
    summary="My support-team assignments, current and coming",
)
def my_assignments(request: ApiRequest) -> list[dict[str, Any]]:
    since = timezone.now()
    return [
        {
            "activity_id": m.team.activity_id,
            "title": m.team.activity.title,
            "market": m.team.activity.market.code,
            "venue": m.team.activity.venue,
            "start_date": m.team.activity.start_date,
            "end_date": m.team.activity.end_date,
            "status": m.team.activity.status,
            "team": m.team.name,
            "team_lead": m.team.lead.username,
            "role": m.role,
            "duty": m.duty,
            "depart_at": local_iso(m.depart_at),
            "return_at": local_iso(m.return_at),
            "materials_total": m.materials_total,  # type: ignore[attr-defined]
            "materials_received": m.materials_received,  # type: ignore[attr-defined]
        }
        for m in selectors.assignments_of(user=request.auth, since=since)
    ]
