"""The finance endpoints of the API: market budgets with caps, and finance's sign-off."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema

from campaigndesk.activities.api import READ_ERRORS, WRITE_ERRORS
from campaigndesk.core.errors import NotFound, ValidationFailed
from campaigndesk.core.formatting import local_iso, money
from campaigndesk.core.http import ApiRequest
from campaigndesk.finance import selectors, services
from campaigndesk.finance.models import FinanceSignoff
from campaigndesk.finance.schemas import BudgetIn, BudgetOut, SignoffIn, SignoffOut
from campaigndesk.org.schemas import ErrorOut

router = Router(tags=["finance"])

BUDGET_DESCRIPTION = (
    "Each activity counts in the year (and quarter) of its start date (Asia/Shanghai): its "
    "budget lines as `planned` while submitted, in review, returned or resubmitted; as "
    "`committed` once approved, on site or wrapped up; its evaluation's actual cost lines as "
    "`actual` once evaluated or archived. Drafts, rejected and cancelled activities count "
    "nothing. `remaining` = total − committed − actual; `remaining_after_pending` = remaining − "
    "planned. `by_category` adds up to the top-level figures to the cent. A market with no "
    "budget for the year has `total` and `remaining` null and is not capped."
)


class YearQuery(Schema):
    year: int | None = None


def budget_out(rollup: selectors.Rollup) -> dict[str, Any]:
    budget = rollup.budget
    assert rollup.market is not None
    return {
        "market": rollup.market.code,
        "year": rollup.year,
        "total": money(rollup.total),
        "planned": money(rollup.planned),
        "committed": money(rollup.committed),
        "actual": money(rollup.actual),
        "remaining": money(rollup.remaining),
        "remaining_after_pending": money(rollup.remaining_after_pending),
        "caps": [
            {"category": f.category, "soft": money(f.soft), "hard": money(f.hard)}
            for f in rollup.by_category
            if f.soft is not None or f.hard is not None
        ],
        "quarters": [
            {
                "quarter": index + 1,
                "total": money(q.total),
                "planned": money(q.planned),
                "committed": money(q.committed),
                "actual": money(q.actual),
                "remaining": money(q.remaining),
            }
            for index, q in enumerate(rollup.quarters)
        ]
        if budget is not None and budget.quarters is not None
        else None,
        "by_category": [
            {
                "category": f.category,
                "planned": money(f.planned),
                "committed": money(f.committed),
                "actual": money(f.actual),
            }
            for f in rollup.by_category
        ],
        "activities": [
            {
                "activity_id": c.activity_id,
                "title": c.title,
                "status": c.status,
                "start_date": c.start_date.isoformat(),
                "column": c.column,
                "amount": money(c.amount),
            }
            for c in rollup.counted
        ],
    }


def _year(value: int | None) -> int:
    year = value if value is not None else selectors.current_year()
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise ValidationFailed(
            {"year": f"{services.MIN_YEAR}–{services.MAX_YEAR}"},
        )
    return year


def _rollup(request: ApiRequest, code: str, year: int) -> dict[str, Any]:
    market = selectors.market_for(user=request.auth, code=code)
    if market is None:
        raise NotFound()
    return budget_out(selectors.market_rollup(market=market, year=year))


@router.get(
    "/markets/{code}/budget",
    response={200: BudgetOut, **READ_ERRORS, 422: ErrorOut},
    summary="A market's budget for a year, rolled up from its activities",
    description=BUDGET_DESCRIPTION + " `year` defaults to the current year.",
)
def budget_get(request: ApiRequest, code: str, query: Query[YearQuery]) -> dict[str, Any]:
    return _rollup(request, code, _year(query.year))


@router.put(
    "/markets/{code}/budget",
    response={200: BudgetOut, **WRITE_ERRORS},
    summary="Set a market's budget, quarters and caps for a year [finance reviewer, admin]",
    description="Caps apply to one activity's budget in a category: over `soft` the approval "
    "needs `POST /activities/{id}/finance-signoff`; over `hard` it is refused with "
    "`422 budget_exceeded`. `caps` replaces the year's caps. " + BUDGET_DESCRIPTION,
)
def budget_put(request: ApiRequest, code: str, payload: BudgetIn) -> dict[str, Any]:
    budget = services.market_budget_set(
        market_code=code,
        by=request.auth,
        year=payload.year,
        total=payload.total,
        caps=[c.model_dump() for c in payload.caps],
        quarters=payload.quarters,
    )
    return _rollup(request, code, budget.year)


@router.get(
    "/budgets",
    response={200: list[BudgetOut], **READ_ERRORS, 422: ErrorOut},
    summary="Every market's budget for a year (a market's people: their own market)",
    description=BUDGET_DESCRIPTION,
)
def budgets_list(request: ApiRequest, query: Query[YearQuery]) -> list[dict[str, Any]]:
    year = _year(query.year)
    return [budget_out(r) for r in selectors.markets_overview(user=request.auth, year=year)]


def signoff_out(signoff: FinanceSignoff) -> dict[str, Any]:
    return {
        "id": signoff.pk,
        "activity_id": signoff.activity_id,
        "signed_by": signoff.signed_by.get_username(),
        "on_behalf_of": signoff.on_behalf_of.get_username() if signoff.on_behalf_of else None,
        "reason": signoff.reason,
        "budget_total": money(signoff.budget_total),
        "by_category": signoff.by_category,
        "created_at": local_iso(signoff.created_at),
    }


@router.post(
    "/activities/{activity_id}/finance-signoff",
    response={200: SignoffOut, **WRITE_ERRORS},
    summary="Finance signs off a proposal's budget over a soft cap [finance reviewer]",
    description="While the proposal is with HQ (submitted … resubmitted), with a reason. It "
    "covers the budget as it stands: once the market changes the budget, the approval needs "
    "a new sign-off. A second sign-off of the same budget → `409 duplicate`.",
)
def finance_signoff(request: ApiRequest, activity_id: int, payload: SignoffIn) -> dict[str, Any]:
    signoff = services.finance_signoff_give(
        activity_id=activity_id, by=request.auth, reason=payload.reason
    )
    return signoff_out(signoff)
