"""The proposal template and the Activity aggregate with its budget lines."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from campaigndesk.activities.workflow import Status
from campaigndesk.core.models import TimeStampedModel
from campaigndesk.org.models import Market

# The fields of the proposal a market head writes, in the order they are checked and diffed.
PROPOSAL_FIELDS = (
    "title",
    "start_date",
    "end_date",
    "venue",
    "sections",
    "budget",
    "targets",
    "staffing",
)


def _localised(zh: str, en: str) -> str:
    return en if en and (get_language() or "").startswith("en") else zh


class ProposalTemplateQuerySet(models.QuerySet["ProposalTemplate"]):
    def current(self) -> ProposalTemplate:
        return self.prefetch_related("sections").get(is_current=True)


class ProposalTemplate(TimeStampedModel):
    """The HQ template (方案模板). Exactly one version is current; proposals keep the version
    they were written on, so a new version never changes what was already written."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    lead_days = models.PositiveSmallIntegerField(
        _("lead time (days)"),
        default=20,
        help_text=_("A proposal must be submitted at least this many days before it starts."),
    )
    is_current = models.BooleanField(_("current"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ProposalTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal template")
        verbose_name_plural = _("proposal templates")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_template"
            )
        ]

    def __str__(self) -> str:
        return str(_("Template v%(version)s") % {"version": self.version})


class TemplateSection(models.Model):
    """A section of the template (方案环节)."""

    template = models.ForeignKey(
        ProposalTemplate,
        verbose_name=_("template"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    key = models.SlugField(_("key"), max_length=40)
    title = models.CharField(_("title"), max_length=80)
    title_en = models.CharField(_("English title"), max_length=80, blank=True)
    help_text = models.TextField(_("help text"), blank=True)
    help_text_en = models.TextField(_("English help text"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("template section")
        verbose_name_plural = _("template sections")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="section_key_unique"),
            # `general` names the whole proposal in review opinions.
            models.CheckConstraint(condition=~Q(key="general"), name="section_key_not_general"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    @property
    def label(self) -> str:
        return _localised(self.title, self.title_en)

    @property
    def help(self) -> str:
        return _localised(self.help_text, self.help_text_en)


class BudgetCategory(models.TextChoices):
    VENUE = "venue", pgettext_lazy("budget category", "Venue")
    PROMOTION = "promotion", _("Advertising and promotion")
    MATERIALS = "materials", _("Materials and gifts")
    TRAVEL = "travel", _("Travel and lodging")
    STAFF = "staff", _("Staff and experts")
    HOSPITALITY = "hospitality", _("Hospitality and public relations")
    OTHER = "other", _("Other")


class Activity(TimeStampedModel):
    """A large promotional event of one market, carried through the four stages."""

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="activities"
    )
    template = models.ForeignKey(
        ProposalTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.DRAFT
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    sections = models.JSONField(_("sections"), default=dict, blank=True)
    target_attendance = models.PositiveIntegerField(_("target attendance"), null=True, blank=True)
    target_leads = models.PositiveIntegerField(_("target leads"), null=True, blank=True)
    target_sales = models.DecimalField(
        _("target sales"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    staffing = models.JSONField(_("staffing"), default=list, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    version = models.PositiveIntegerField(_("version"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    playbook = models.ForeignKey(
        "activities.Playbook",
        verbose_name=_("started from playbook"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    # An HQ manager may let a late proposal in; the reason stays on record.
    lead_time_exception_reason = models.TextField(_("lead-time exception"), blank=True)
    lead_time_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead-time exception granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_time_exception_at = models.DateTimeField(
        _("lead-time exception granted at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["market", "status", "start_date"], name="activity_market_status"),
            models.Index(fields=["status", "start_date"], name="activity_status_start"),
            models.Index(fields=["-start_date", "-id"], name="activity_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="activity_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="activity_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(target_sales__isnull=True) | Q(target_sales__gte=0),
                name="activity_target_sales_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def budget_total(self) -> Decimal:
        """Σ of the budget lines (uses prefetched lines when present)."""
        return sum((line.amount for line in self.budget_lines.all()), Decimal("0.00"))

    @property
    def targets(self) -> dict[str, object]:
        return {
            "attendance": self.target_attendance,
            "leads": self.target_leads,
            "sales": self.target_sales,
        }

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class BudgetLine(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    category = models.CharField(_("category"), max_length=32, choices=BudgetCategory.choices)
    item = models.CharField(_("item"), max_length=120)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["activity", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(category__in=[c.value for c in BudgetCategory]),
                name="budget_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.amount}"


class ActivityVersion(models.Model):
    """A submission, frozen: what the market sent HQ that time (方案版本)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    snapshot = models.JSONField(_("proposal as submitted"))

    class Meta:
        verbose_name = _("proposal version")
        verbose_name_plural = _("proposal versions")
        ordering = ["activity", "version"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "version"], name="version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} v{self.version}"


class Playbook(TimeStampedModel):
    """活动样板: an archived activity with good results that any market may copy."""

    activity = models.OneToOneField(
        Activity,
        verbose_name=_("original activity"),
        on_delete=models.PROTECT,
        related_name="as_playbook",
    )
    title = models.CharField(_("title"), max_length=150)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("playbook")
        verbose_name_plural = _("playbooks")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
