"""Admin: a read-only view of budgets, caps and sign-offs. Changes go through the budget page
or the API, so that every one is validated and audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from campaigndesk.finance.models import BudgetCap, FinanceSignoff, MarketBudget


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BudgetCapInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = BudgetCap
    extra = 0
    fields = ["category", "soft", "hard"]


@admin.register(MarketBudget)
class MarketBudgetAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["market", "year", "total", "q1", "q2", "q3", "q4", "updated_by", "updated_at"]
    list_filter = ["year", "market"]
    list_select_related = ["market", "updated_by"]
    inlines = [BudgetCapInline]


@admin.register(FinanceSignoff)
class FinanceSignoffAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["activity", "signed_by", "on_behalf_of", "budget_total", "created_at"]
    list_select_related = ["activity", "signed_by", "on_behalf_of"]
    search_fields = ["activity__title", "reason"]
