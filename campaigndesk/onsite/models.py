"""Stage 3, on site: meetings (briefing, training, mobilisation, wrap-up), the briefing's
division of labour, daily reports, and the activity and individual summaries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigndesk.activities.models import Activity
from campaigndesk.core.models import TimeStampedModel
from campaigndesk.org.models import Office


class MeetingKind(models.TextChoices):
    BRIEFING = "briefing", _("Briefing with the office heads")
    TRAINING = "training", _("Training")
    MOBILIZATION = "mobilization", _("Mobilisation meeting")
    WRAP_UP = "wrap_up", _("On-site wrap-up meeting")


class TrainingTopic(models.TextChoices):
    EXECUTION = "execution", _("Activity execution")
    ROLES = "roles", _("On-site job duties")
    CONSUMER_PSYCHOLOGY = "consumer_psychology", _("Consumer psychology")
    SERVICE = "service", _("On-site service")
    RISK_CONTROL = "risk_control", _("Risk control")


class Meeting(TimeStampedModel):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    held_at = models.DateTimeField(_("held at"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendees"),
        related_name="meetings_attended",
        blank=True,
    )
    topics = models.JSONField(_("training topics"), default=list, blank=True)
    schedule = models.JSONField(_("agreed schedule"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["activity", "held_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in MeetingKind]), name="meeting_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_at:%Y-%m-%d}"


class Task(models.Model):
    """A share of the work agreed at the briefing, for an office or a person."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="tasks"
    )
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="tasks"
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    text = models.CharField(_("task"), max_length=500)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["activity", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(office__isnull=False) | Q(assignee__isnull=False),
                name="task_has_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee"], name="task_assignee"),
            models.Index(fields=["office"], name="task_office"),
        ]

    def __str__(self) -> str:
        return self.text


class DailyReport(TimeStampedModel):
    """The day's comprehensive information (活动期间综合信息汇集), one per activity day."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="daily_reports",
    )
    date = models.DateField(_("date"))
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    leads = models.PositiveIntegerField(_("leads"), default=0)
    sales = models.DecimalField(_("sales"), max_digits=14, decimal_places=2, default=0)
    progress = models.TextField(_("progress against the day's plan"), blank=True)
    public_relations = models.TextField(_("public relations"), blank=True)
    competitors = models.TextField(_("competitor moves"), blank=True)
    issues = models.TextField(_("issues"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ["activity", "date"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "date"], name="one_report_per_day"),
            models.CheckConstraint(condition=Q(sales__gte=0), name="report_sales_not_negative"),
        ]
        indexes = [models.Index(fields=["date"], name="report_date")]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.date}"


class SummaryKind(models.TextChoices):
    ACTIVITY = "activity", _("Activity summary")
    INDIVIDUAL = "individual", _("Individual summary")


class Summary(TimeStampedModel):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="summaries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SummaryKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        ordering = ["activity", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity"], condition=Q(kind="activity"), name="one_activity_summary"
            ),
            models.UniqueConstraint(
                fields=["activity", "author"],
                condition=Q(kind="individual"),
                name="one_individual_summary_per_person",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["activity", "individual"]), name="summary_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.author})"
