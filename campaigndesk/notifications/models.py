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
    # Finance is told when a proposal reaching HQ passes a cap of its market (财务权).
    BUDGET_CAP = "budget_cap", _("Budget over a cap")


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


class TargetKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk custom robot")
    FEISHU = "feishu", _("Feishu bot")


class NotificationTarget(models.Model):
    """A group chat bot that receives the notifications of one market (or, without a market, of
    every market: HQ's group)."""

    kind = models.CharField(_("kind"), max_length=16, choices=TargetKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    market = models.ForeignKey(
        "org.Market",
        verbose_name=_("market"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_targets",
    )
    notification_kinds = models.JSONField(_("notification kinds"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification target")
        verbose_name_plural = _("notification targets")
        ordering = ["market__code", "id"]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} #{self.pk}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One message to one group bot or one e-mail address, and what became of it."""

    target = models.ForeignKey(
        NotificationTarget,
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("e-mail recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    notification_kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    activity_id = models.BigIntegerField(_("activity"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.IntegerField(_("response code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=False) | Q(recipient__isnull=False),
                name="delivery_has_destination",
            ),
        ]
        indexes = [models.Index(fields=["target", "-created_at"], name="delivery_target")]

    def __str__(self) -> str:
        return f"{self.notification_kind} → {self.target or self.recipient} ({self.status})"


class NotificationSettings(models.Model):
    """A person's choices: the language of their e-mails and which kinds they want e-mailed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    language = models.CharField(
        _("language"), max_length=10, default="zh-hans", choices=settings.LANGUAGES
    )
    email_kinds = models.JSONField(_("kinds to e-mail"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class ReminderSent(models.Model):
    """Each reminder goes out once per subject and day."""

    key = models.CharField(_("key"), max_length=200)
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="reminder_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.key}"
