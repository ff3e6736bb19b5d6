from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = _("Users and units")

    def ready(self):
        from accounts import integrity  # noqa: F401 - connects the integrity receiver


class TryggAdminConfig(admin_apps.AdminConfig):
    """Replace the default admin site with one that demands a second factor."""

    default = False
    default_site = "accounts.admin_site.TryggAdminSite"
