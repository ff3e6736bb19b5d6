from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Access log")

    def ready(self):
        from audit.database import connection_prepare

        connection_created.connect(connection_prepare, dispatch_uid="audit.connection_prepare")
