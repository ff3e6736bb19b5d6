"""Create the five role groups and give each the permissions of DESIGN.md.

The mapping is frozen here (migrations must not import live code); later
programmes add their permissions in migrations of their own.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "social_worker": ["accounts.view_district"],
    "sspf_member": ["accounts.view_district", "sspf.view_sspfgroup"],
    "unit_manager": [
        "accounts.view_district",
        "accounts.view_unit",
        "accounts.assign_unit_cases",
        "accounts.view_outcome_summaries",
    ],
    "auditor": [],
    "administrator": [
        "auth.view_group",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "accounts.reset_second_factor",
        "accounts.add_unit",
        "accounts.change_unit",
        "accounts.view_unit",
        "accounts.add_district",
        "accounts.change_district",
        "accounts.view_district",
        "sspf.add_sspfgroup",
        "sspf.change_sspfgroup",
        "sspf.view_sspfgroup",
        "sspf.add_sspfmembership",
        "sspf.change_sspfmembership",
        "sspf.delete_sspfmembership",
        "sspf.view_sspfmembership",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate);
    # make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sspf", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
