"""The roles of docs/design.md, as Django groups with named permissions.

The permission sets are stated once, here (ROLE_PERMISSIONS). Data
migrations make the groups hold them by calling ``roles_sync`` at the time
they run (``roles_sync_operation``): a programme that adds a permission adds
it here and ends its migration with that operation. The role test states
DESIGN's table on its own and checks both the groups and this module.
"""

from django.db import migrations, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SSPF_MEMBER = "sspf_member", _("SSPF member")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")
    SAFETY_COORDINATOR = "safety_coordinator", _("Safety coordinator")
    # Police, housing companies, schools in the area work's bodies: they read
    # their districts' plans and report on the measures they own.
    AREA_PARTNER = "area_partner", _("Area work partner")


def role_label(group_name):
    """The role's name in the user's language for a role group; any other
    group keeps its own name."""
    try:
        return Role(group_name).label
    except ValueError:
        return group_name


# Roles that reach persons or case content: granting one is flagged for the
# auditors the moment it happens (an administrator must not quietly make
# themselves, or an accomplice, a social worker).
CASE_ROLES = frozenset({Role.SOCIAL_WORKER, Role.SSPF_MEMBER, Role.UNIT_MANAGER})

# Model-level permissions only; which objects a role reaches is decided by
# the selectors (assignment, unit, SSPF group membership).
ROLE_PERMISSIONS = {
    Role.SOCIAL_WORKER: {
        "accounts.view_district",
        "casework.view_person_file",
        "casework.register_person",
        "casework.view_under15report",
        "casework.register_report",
        "casework.work_report",
        "casework.view_contact",
        "casework.add_contact",
        "casework.view_journalentry",
        "casework.write_journal",
        "avhopp.view_exitcase",
        "avhopp.register_exit_case",
        "avhopp.work_exit_case",
    },
    Role.SSPF_MEMBER: {
        "accounts.view_district",
        "sspf.view_sspfgroup",
        "sspf.view_concernreferral",
        "sspf.raise_referral",
        "sspf.work_referral",
        "sspf.view_sspfmeeting",
        "sspf.hold_meeting",
    },
    Role.UNIT_MANAGER: {
        "accounts.view_district",
        "accounts.view_unit",
        "accounts.assign_unit_cases",
        "accounts.view_outcome_summaries",
        "casework.view_under15report",
        "casework.assign_report",
        "avhopp.view_exitcase",
        "avhopp.assign_exit_case",
        "areas.view_area_work",
        "retention.view_retention_due",
        "retention.place_legal_hold",
        "subject_access.handle_subject_access",
    },
    Role.AUDITOR: {
        "audit.view_accessevent",
        "audit.export_accessevent",
        # The log review queue (audit 0012 grants it, frozen, as 0004 did the others).
        "audit.review_access_log",
    },
    Role.ADMINISTRATOR: {
        "auth.view_group",
        # Sign-in throttles by address (accounts/throttling.py): seen and lifted.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
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
        "areas.add_citydistrict",
        "areas.change_citydistrict",
        "areas.view_citydistrict",
        "areas.add_organisation",
        "areas.change_organisation",
        "areas.view_organisation",
        "areas.add_subarea",
        "areas.change_subarea",
        "areas.view_subarea",
        "areas.add_body",
        "areas.change_body",
        "areas.view_body",
        "areas.add_bodymembership",
        "areas.change_bodymembership",
        "areas.delete_bodymembership",
        "areas.view_bodymembership",
    },
    # Area work: places, never persons (areas/).
    Role.SAFETY_COORDINATOR: {
        "accounts.view_district",
        "areas.view_area_work",
        "areas.manage_area_work",
        "areas.report_on_measures",
    },
    Role.AREA_PARTNER: {
        "areas.view_area_work",
        "areas.report_on_measures",
    },
}


def _permissions(permission_model, dotted_names):
    query = Q(pk__in=[])
    for dotted in dotted_names:
        app_label, codename = dotted.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return permission_model.objects.filter(query)


def roles_sync(apps=None, *, missing_ok=False):
    """Make the role groups hold exactly ROLE_PERMISSIONS.

    With a migration's historical ``apps``, ``missing_ok``: a permission of a
    model that does not exist yet at that point in the migrations is left
    out, for the later migration that adds the model (and syncs again).
    Without: every permission must exist. Tests call it to put the groups
    back after a flush.
    """
    if apps is None:
        from django.apps import apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role.value)
        found = list(_permissions(permission_model, permissions))
        if len(found) != len(permissions) and not missing_ok:
            known = {f"{p.content_type.app_label}.{p.codename}" for p in found}
            missing = sorted(set(permissions) - known)
            raise LookupError(f"{role.value}: no such permission {missing}")
        group.permissions.set(found)


def _roles_sync_in_migration(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations (post_migrate);
    # make them now so that the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync(apps, missing_ok=True)


def roles_sync_operation():
    """The migration operation that gives the groups ROLE_PERMISSIONS as this
    module states them when the migration runs. Going back leaves the groups
    as they are: the migration before it stated the same sets, or fewer that
    a later sync puts right."""
    return migrations.RunPython(_roles_sync_in_migration, migrations.RunPython.noop)
