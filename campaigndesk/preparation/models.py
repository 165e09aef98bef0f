"""Stage 2: the support team (协销组) sent from HQ, and the materials (物料) HQ prepares."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigndesk.activities.models import Activity
from campaigndesk.core.models import TimeStampedModel
from campaigndesk.org.models import Department


class MemberRole(models.TextChoices):
    EXPERT = "expert", _("Expert")
    PLANNER = "planner", _("Planner")
    SUPPORT = "support", _("Sales support")


class SupportTeam(TimeStampedModel):
    """The activity's support team; members are told once it is published."""

    activity = models.OneToOneField(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="support_team"
    )
    name = models.CharField(_("name"), max_length=150)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("support team")
        verbose_name_plural = _("support teams")

    def __str__(self) -> str:
        return self.name

    @property
    def published(self) -> bool:
        return self.published_at is not None


class TeamMember(models.Model):
    """One person of the team: role, duty on site, and the window they are away from HQ."""

    team = models.ForeignKey(
        SupportTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    duty = models.CharField(_("duty on site"), max_length=500)
    depart_at = models.DateTimeField(_("departure"))
    return_at = models.DateTimeField(_("return"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="member_once_per_team"),
            models.CheckConstraint(
                condition=Q(return_at__gt=F("depart_at")), name="member_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in MemberRole]), name="member_role_valid"
            ),
        ]
        indexes = [
            # The conflict query: one person's windows that end after a given departure.
            models.Index(fields=["user", "return_at", "depart_at"], name="member_window"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class MaterialStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PREPARING = "preparing", _("Preparing")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received")


MATERIAL_ORDER = [s.value for s in MaterialStatus]


class Material(TimeStampedModel):
    """An item HQ prepares for the activity; its owning department moves it forward."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField(_("item"), max_length=120)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20)
    owner_department = models.ForeignKey(
        Department,
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="materials",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MaterialStatus.choices,
        default=MaterialStatus.REQUESTED,
    )
    tracking_no = models.CharField(_("tracking number"), max_length=60, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("listed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["activity", "due_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="material_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=MATERIAL_ORDER), name="material_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="material_due"),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}{self.unit}"

    @property
    def overdue(self) -> bool:
        """Past its due date and not yet shipped."""
        return (
            self.status in (MaterialStatus.REQUESTED, MaterialStatus.PREPARING)
            and self.due_date < timezone.localdate()
        )
