"""The in-app inbox: one row per person told about something they must act on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    DECISION = "decision", _("Decision")
    TEAM_PUBLISHED = "team_published", _("Support team published")
    MATERIAL_OVERDUE = "material_overdue", _("Material overdue")
    LESSONS_SENT = "lessons_sent", _("Lessons sent")
    BRIEFING_PUBLISHED = "briefing_published", _("Briefing published")
    REMINDER = "reminder", _("Reminder")
    # Additions to the contract's list: HQ is told when a proposal arrives or comes back.
    SUBMITTED = "submitted", _("Proposal submitted")
    RESUBMITTED = "resubmitted", _("Proposal resubmitted")
    LEAD_TIME_EXCEPTION = "lead_time_exception", _("Lead-time exception granted")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    activity_id = models.BigIntegerField(_("activity"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="inbox_order"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="inbox_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """What happened, in the reader's language: the kind, then what it is about."""
        return _("%(kind)s: %(subject)s") % {
            "kind": self.get_kind_display(),
            "subject": self.subject,
        }

    @property
    def read(self) -> bool:
        return self.read_at is not None
