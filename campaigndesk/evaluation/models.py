"""Stage 4: the benefit evaluation, the archive, and the lessons sent back to the market."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.core.models import TimeStampedModel


class Evaluation(TimeStampedModel):
    """效益评估: what the activity cost and brought. Finance may enter the actual costs first;
    it is complete (and the activity evaluated) once the HQ manager completes it."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="evaluation"
    )
    sales = models.DecimalField(_("sales"), max_digits=14, decimal_places=2, default=0)
    attendance = models.PositiveIntegerField(_("attendance"), default=0)
    leads = models.PositiveIntegerField(_("leads"), default=0)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(condition=Q(sales__gte=0), name="evaluation_sales_not_negative")
        ]

    def __str__(self) -> str:
        return str(self.activity)


class EvaluationCost(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="costs"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    category = models.CharField(_("category"), max_length=32, choices=BudgetCategory.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    # Finance checked the line against its receipts; a changed amount is unchecked again.
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("actual cost")
        verbose_name_plural = _("actual costs")
        ordering = ["evaluation", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True, verified_by__isnull=True)
                | Q(verified_at__isnull=False, verified_by__isnull=False),
                name="cost_verified_by_and_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.amount}"


class Archive(models.Model):
    """备份存档: the frozen record of the activity as a zip, with its SHA-256."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="archive"
    )
    file = models.FileField(_("file"), upload_to="archives/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("archive")
        verbose_name_plural = _("archives")

    def __str__(self) -> str:
        return f"{self.activity_id} {self.sha256[:12]}"


class Lesson(TimeStampedModel):
    """备档附件: the shared conclusions and shortcomings HQ sends the market."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="lesson"
    )
    text = models.TextField(_("text"))
    items = models.JSONField(_("items"), default=list, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lessons")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return str(self.activity)


class LessonAck(models.Model):
    lesson = models.ForeignKey(
        Lesson, verbose_name=_("lessons"), on_delete=models.CASCADE, related_name="acks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [models.UniqueConstraint(fields=["lesson", "user"], name="ack_once")]

    def __str__(self) -> str:
        return f"{self.lesson_id} {self.user_id}"
