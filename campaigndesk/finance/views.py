"""Budget pages: every market's year for HQ, one market's year (its head sees their own), the
form where finance sets the total, quarters and caps, and the sign-off on the activity page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigndesk.activities.models import BudgetCategory
from campaigndesk.activities.views import run_transition
from campaigndesk.core.errors import DomainError, ValidationFailed
from campaigndesk.core.http import PageRequest
from campaigndesk.core.pages import raise_http
from campaigndesk.finance import selectors, services
from campaigndesk.finance.models import BudgetCap, MarketBudget
from campaigndesk.org import policies
from campaigndesk.org.models import Market


def _year(request: PageRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return selectors.current_year()
    return year if services.MIN_YEAR <= year <= services.MAX_YEAR else selectors.current_year()


def _market(request: PageRequest, code: str) -> Market:
    market = selectors.market_for(user=request.user, code=code)
    if market is None:
        raise Http404(_("No such market."))
    return market


def _years(year: int) -> list[int]:
    return [year - 1, year, year + 1]


@login_required
@require_GET
def overview(request: PageRequest) -> HttpResponse:
    """HQ: every market's year side by side. A market's people go to their own market."""
    market_id = policies.market_id_of(request.user)
    if not policies.is_hq(request.user):
        market = Market.objects.filter(pk=market_id).first() if market_id else None
        if market is None:
            raise PermissionDenied(_("Budgets are for HQ and the markets."))
        return redirect(f"{_market_url(market.code)}?year={_year(request)}")
    year = _year(request)
    rollups = selectors.markets_overview(user=request.user, year=year)
    context = {
        "year": year,
        "years": _years(year),
        "rollups": rollups,
        "may_set": selectors.may_set_budget(request.user),
    }
    if request.htmx:
        return render(request, "finance/partials/_overview_table.html", context)
    context["waiting"] = selectors.signoffs_waiting(user=request.user)
    template = "finance/overview.html"
    return render(request, template, context)


def _market_url(code: str) -> str:
    from django.urls import reverse

    return reverse("finance:market", args=[code])


@login_required
@require_GET
def market_budget(request: PageRequest, code: str) -> HttpResponse:
    """One market's year: planned, committed, actual and remaining, by category and quarter,
    with the activities counted in each column."""
    market = _market(request, code)
    year = _year(request)
    rollup = selectors.market_rollup(market=market, year=year)
    context = {
        "market": market,
        "year": year,
        "years": _years(year),
        "rollup": rollup,
        "may_set": selectors.may_set_budget(request.user),
        "is_hq": policies.is_hq(request.user),
    }
    template = "finance/partials/_market_body.html" if request.htmx else "finance/market.html"
    return render(request, template, context)


def _form_rows(budget: MarketBudget | None) -> list[dict[str, Any]]:
    caps = {c.category: c for c in BudgetCap.objects.filter(budget=budget)} if budget else {}
    rows = []
    for value, label in BudgetCategory.choices:
        cap = caps.get(value)
        rows.append(
            {
                "category": value,
                "label": label,
                "soft": "" if cap is None or cap.soft is None else str(cap.soft),
                "hard": "" if cap is None or cap.hard is None else str(cap.hard),
                "errors": {},
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request: PageRequest, code: str) -> HttpResponse:
    """Finance sets the year's total, optional quarters and the caps per category."""
    market = _market(request, code)
    if not selectors.may_set_budget(request.user):
        raise PermissionDenied(_("Only finance sets the markets' budgets."))
    errors: dict[str, str] = {}
    if request.method == "POST":
        year_text = request.POST.get("year", "")
        values: dict[str, Any] = {
            "year": year_text,
            "total": request.POST.get("total", "").strip(),
            "quarters": [request.POST.get(f"q{n}", "").strip() for n in range(1, 5)],
        }
        rows: list[dict[str, Any]] = [
            {
                "category": value,
                "label": label,
                "soft": request.POST.get(f"soft_{value}", "").strip(),
                "hard": request.POST.get(f"hard_{value}", "").strip(),
                "errors": {},
            }
            for value, label in BudgetCategory.choices
        ]
        # Only the categories given a cap are sent; `sent[i]` is the row of the i-th cap.
        sent = [row for row in rows if row["soft"] or row["hard"]]
        try:
            services.market_budget_set(
                market_code=market.code,
                by=request.user,
                year=year_text,
                total=values["total"],
                caps=[
                    {
                        "category": r["category"],
                        "soft": r["soft"] or None,
                        "hard": r["hard"] or None,
                    }
                    for r in sent
                ],
                quarters=values["quarters"],
            )
        except ValidationFailed as error:
            for name, reason in error.fields.items():
                parts = name.split(".")
                if parts[0] == "caps" and len(parts) == 3 and int(parts[1]) < len(sent):
                    sent[int(parts[1])]["errors"][parts[2]] = reason
                elif parts[0] == "quarters" and len(parts) == 2:
                    errors[f"q{int(parts[1]) + 1}"] = reason
                else:
                    errors[name] = reason
        except DomainError as error:
            raise_http(error)
            errors["form"] = str(error.message)
        else:
            messages.success(request, _("Budget saved."))
            return redirect(f"{_market_url(market.code)}?year={year_text}")
    else:
        year = _year(request)
        budget = MarketBudget.objects.filter(market=market, year=year).first()
        quarters = budget.quarters if budget is not None else None
        values = {
            "year": str(year),
            "total": str(budget.total) if budget is not None else "",
            "quarters": [str(q) for q in quarters] if quarters else ["", "", "", ""],
        }
        rows = _form_rows(budget)
    quarter_fields = [
        {"name": f"q{n}", "label": f"Q{n}", "value": values["quarters"][n - 1]} for n in range(1, 5)
    ]
    return render(
        request,
        "finance/budget_form.html",
        {
            "market": market,
            "values": values,
            "quarter_fields": quarter_fields,
            "rows": rows,
            "errors": errors,
        },
    )


@login_required
@require_POST
def signoff(request: PageRequest, activity_id: int) -> HttpResponse:
    return run_transition(
        request,
        activity_id,
        lambda: services.finance_signoff_give(
            activity_id=activity_id, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("Finance signed off the budget."),
    )
