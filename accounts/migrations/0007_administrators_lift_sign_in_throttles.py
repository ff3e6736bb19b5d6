"""Administrators see and lift sign-in throttles (django-axes' attempts);
accounts/roles.py states the sets, this makes the groups hold them."""

from django.db import migrations

from accounts.roles import roles_sync_operation


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_role_permissions_from_the_roles_module"),
        ("axes", "0010_accessattemptexpiration"),
        ("subject_access", "0002_subject_access_roles"),
    ]

    operations = [roles_sync_operation()]
