"""The auditor reviews the log (accounts/roles.py holds the same).

Frozen, as 0004_auditor_permissions: the access log depends on nothing of
ours, so its migrations name the role group and do not import accounts'
``roles_sync_operation``; a later sync finds the permission in ROLE_PERMISSIONS.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSION = "review_access_log"


def give_permission(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate).
    app_config = apps.get_app_config("audit")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="auditor")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="audit", codename=PERMISSION)
    )


def take_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="auditor"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="audit", codename=PERMISSION)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0011_add_log_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_permission, take_permission)]
