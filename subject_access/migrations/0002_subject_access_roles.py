"""The unit managers' subject-access permission (accounts/roles.py states the
sets; this only makes the groups hold them)."""

from django.db import migrations

from accounts.roles import roles_sync_operation


class Migration(migrations.Migration):
    dependencies = [
        ("subject_access", "0001_subject_access_requests"),
        ("retention", "0002_retention_roles"),
    ]

    operations = [roles_sync_operation()]
