"""The five roles of DESIGN.md, as Django groups with named permissions.

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


# Model-level permissions only; which objects a role reaches is decided by
# the selectors (assignment, unit, SSPF group membership).
ROLE_PERMISSIONS = {
    Role.SOCIAL_WORKER: {
        "accounts.view_district",
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
    },
    Role.AUDITOR: set(),
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
