"""The five roles of docs/design.md, as Django groups with named permissions.

Groups are created by data migrations; this module is what code and tests
read. Each later programme adds its permissions in its own migration and
here, so the role test keeps the two in step.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    SSPF_MEMBER = "sspf_member", _("SSPF member")
    UNIT_MANAGER = "unit_manager", _("Unit manager")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


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
    },
    Role.SSPF_MEMBER: {
        "accounts.view_district",
        "sspf.view_sspfgroup",
    },
    Role.UNIT_MANAGER: {
        "accounts.view_district",
        "accounts.view_unit",
        "accounts.assign_unit_cases",
        "accounts.view_outcome_summaries",
        "casework.view_under15report",
        "casework.assign_report",
    },
    Role.AUDITOR: {
        "audit.view_accessevent",
        "audit.export_accessevent",
    },
    Role.ADMINISTRATOR: {
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
    },
}


def roles_sync():
    """Make the role groups hold exactly ROLE_PERMISSIONS.

    Migrations create the groups; this puts them back where something
    removed them (a test database flush) and is what the role test compares
    the migrations against.
    """
    from django.contrib.auth.models import Group, Permission

    for role, permissions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in (dotted.split(".") for dotted in permissions)
            ]
        )
