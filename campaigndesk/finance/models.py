"""财务权: each market's budget per year (optionally per quarter), caps per category on one
activity's budget, and finance's sign-off on a proposal over a soft cap."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.core.models import TimeStampedModel
from campaigndesk.org.models import Market

QUARTER_FIELDS = ("q1", "q2", "q3", "q4")


class MarketBudget(TimeStampedModel):
    """What HQ gives one market to spend in one year. A market with no row for a year is not
    capped in it. Quarters are all set or all empty; set, they sum to at most the total."""

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name="budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    q1 = models.DecimalField(_("Q1"), max_digits=14, decimal_places=2, null=True, blank=True)
    q2 = models.DecimalField(_("Q2"), max_digits=14, decimal_places=2, null=True, blank=True)
    q3 = models.DecimalField(_("Q3"), max_digits=14, decimal_places=2, null=True, blank=True)
    q4 = models.DecimalField(_("Q4"), max_digits=14, decimal_places=2, null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("market budget")
        verbose_name_plural = _("market budgets")
        ordering = ["-year", "market__code"]
        constraints = [
            models.UniqueConstraint(fields=["market", "year"], name="market_budget_once_a_year"),
            models.CheckConstraint(condition=Q(total__gte=0), name="market_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(q1__isnull=True, q2__isnull=True, q3__isnull=True, q4__isnull=True)
                | Q(
                    q1__isnull=False,
                    q2__isnull=False,
                    q3__isnull=False,
                    q4__isnull=False,
                    q1__gte=0,
                    q2__gte=0,
                    q3__gte=0,
                    q4__gte=0,
                ),
                name="market_budget_quarters_all_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.market_id} {self.year}"

    @property
    def quarters(self) -> list[Decimal] | None:
        values = [self.q1, self.q2, self.q3, self.q4]
        if any(v is None for v in values):
            return None
        return [Decimal(v) for v in values if v is not None]

    def quarter_total(self, quarter: int) -> Decimal | None:
        quarters = self.quarters
        return None if quarters is None else quarters[quarter - 1]


class BudgetCap(models.Model):
    """A cap on one activity's budget in one category: over `soft` the approval needs finance's
    sign-off; over `hard` it is refused. Either may be empty."""

    budget = models.ForeignKey(
        MarketBudget, verbose_name=_("market budget"), on_delete=models.CASCADE, related_name="caps"
    )
    category = models.CharField(_("category"), max_length=32, choices=BudgetCategory.choices)
    soft = models.DecimalField(
        _("soft cap"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    hard = models.DecimalField(
        _("hard cap"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("budget cap")
        verbose_name_plural = _("budget caps")
        ordering = ["budget", "category"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "category"], name="budget_cap_once"),
            models.CheckConstraint(
                condition=(Q(soft__isnull=True) | Q(soft__gte=0))
                & (Q(hard__isnull=True) | Q(hard__gte=0)),
                name="budget_cap_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(soft__isnull=True)
                | Q(hard__isnull=True)
                | Q(soft__lte=models.F("hard")),
                name="budget_cap_soft_under_hard",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.soft}/{self.hard}"


class FinanceSignoff(TimeStampedModel):
    """Finance accepts a proposal over a soft cap, with a reason. It covers the budget as it was
    signed (`fingerprint` of its lines by category): once the market changes the budget, the
    sign-off no longer counts."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="finance_signoffs",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    budget_total = models.DecimalField(_("budget total"), max_digits=14, decimal_places=2)
    by_category = models.JSONField(_("budget by category"), default=dict)
    fingerprint = models.CharField(_("budget fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("finance sign-off")
        verbose_name_plural = _("finance sign-offs")
        ordering = ["activity", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "fingerprint"], name="finance_signoff_once_per_budget"
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.fingerprint[:12]}"
