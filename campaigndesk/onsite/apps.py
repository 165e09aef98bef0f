from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnsiteConfig(AppConfig):
    name = "campaigndesk.onsite"
    label = "onsite"
    verbose_name = _("On site")
