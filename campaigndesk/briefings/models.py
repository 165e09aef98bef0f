"""简报: HQ's periodic briefing of every market's activities, sent to every market."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaigndesk.core.models import TimeStampedModel
from campaigndesk.org.models import Market


class BriefingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Briefing(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    status = models.CharField(
        _("status"), max_length=16, choices=BriefingStatus.choices, default=BriefingStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compiled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="briefing_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class BriefingMarket(models.Model):
    """One market's part of the briefing: its activities as compiled, and editable prose."""

    briefing = models.ForeignKey(
        Briefing, verbose_name=_("briefing"), on_delete=models.CASCADE, related_name="entries"
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    activities = models.JSONField(_("activities"), default=list, blank=True)
    highlights = models.TextField(_("highlights"), blank=True)
    competitors = models.TextField(_("competitor moves"), blank=True)

    class Meta:
        verbose_name = _("market entry")
        verbose_name_plural = _("market entries")
        ordering = ["briefing", "market__code"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "market"], name="briefing_market_once")
        ]

    def __str__(self) -> str:
        return f"{self.briefing_id} {self.market}"


class BriefingRead(models.Model):
    briefing = models.ForeignKey(
        Briefing, verbose_name=_("briefing"), on_delete=models.CASCADE, related_name="reads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["briefing", "user"], name="briefing_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.briefing_id} {self.user_id}"
