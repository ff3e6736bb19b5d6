"""SSPF members raise concerns, record consent and take the referrals' steps
(accounts/roles.py states the sets; this only makes the groups hold them)."""

from django.db import migrations

from accounts.roles import roles_sync_operation


class Migration(migrations.Migration):
    dependencies = [
        ("sspf", "0002_add_concern_referrals_and_consent"),
        ("accounts", "0006_role_permissions_from_the_roles_module"),
    ]

    operations = [roles_sync_operation()]
