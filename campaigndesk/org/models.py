"""Markets, offices, departments and people (a profile on Django's user), and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigndesk.core.models import TimeStampedModel
from campaigndesk.org.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Market(TimeStampedModel):
    """A self-operated market in another province (省外市场)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    province = models.CharField(_("province"), max_length=64)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("market head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_markets",
    )

    class Meta:
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Office(TimeStampedModel):
    """A local office of a market (办事处)."""

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.CASCADE, related_name="offices"
    )
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=64)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("office head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_offices",
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["market__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["market", "code"], name="office_code_unique_in_market")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Department(TimeStampedModel):
    """An HQ department (企划, 市场, 货运, 财务, …)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    invited_by_default = models.BooleanField(
        _("invited to review meetings by default"), default=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Profile(TimeStampedModel):
    """What CampaignDesk knows of a person: role, and where they belong."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    display_name = models.CharField(_("display name"), max_length=64)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]), name="profile_role_valid"
            ),
            # A market's people belong to a market; HQ people to none.
            models.CheckConstraint(
                condition=(
                    Q(role__in=["market_head", "office_head", "market_staff"], market__isnull=False)
                    | Q(
                        role__in=["admin", "hq_manager", "reviewer", "support_member"],
                        market__isnull=True,
                        office__isnull=True,
                    )
                ),
                name="profile_market_matches_role",
            ),
            models.CheckConstraint(
                condition=~Q(role="reviewer") | Q(department__isnull=False),
                name="profile_reviewer_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the raw value is shown once, at issue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user: User, days: int) -> tuple[ApiToken, str]:
        raw = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            key_hash=_hash_token(raw),
            prefix=raw[:8],
            expires_at=timezone.now() + timedelta(days=days),
        )
        return token, raw

    @classmethod
    def find(cls, raw: str) -> ApiToken | None:
        return (
            cls.objects.usable()
            .select_related(
                "user__profile__market", "user__profile__office", "user__profile__department"
            )
            .filter(key_hash=_hash_token(raw), user__is_active=True)
            .first()
        )


class Delegation(TimeStampedModel):
    """A reviewer who is away lets a colleague of the same department act for them from
    `start_date` to `end_date` (inclusive, in Asia/Shanghai); `ended_at` ends it early."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegate"),
        on_delete=models.CASCADE,
        related_name="delegations_received",
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="delegation_dates_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.start_date}–{self.end_date})"
