"""The safety coordinator and the area work partner, and the managers' and
administrators' area-work permissions (accounts/roles.py states the sets;
this only makes the groups hold them)."""

from django.db import migrations

from accounts.roles import roles_sync_operation


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_area_work"),
        ("accounts", "0006_role_permissions_from_the_roles_module"),
        ("sspf", "0005_add_meetings_agenda_and_actions"),
        ("avhopp", "0002_avhopp_role_permissions"),
    ]

    operations = [roles_sync_operation()]
