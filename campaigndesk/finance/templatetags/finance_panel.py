"""The activity page's budget panel: where the proposal stands against its market's caps and
budget, finance's sign-off, and the sign-off form for finance."""

from __future__ import annotations

from typing import Any

from django import template

from campaigndesk.activities.models import Activity
from campaigndesk.activities.workflow import Status
from campaigndesk.finance import selectors

register = template.Library()

# From the draft (the market head sees a cap warning before submitting) until HQ decides; once
# decided, the check is done (the sign-off stays in the history) and the page spends no query.
SHOWN = selectors.UNDER_REVIEW | {Status.DRAFT}


@register.inclusion_tag("finance/partials/_activity_budget_body.html", takes_context=True)
def activity_budget_panel(context: template.Context, activity: Activity) -> dict[str, Any]:
    """Reuses the page's budget lines; four queries (budget, caps, counted lines and costs) and
    the sign-offs, however much the market has spent."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if activity.status not in SHOWN or user is None:
        return {"shown": False}
    lines = context.get("budget_lines")
    check = selectors.budget_check(
        activity=activity, lines=list(lines) if lines is not None else None
    )
    under_review = activity.status in selectors.UNDER_REVIEW
    may_sign = False
    if under_review and check.soft and check.signoff is None:
        may_sign = selectors.finance_acting_for(user)[0]
    return {
        "shown": True,
        "activity": activity,
        "check": check,
        "under_review": under_review,
        "may_sign": may_sign,
        "csrf_token": context.get("csrf_token"),
        "request": request,
        "is_hq": user.is_authenticated and selectors.policies.is_hq(user),
    }
