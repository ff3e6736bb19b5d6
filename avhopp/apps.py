from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvhoppConfig(AppConfig):
    name = "avhopp"
    verbose_name = _("Gang exit")
