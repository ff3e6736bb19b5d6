"""Social workers register and work exit cases; unit managers assign them
(accounts/roles.py states the sets; this only makes the groups hold them)."""

from django.db import migrations

from accounts.roles import roles_sync_operation


class Migration(migrations.Migration):
    dependencies = [
        ("avhopp", "0001_initial"),
        ("accounts", "0006_role_permissions_from_the_roles_module"),
    ]

    operations = [roles_sync_operation()]
