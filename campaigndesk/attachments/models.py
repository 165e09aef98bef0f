"""Evidence attached to an activity: the proposal's files, on-site photos, meeting sign-in
sheets, receipts of the actual costs. The file lives in the default storage under a random
name; the name the person gave is kept only for download."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigndesk.activities.models import Activity, BudgetCategory
from campaigndesk.onsite.models import DailyReport, Meeting, Summary


class AttachmentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal document")
    PHOTO = "photo", _("Photo")
    SIGN_IN = "sign_in", _("Sign-in sheet")
    RECEIPT = "receipt", _("Receipt")
    OTHER = "other", _("Other file")


class Attachment(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    daily_report = models.ForeignKey(
        DailyReport,
        verbose_name=_("daily report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    summary = models.ForeignKey(
        Summary,
        verbose_name=_("summary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    cost_category = models.CharField(
        _("cost category"), max_length=32, choices=BudgetCategory.choices, blank=True
    )
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["activity", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in AttachmentKind]),
                name="attachment_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="receipt") | ~Q(cost_category=""),
                name="receipt_has_cost_category",
            ),
        ]
        indexes = [models.Index(fields=["activity", "kind"], name="attachment_activity_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
