"""Writes of the money side: finance sets a market's budget and caps, signs off a proposal over
a soft cap; the approval asks `budget_check_for_approval` inside its own transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.activities.workflow import Status
from campaigndesk.core.audit import audit_record
from campaigndesk.core.errors import (
    BudgetExceeded,
    Duplicate,
    Forbidden,
    Incomplete,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from campaigndesk.core.money import clean_amount
from campaigndesk.core.templatetags.campaigndesk import money
from campaigndesk.finance import selectors
from campaigndesk.finance.models import QUARTER_FIELDS, BudgetCap, FinanceSignoff, MarketBudget
from campaigndesk.notifications.models import Kind
from campaigndesk.notifications.services import notify_activity
from campaigndesk.org import policies
from campaigndesk.org.models import Market
from campaigndesk.org.selectors import reviewers_of

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_REASON = 2000


def _clean_budget(
    *, year: Any, total: Any, caps: Any, quarters: Any
) -> tuple[int, Decimal, list[dict[str, Any]], list[Decimal] | None]:
    errors: dict[str, str] = {}
    try:
        clean_year = int(year)
    except (TypeError, ValueError):
        clean_year = 0
    if not MIN_YEAR <= clean_year <= MAX_YEAR:
        errors["year"] = _("Enter a year between %(low)s and %(high)s.") % {
            "low": MIN_YEAR,
            "high": MAX_YEAR,
        }
    clean_total = clean_amount(total, name="total", errors=errors)
    clean_caps: list[dict[str, Any]] = []
    seen: set[str] = set()
    if not isinstance(caps, list):
        errors["caps"] = _("Give a list of caps.")
        caps = []
    if len(caps) > len(BudgetCategory.values):
        errors["caps"] = _("At most one cap per category.")
    for index, cap in enumerate(caps):
        cap = cap if isinstance(cap, dict) else {}
        category = str(cap.get("category") or "")
        prefix = f"caps.{index}"
        if category not in BudgetCategory.values:
            errors[f"{prefix}.category"] = _("Choose a category.")
        elif category in seen:
            errors[f"{prefix}.category"] = _("This category already has a cap.")
        seen.add(category)
        soft = clean_amount(cap.get("soft"), name=f"{prefix}.soft", errors=errors, required=False)
        hard = clean_amount(cap.get("hard"), name=f"{prefix}.hard", errors=errors, required=False)
        if soft is not None and hard is not None and soft > hard:
            errors[f"{prefix}.soft"] = _("The soft cap must not be above the hard cap.")
        if soft is None and hard is None and f"{prefix}.soft" not in errors:
            errors.setdefault(f"{prefix}.hard", _("Give a soft cap, a hard cap, or both."))
        clean_caps.append({"category": category, "soft": soft, "hard": hard})
    clean_quarters: list[Decimal] | None = None
    if quarters is not None:
        if not isinstance(quarters, list) or len(quarters) != 4:
            errors["quarters"] = _("Give four quarterly amounts, or none.")
        elif all(q is None or (isinstance(q, str) and not q.strip()) for q in quarters):
            clean_quarters = None  # a form with the four fields left empty
        else:
            parsed = [
                clean_amount(q, name=f"quarters.{index}", errors=errors)
                for index, q in enumerate(quarters)
            ]
            if all(q is not None for q in parsed):
                clean_quarters = [q for q in parsed if q is not None]
                quarters_sum = sum(clean_quarters, Decimal("0.00"))
                if clean_total is not None and quarters_sum > clean_total:
                    errors["quarters"] = _(
                        "The quarters add up to %(sum)s, more than the year's total %(total)s."
                    ) % {"sum": money(quarters_sum), "total": money(clean_total)}
    if errors or clean_total is None:
        raise ValidationFailed(errors)
    return clean_year, clean_total, clean_caps, clean_quarters


def _snapshot(budget: MarketBudget | None, caps: list[BudgetCap]) -> dict[str, Any]:
    if budget is None:
        return {}
    return {
        "total": str(budget.total),
        "quarters": [str(q) for q in budget.quarters] if budget.quarters else None,
        "caps": {
            c.category: [
                None if c.soft is None else str(c.soft),
                None if c.hard is None else str(c.hard),
            ]
            for c in caps
        },
    }


@transaction.atomic
def market_budget_set(
    *,
    market_code: str,
    by: User,
    year: Any,
    total: Any,
    caps: Any,
    quarters: Any = None,
) -> MarketBudget:
    """Finance (a reviewer of the finance department) or the admin sets a market's budget for a
    year — the total, optionally four quarterly amounts adding up to at most the total, and the
    caps per category on one activity's budget (replaced as a whole)."""
    if not selectors.may_set_budget(by):
        raise Forbidden(_("Only finance sets the markets' budgets."))
    market = Market.objects.filter(code=market_code).first()
    if market is None:
        raise NotFound(_("No such market."))
    clean_year, clean_total, clean_caps, clean_quarters = _clean_budget(
        year=year, total=total, caps=caps, quarters=quarters
    )
    budget = MarketBudget.objects.select_for_update().filter(market=market, year=clean_year).first()
    before = _snapshot(budget, list(budget.caps.all()) if budget is not None else [])
    if budget is None:
        try:
            with transaction.atomic():
                budget = MarketBudget.objects.create(
                    market=market, year=clean_year, total=clean_total, updated_by=by
                )
        except IntegrityError:  # finance saved the same year a moment earlier
            budget = MarketBudget.objects.select_for_update().get(market=market, year=clean_year)
    budget.total = clean_total
    budget.updated_by = by
    for index, name in enumerate(QUARTER_FIELDS):
        setattr(budget, name, clean_quarters[index] if clean_quarters else None)
    budget.save()
    BudgetCap.objects.filter(budget=budget).delete()
    caps_made = BudgetCap.objects.bulk_create(BudgetCap(budget=budget, **cap) for cap in clean_caps)
    after = _snapshot(budget, caps_made)
    audit_record(
        actor=by,
        action="budget_set",
        obj=budget,
        note=_("%(market)s %(year)s: total %(total)s, %(caps)s caps")
        % {
            "market": market.name,
            "year": clean_year,
            "total": money(clean_total),
            "caps": len(caps_made),
        },
        changes={"before": before, "after": after},
    )
    return budget


