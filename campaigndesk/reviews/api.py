"""Stage 1 review endpoints: meetings, opinions, return."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from campaigndesk.activities.api import READ_ERRORS, WRITE_ERRORS, _reload
from campaigndesk.activities.schemas import ActivityOut
from campaigndesk.activities.selectors import activity_get
from campaigndesk.core.formatting import local_iso
from campaigndesk.core.http import ApiRequest
from campaigndesk.reviews import selectors, services
from campaigndesk.reviews.models import Opinion
from campaigndesk.reviews.schemas import (
    MyReviewOut,
    OpinionIn,
    OpinionOut,
    ReturnIn,
    ReviewOpenIn,
    RoundOut,
)

router = Router(tags=["reviews"])


def opinion_out(opinion: Opinion, *, round_number: int) -> dict[str, Any]:
    return {
        "id": opinion.pk,
        "round": round_number,
        "department": opinion.department.code,
        "given_by": opinion.given_by.get_username(),
        "on_behalf_of": opinion.on_behalf_of.get_username() if opinion.on_behalf_of else None,
        "given_at": local_iso(opinion.given_at),
        "items": [
            {
                "id": item.pk,
                "section": item.section,
                "comment": item.comment,
                "required_change": item.required_change,
                "response": item.response,
            }
            for item in opinion.items.all()
        ],
    }


@router.post(
    "/activities/{activity_id}/review",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Open a review meeting and invite departments [hq_manager]",
)
def review_open(request: ApiRequest, activity_id: int, payload: ReviewOpenIn) -> Any:
    review_round = services.review_open(
        activity_id=activity_id,
        by=request.auth,
        meeting_at=payload.meeting_at,
        departments=payload.departments,
    )
    return _reload(request, review_round.activity)


@router.post(
    "/activities/{activity_id}/opinions",
    response={201: OpinionOut, **WRITE_ERRORS},
    summary="Give the department's opinion, once per round [reviewer of that department]",
)
def opinion_give(request: ApiRequest, activity_id: int, payload: OpinionIn) -> Status:
    data = payload.model_dump()
    opinion = services.opinion_give(
        activity_id=activity_id,
        by=request.auth,
        department=data["department"],
        items=data["items"],
    )
    opinion = (
        Opinion.objects.select_related("department", "given_by", "on_behalf_of", "round")
        .prefetch_related("items")
        .get(pk=opinion.pk)
    )
    return Status(201, opinion_out(opinion, round_number=opinion.round.number))


@router.get(
    "/activities/{activity_id}/opinions",
    response={200: list[OpinionOut], **READ_ERRORS},
    summary="Every round's opinions, oldest round first",
)
def opinions_list(request: ApiRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    return [
        opinion_out(opinion, round_number=review_round.number)
        for review_round in selectors.rounds_for_activity(activity=activity)
        for opinion in review_round.opinions.all()
    ]


@router.get(
    "/activities/{activity_id}/reviews",
    response={200: list[RoundOut], **READ_ERRORS},
    summary="Review meetings: departments invited, given and still owed",
)
def rounds_list(request: ApiRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = activity_get(user=request.auth, activity_id=activity_id)
    rows = []
    for review_round in selectors.rounds_for_activity(activity=activity):
        status = selectors.round_status(review_round)
        rows.append(
            {
                "round": review_round.number,
                "version": review_round.version,
                "meeting_at": local_iso(review_round.meeting_at),
                "opened_by": review_round.opened_by.get_username(),
                "departments": [d.code for d in review_round.departments.all()],
                "given": [o.department.code for o in status.given],
                "owed": [d.code for d in status.owed],
                "summary": review_round.summary,
                "returned_at": local_iso(review_round.returned_at),
            }
        )
    return rows


@router.post(
    "/activities/{activity_id}/return",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Return the consolidated opinions to the market [hq_manager]",
    description="422 `incomplete` while an invited department has given no opinion "
    "(`details.missing`: department codes).",
)
def review_return(request: ApiRequest, activity_id: int, payload: ReturnIn) -> Any:
    review_round = services.review_return(
        activity_id=activity_id, by=request.auth, summary=payload.summary
    )
    return _reload(request, review_round.activity)


@router.get(
    "/reviews/mine",
    response={200: list[MyReviewOut], 401: READ_ERRORS[401]},
    summary="My reviews: meetings my department (or one I act for) is invited to",
)
def my_reviews(request: ApiRequest) -> list[dict[str, Any]]:
    return [
        {
            "activity_id": row.review_round.activity_id,
            "title": row.review_round.activity.title,
            "market": row.review_round.activity.market.code,
            "status": row.review_round.activity.status,
            "round": row.review_round.number,
            "meeting_at": local_iso(row.review_round.meeting_at),
            "department": row.department.code,
            "opinion_id": row.opinion.pk if row.opinion else None,
            "owed": row.owed,
        }
        for row in selectors.reviews_for_reviewer(user=request.auth)
    ]
