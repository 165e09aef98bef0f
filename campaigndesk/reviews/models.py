"""Stage 1 review: meetings (one per round), the departments' opinions and their items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigndesk.activities.models import Activity
from campaigndesk.org.models import Department


class ReviewRound(models.Model):
    """A review meeting (通报会) of the invited departments on one submission of a proposal."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="review_rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    version = models.PositiveIntegerField(_("version reviewed"))
    meeting_at = models.DateTimeField(_("meeting time"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments invited"), related_name="review_rounds"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    summary = models.TextField(_("consolidated summary"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")
        ordering = ["activity", "number"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "number"], name="round_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity} #{self.number}"


class Opinion(models.Model):
    """One department's review opinion (审核意见) in one round."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="opinions"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
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
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["round", "department__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department"], name="one_opinion_per_department_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.department}"


class OpinionItem(models.Model):
    """One point of an opinion, on a section of the proposal or on the whole (`general`)."""

    opinion = models.ForeignKey(
        Opinion, verbose_name=_("opinion"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    section = models.CharField(_("section"), max_length=40)
    comment = models.TextField(_("comment"))
    required_change = models.BooleanField(_("change required"), default=False)
    response = models.TextField(_("market's response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("opinion item")
        verbose_name_plural = _("opinion items")
        ordering = ["opinion", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(comment=""), name="opinion_item_has_comment")
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.comment[:40]}"