def _lock_activity(*, activity_id: int, by: User) -> Activity:
    activity = Activity.objects.select_for_update().filter(pk=activity_id).first()
    if activity is None or not policies.may_see_activity(by, activity):
        raise NotFound(_("No such activity."))
    return activity


@transaction.atomic
def finance_signoff_give(*, activity_id: int, by: User, reason: str) -> FinanceSignoff:
    """A finance reviewer (or their delegate, on their behalf) accepts the proposal's budget as
    it stands, with a reason, while the proposal is with HQ (submitted, not yet decided). The
    sign-off covers that budget only: once the market changes it, a new one is needed."""
    activity = _lock_activity(activity_id=activity_id, by=by)
    may, on_behalf_of = selectors.finance_acting_for(by)
    if not may:
        raise Forbidden(_("Only a finance reviewer can sign off a proposal's budget."))
    if activity.status not in selectors.UNDER_REVIEW:
        raise InvalidTransition(
            _("Finance signs off while the proposal is with HQ; it is “%(status)s”.")
            % {"status": Status(activity.status).label},
            details={"status": activity.status},
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("A sign-off needs a reason.")})
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": _("At most %(n)s characters.") % {"n": MAX_REASON}})
    amounts = selectors.amounts_by_category(list(activity.budget_lines.all()))
    fingerprint = selectors.budget_fingerprint(amounts)
    if FinanceSignoff.objects.filter(activity=activity, fingerprint=fingerprint).exists():
        raise Duplicate(_("Finance has already signed off this budget."))
    signoff = FinanceSignoff.objects.create(
        activity=activity,
        signed_by=by,
        on_behalf_of=on_behalf_of,
        reason=reason,
        budget_total=sum(amounts.values(), selectors.ZERO),
        by_category={k: str(v) for k, v in amounts.items()},
        fingerprint=fingerprint,
    )
    audit_record(
        actor=by,
        on_behalf_of=on_behalf_of,
        action="finance_signoff",
        obj=signoff,
        activity_id=activity.pk,
        from_status=activity.status,
        to_status=activity.status,
        note=_("Budget %(total)s signed off: %(reason)s")
        % {"total": money(signoff.budget_total), "reason": reason},
        changes={"by_category": signoff.by_category},
    )
    return signoff


def budget_check_for_approval(*, activity: Activity) -> selectors.BudgetCheck:
    """Called by the approval inside its transaction, with the activity locked: a hard cap or
    the remaining budget (the year's, and the quarter's when quarters are set) passed →
    `BudgetExceeded`; a soft cap passed without finance's sign-off of this very budget →
    `Incomplete`. Exactly at a cap or at the remaining budget passes. The market's budget row
    is locked first, so two approvals in one market and year cannot both spend what is left."""
    check = selectors.budget_check(activity=activity, lock=True)
    if check.hard:
        breach = check.hard[0]
        raise BudgetExceeded(
            _(
                "%(category)s: %(amount)s is over the hard cap of %(cap)s by %(excess)s; "
                "the proposal cannot be approved."
            )
            % {
                "category": breach.label,
                "amount": money(breach.amount),
                "cap": money(breach.cap),
                "excess": money(breach.excess),
            },
            details={**breach.as_details(), "breaches": [b.as_details() for b in check.hard]},
        )
    if check.over_budget:
        over = max(check.over_budget, key=lambda b: b.excess)
        where = (
            _("Q%(quarter)s %(year)s") % {"quarter": over.quarter, "year": over.year}
            if over.quarter
            else str(over.year)
        )
        raise BudgetExceeded(
            _(
                "The proposal's budget %(amount)s is over what remains of the market's budget "
                "for %(period)s (%(remaining)s) by %(excess)s."
            )
            % {
                "amount": money(over.amount),
                "period": where,
                "remaining": money(over.remaining),
                "excess": money(over.excess),
            },
            details={
                **over.as_details(),
                "breaches": [b.as_details() for b in check.over_budget],
            },
        )
    if check.soft and check.signoff is None:
        raise Incomplete(
            _(
                "The budget is over a soft cap (%(categories)s): finance must sign it off "
                "before approval."
            )
            % {"categories": "、".join(b.label for b in check.soft)},
            details={
                "missing": ["finance_signoff"],
                "caps": [b.as_details() for b in check.soft],
            },
        )
    return check


def finance_alert_over_cap(*, activity: Activity) -> None:
    """Called when a proposal reaches HQ (submitted or resubmitted): if its budget passes a cap
    or the market's remaining budget and no sign-off covers it, finance (and whoever acts for a
    finance reviewer today) is told, so the sign-off is not discovered only at approval."""
    check = selectors.budget_check(activity=activity)
    if check.state not in ("soft", "blocked"):
        return
    department = selectors.finance_department()
    if department is None:
        return
    notify_activity(
        activity=activity,
        recipients=reviewers_of(department_ids=[department.pk], on=timezone.localdate()),
        kind=Kind.BUDGET_CAP,
    )
