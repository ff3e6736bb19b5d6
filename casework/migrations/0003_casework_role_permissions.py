"""Social workers work persons, under-15 reports and the journal; managers see
and assign their unit's reports (accounts/roles.py holds the same)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "social_worker": [
        "view_person_file",
        "register_person",
        "view_under15report",
        "register_report",
        "work_report",
        "view_contact",
        "add_contact",
        "view_journalentry",
        "write_journal",
    ],
    "unit_manager": ["view_under15report", "assign_report"],
}


def give_permissions(apps, schema_editor):
    app_config = apps.get_app_config("casework")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="casework", codename__in=codenames)
        )


def take_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="casework", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_add_under15_reports_contacts_journal"),
        ("accounts", "0002_create_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(give_permissions, take_permissions)]
