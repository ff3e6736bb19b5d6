"""The auditor reads and exports the access log (accounts/roles.py holds the same)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUDITOR_PERMISSIONS = ["view_accessevent", "export_accessevent"]


def give_permissions(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate);
    # make the audit app's now so the group can hold them.
    app_config = apps.get_app_config("audit")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="auditor")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="audit", codename__in=AUDITOR_PERMISSIONS
        )
    )


def take_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="auditor"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="audit", codename__in=AUDITOR_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_refuse_changes"),
        ("accounts", "0002_create_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_permissions, take_permissions)]
