from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Access log")

    def ready(self):
        from audit.database import connection_prepare
        from audit.keys import audit_keys_check
        from audit.services import audit_chains_create_after_migrate

        # Missing or malformed AUDIT_KEYS stop the process at start, not at
        # the first event.
        audit_keys_check()
        connection_created.connect(connection_prepare, dispatch_uid="audit.connection_prepare")
        post_migrate.connect(
            audit_chains_create_after_migrate,
            sender=self,
            dispatch_uid="audit.audit_chains_create_after_migrate",
        )
