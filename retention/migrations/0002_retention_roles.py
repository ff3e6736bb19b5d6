"""The unit managers' retention permissions (accounts/roles.py states the
sets; this only makes the groups hold them)."""

from django.db import migrations

from accounts.roles import roles_sync_operation


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_legal_holds_and_erasures"),
        ("areas", "0002_area_work_roles"),
    ]

    operations = [roles_sync_operation()]
