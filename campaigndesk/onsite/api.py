"""Stage 3 endpoints: meetings, daily reports, summaries, wrap-up, tasks, competitor feed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from campaigndesk.activities.api import READ_ERRORS, WRITE_ERRORS, _reload
from campaigndesk.activities.schemas import ActivityOut
from campaigndesk.activities.selectors import activity_get, activity_visible
from campaigndesk.core.formatting import local_iso, money
from campaigndesk.core.http import ApiRequest
from campaigndesk.core.readcache import json_response, reuse
from campaigndesk.onsite import selectors, services
from campaigndesk.onsite.models import DailyReport, Meeting, Summary
from campaigndesk.onsite.schemas import (
    ChecklistItemOut,
    CompetitorNoteOut,
    MeetingIn,
    MeetingOut,
    ReportIn,
    ReportList,
    ReportOut,
    ReportPatch,
    SummaryIn,
    SummaryList,
    SummaryOut,
    SummaryPatch,
)
from campaigndesk.org.schemas import ErrorOut

router = Router(tags=["on site"])


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "held_at": local_iso(meeting.held_at),
        "chair": meeting.chair.username if meeting.chair else None,
        "attendees": [u.username for u in meeting.attendees.all()],
        "topics": meeting.topics,
        "notes": meeting.notes,
        "schedule": meeting.schedule,
        "tasks": [
            {
                "id": t.pk,
                "office": t.office.code if t.office else None,
                "username": t.assignee.username if t.assignee else None,
                "task": t.text,
                "due_date": t.due_date,
            }
            for t in meeting.tasks.all()
        ],
    }


def report_out(report: DailyReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "date": report.date,
        "visitors": report.visitors,
        "leads": report.leads,
        "sales": money(report.sales),
        "progress": report.progress,
        "public_relations": report.public_relations,
        "competitors": report.competitors,
        "issues": report.issues,
        "reported_by": report.reported_by.username,
        "updated_at": local_iso(report.updated_at),
    }


def summary_out(summary: Summary) -> dict[str, Any]:
    return {
        "id": summary.pk,
        "kind": summary.kind,
        "author": summary.author.username,
        "strengths": summary.strengths,
        "weaknesses": summary.weaknesses,
        "text": summary.text,
        "updated_at": local_iso(summary.updated_at),
    }


def _meetings(activity_id: int) -> Any:
    return (
        Meeting.objects.filter(activity_id=activity_id)
        .select_related("chair")
        .prefetch_related("attendees", "tasks__office", "tasks__assignee")
        .order_by("held_at", "id")
    )


@router.post(
    "/activities/{activity_id}/meetings",
    response={201: MeetingOut, **WRITE_ERRORS},
    summary="Record a briefing, training, mobilisation or wrap-up meeting "
    "[market_head, hq_manager]",
)
def meetings_create(request: ApiRequest, activity_id: int, payload: MeetingIn) -> Status:
    data = payload.model_dump()
    meeting = services.meeting_record(activity_id=activity_id, by=request.auth, **data)
    return Status(201, meeting_out(_meetings(activity_id).get(pk=meeting.pk)))


@router.get("/activities/{activity_id}/meetings", response={200: list[MeetingOut], **READ_ERRORS})
def meetings_list(request: ApiRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    return [meeting_out(m) for m in _meetings(activity.pk)]


@router.post(
    "/activities/{activity_id}/daily-reports",
    response={201: ReportOut, **WRITE_ERRORS},
    summary="The day's report [market head, office heads, support team]",
    description="A date outside the activity → 422; a second report for a date → 409 "
    "`duplicate` with `details.report_id`.",
)
def reports_create(request: ApiRequest, activity_id: int, payload: ReportIn) -> Status:
    report = services.daily_report_submit(
        activity_id=activity_id, by=request.auth, data=payload.model_dump()
    )
    return Status(201, report_out(report))


@router.get(
    "/activities/{activity_id}/daily-reports",
    response={200: ReportList, **READ_ERRORS},
    summary="Every daily report with running totals",
)
def reports_list(request: ApiRequest, activity_id: int) -> HttpResponse:
    # A visibility check without the activity's budget and template (2 queries fewer), the
    # totals summed from the rows read anyway (as report_totals sums them: 1 query fewer), and
    # the rows rendered without ninja re-validating each against ReportOut (see json_response).
    def reports() -> HttpResponse:
        activity = activity_visible(user=request.auth, activity_id=activity_id)
        items: list[dict[str, Any]] = []
        total_sales = Decimal("0.00")
        for (
            pk,
            day,
            visitors,
            leads,
            sales,
            progress,
            public_relations,
            competitors,
            issues,
            reported_by,
            updated_at,
        ) in selectors.report_rows(activity=activity):
            items.append(
                {
                    "id": pk,
                    "date": day,
                    "visitors": visitors,
                    "leads": leads,
                    "sales": money(sales),
                    "progress": progress,
                    "public_relations": public_relations,
                    "competitors": competitors,
                    "issues": issues,
                    "reported_by": reported_by,
                    "updated_at": local_iso(updated_at),
                }
            )
            total_sales += sales
        return json_response(
            {
                "items": items,
                "totals": {
                    "visitors": sum(r["visitors"] for r in items),
                    "leads": sum(r["leads"] for r in items),
                    "sales": money(total_sales),
                },
            }
        )

    return reuse(request, reports)


@router.patch(
    "/activities/{activity_id}/daily-reports/{int:report_id}",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Correct a day's report",
)
def reports_update(
    request: ApiRequest, activity_id: int, report_id: int, payload: ReportPatch
) -> dict[str, Any]:
    report = services.daily_report_update(
        activity_id=activity_id,
        report_id=report_id,
        by=request.auth,
        data=payload.model_dump(exclude_unset=True),
    )
    return report_out(report)


@router.post(
    "/activities/{activity_id}/summaries",
    response={201: SummaryOut, **WRITE_ERRORS},
    summary="Write the activity summary [market_head] or my individual summary",
)
def summaries_create(request: ApiRequest, activity_id: int, payload: SummaryIn) -> Status:
    summary = services.summary_write(
        activity_id=activity_id, by=request.auth, **payload.model_dump()
    )
    return Status(201, summary_out(summary))


@router.patch(
    "/activities/{activity_id}/summaries/{summary_id}",
    response={200: SummaryOut, **WRITE_ERRORS},
    summary="Edit my summary",
)
def summaries_update(
    request: ApiRequest, activity_id: int, summary_id: int, payload: SummaryPatch
) -> dict[str, Any]:
    return summary_out(
        services.summary_update(
            activity_id=activity_id, summary_id=summary_id, by=request.auth, **payload.model_dump()
        )
    )


@router.get(
    "/activities/{activity_id}/summaries",
    response={200: SummaryList, **READ_ERRORS},
    summary="The activity summary, the individual ones, and who still owes one",
)
def summaries_list(request: ApiRequest, activity_id: int) -> dict[str, Any]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    found = selectors.summaries_of(activity=activity)
    return {
        "activity": summary_out(found.activity) if found.activity else None,
        "individual": [summary_out(s) for s in found.individual],
        "missing": [u.username for u in found.missing],
    }


@router.get(
    "/activities/{activity_id}/wrap-up",
    response={200: list[ChecklistItemOut], **READ_ERRORS},
    summary="The wrap-up checklist",
)
def wrap_up_checklist(request: ApiRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    return [
        {"code": i.code, "label": i.label, "done": i.done}
        for i in selectors.wrap_up_checklist(activity=activity)
    ]


@router.post(
    "/activities/{activity_id}/wrap-up",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Close the on-site stage [market_head]",
    description="422 `incomplete` with `details.missing`: briefing, training.<topic>, "
    "mobilization, daily_report, activity_summary.",
)
def wrap_up(request: ApiRequest, activity_id: int) -> Any:
    activity = services.activity_wrap_up(activity_id=activity_id, by=request.auth)
    return _reload(request, activity)


class FeedQuery(Schema):
    market: str | None = None
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")
    page: int = Field(1, ge=1, le=100_000)


@router.get(
    "/competitors",
    response={200: list[CompetitorNoteOut], 401: ErrorOut, 422: ErrorOut},
    summary="Competitor moves from every daily report I may see, newest first",
)
def competitors(request: ApiRequest, query: Query[FeedQuery]) -> list[dict[str, Any]]:
    qs = selectors.competitor_feed(
        user=request.auth, market=query.market, date_from=query.date_from, date_to=query.date_to
    )
    offset = (query.page - 1) * 50
    return [
        {
            "activity_id": r.activity_id,
            "title": r.activity.title,
            "market": r.activity.market.code,
            "date": r.date,
            "competitors": r.competitors,
        }
        for r in qs[offset : offset + 50]
    ]
