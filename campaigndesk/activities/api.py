"""Activity endpoints (stage 1 drafts, history) and the current template."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Body, Query, Router, Schema, Status
from pydantic import Field

from campaigndesk.activities import selectors, services
from campaigndesk.activities.models import Activity
from campaigndesk.activities.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPage,
    ActivityPatch,
    CancelIn,
    DecisionIn,
    DiffOut,
    HistoryEntryOut,
    ReasonIn,
    ResubmitIn,
    SubmitIn,
    TemplateOut,
    VersionOut,
)
from campaigndesk.activities.workflow import Status as ActivityStatus
from campaigndesk.core.errors import ValidationFailed
from campaigndesk.core.formatting import local_iso, money
from campaigndesk.core.http import ApiRequest
from campaigndesk.core.readcache import json_response, reuse
from campaigndesk.org.schemas import ErrorOut

router = Router(tags=["activities"])

PAGE_SIZE = 20
READ_ERRORS = {401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


def activity_out(activity: Activity) -> dict[str, Any]:
    lines = list(activity.budget_lines.all())
    return {
        "id": activity.pk,
        "title": activity.title,
        "market": activity.market.code,
        "status": activity.status,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "venue": activity.venue,
        "sections": activity.sections,
        "budget": [
            {"category": line.category, "item": line.item, "amount": money(line.amount)}
            for line in lines
        ],
        "budget_total": money(activity.budget_total),
        "targets": {
            "attendance": activity.target_attendance,
            "leads": activity.target_leads,
            "sales": money(activity.target_sales),
        },
        "staffing": activity.staffing,
        "revision": activity.revision,
        "version": activity.version,
        "template_version": activity.template.version,
        "created_by": activity.created_by.get_username(),
        "created_at": local_iso(activity.created_at),
        "updated_at": local_iso(activity.updated_at),
        "submitted_at": local_iso(activity.submitted_at),
        "playbook": activity.playbook_id,
    }


def _reload(request: ApiRequest, activity: Activity) -> dict[str, Any]:
    return activity_out(selectors.activity_get(user=request.auth, activity_id=activity.pk))


@router.get(
    "/templates/current",
    response={200: TemplateOut, **READ_ERRORS},
    tags=["templates"],
    summary="The current HQ proposal template",
)
def template_current(request: ApiRequest) -> dict[str, Any]:
    template = selectors.template_current()
    return {
        "version": template.version,
        "lead_days": template.lead_days,
        "sections": [
            {"key": s.key, "title": s.label, "required": s.required, "help_text": s.help}
            for s in template.sections.all()
        ],
    }


class ActivityFilters(Schema):
    market: str | None = Field(None, description="market code")
    status: str | None = Field(None, description="an activity status")
    page: int = Field(1, ge=1, le=100_000)


@router.get(
    "/activities",
    response={200: ActivityPage, **READ_ERRORS, 422: ErrorOut},
    summary="Activities the caller may see, newest start first, 20 a page",
)
def activities_list(request: ApiRequest, filters: Query[ActivityFilters]) -> HttpResponse:
    if filters.status and filters.status not in ActivityStatus.values:
        raise ValidationFailed({"status": ", ".join(ActivityStatus.values)})

    def page() -> HttpResponse:
        market, status = filters.market or None, filters.status or None
        count = selectors.activities_for_user(
            user=request.auth, market=market, status=status
        ).count()
        offset = (filters.page - 1) * PAGE_SIZE
        return json_response(
            {
                "items": selectors.activity_rows(
                    user=request.auth, offset=offset, limit=PAGE_SIZE, market=market, status=status
                ),
                "count": count,
                "page": filters.page,
                "page_size": PAGE_SIZE,
            }
        )

    return reuse(request, page)


@router.post(
    "/activities",
    response={201: ActivityOut, **WRITE_ERRORS},
    summary="Create a proposal draft [market_head]",
)
def activities_create(request: ApiRequest, payload: ActivityIn) -> Status:
    activity = services.activity_create(by=request.auth, data=payload.model_dump())
    return Status(201, _reload(request, activity))


@router.get("/activities/{activity_id}", response={200: ActivityOut, **READ_ERRORS})
def activities_detail(request: ApiRequest, activity_id: int) -> HttpResponse:
    return reuse(
        request,
        lambda: json_response(selectors.activity_row(user=request.auth, activity_id=activity_id)),
    )


@router.patch(
    "/activities/{activity_id}",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Edit a draft or a proposal under revision [market_head]",
)
def activities_update(request: ApiRequest, activity_id: int, payload: ActivityPatch) -> Any:
    data = payload.model_dump(exclude_unset=True)
    revision = data.pop("revision")
    activity = services.activity_update(
        activity_id=activity_id, by=request.auth, revision=revision, data=data
    )
    return _reload(request, activity)


@router.post(
    "/activities/{activity_id}/cancel",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Call the activity off [market_head, hq_manager]",
)
def activities_cancel(
    request: ApiRequest, activity_id: int, payload: Body[CancelIn | None] = None
) -> Any:
    activity = services.activity_cancel(
        activity_id=activity_id, by=request.auth, reason=payload.reason if payload else ""
    )
    return _reload(request, activity)


@router.get(
    "/activities/{activity_id}/history",
    response={200: list[HistoryEntryOut], **READ_ERRORS},
    summary="Every change of the activity, oldest first",
)
def activities_history(request: ApiRequest, activity_id: int) -> HttpResponse:

    def history() -> HttpResponse:
        activity = selectors.activity_visible(user=request.auth, activity_id=activity_id)
        return json_response(selectors.activity_history_rows(activity=activity))

    return reuse(request, history)


# --- stage 1 transitions owned by the activity ---------------------------------------------------


@router.post(
    "/activities/{activity_id}/submit",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Submit the draft to HQ [market_head]",
    description="422 `validation_error` names missing required sections (`details.missing`); "
    "422 `lead_time_violation` gives `details.lead_days` and `details.days_left`.",
)
def activities_submit(
    request: ApiRequest, activity_id: int, payload: Body[SubmitIn | None] = None
) -> Any:
    activity = services.activity_submit(
        activity_id=activity_id, by=request.auth, revision=payload.revision if payload else None
    )
    return _reload(request, activity)


@router.post(
    "/activities/{activity_id}/lead-time-exception",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Let a late draft be submitted, with a reason [hq_manager]",
)
def activities_lead_time_exception(request: ApiRequest, activity_id: int, payload: ReasonIn) -> Any:
    activity = services.lead_time_exception_grant(
        activity_id=activity_id, by=request.auth, reason=payload.reason
    )
    return _reload(request, activity)


@router.post(
    "/activities/{activity_id}/resubmit",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Resubmit the detailed plan answering the opinions [market_head]",
    description="422 `unanswered_opinions` lists `details.item_ids`; 422 `validation_error` if "
    "`staffing` is empty.",
)
def activities_resubmit(request: ApiRequest, activity_id: int, payload: ResubmitIn) -> Any:
    data = payload.model_dump()
    activity = services.activity_resubmit(
        activity_id=activity_id,
        by=request.auth,
        changes=payload.changes.model_dump(exclude_unset=True),
        staffing=data["staffing"],
        responses=data["responses"],
        revision=data["revision"],
    )
    return _reload(request, activity)


@router.post(
    "/activities/{activity_id}/decision",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Approve or reject the resubmitted plan [hq_manager]",
)
def activities_decision(request: ApiRequest, activity_id: int, payload: DecisionIn) -> Any:
    activity = services.activity_decide(
        activity_id=activity_id, by=request.auth, decision=payload.decision, reason=payload.reason
    )
    return _reload(request, activity)


@router.get(
    "/activities/{activity_id}/versions",
    response={200: list[VersionOut], **READ_ERRORS},
    summary="Every submission, frozen",
)
def activities_versions(request: ApiRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = selectors.activity_get(user=request.auth, activity_id=activity_id)
    return [
        {
            "version": v.version,
            "submitted_at": local_iso(v.submitted_at),
            "submitted_by": v.submitted_by.get_username(),
        }
        for v in selectors.activity_versions(activity=activity)
    ]


class DiffQuery(Schema):
    against: int | None = Field(None, ge=1, description="default: the version before")


@router.get(
    "/activities/{activity_id}/versions/{version}/diff",
    response={200: DiffOut, **READ_ERRORS, 422: ErrorOut},
    summary="What changed from version `against` to this one",
)
def activities_version_diff(
    request: ApiRequest, activity_id: int, version: int, query: Query[DiffQuery]
) -> dict[str, Any]:
    activity = selectors.activity_get(user=request.auth, activity_id=activity_id)
    against = query.against if query.against is not None else version - 1
    return {
        "version": version,
        "against": against,
        "changes": selectors.version_diff(activity=activity, version=version, against=against),
    }
