"""The roles of DOMAIN.md, with their labels. HQ roles see every market."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    HQ_MANAGER = "hq_manager", _("HQ manager")
    REVIEWER = "reviewer", _("Department reviewer")
    SUPPORT_MEMBER = "support_member", _("Support member")
    MARKET_HEAD = "market_head", _("Market head")
    OFFICE_HEAD = "office_head", _("Office head")
    MARKET_STAFF = "market_staff", _("Market staff")


HQ_ROLES = frozenset({Role.ADMIN, Role.HQ_MANAGER, Role.REVIEWER, Role.SUPPORT_MEMBER})
MARKET_ROLES = frozenset({Role.MARKET_HEAD, Role.OFFICE_HEAD, Role.MARKET_STAFF})
