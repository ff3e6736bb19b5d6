import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.roles import CASE_ROLES, ROLE_PERMISSIONS, Role, roles_sync
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

# docs/design.md, "Users and what each may see", as it stands with the models that exist so far:
# nobody but the administrator manages users and groups; the auditor and
# the administrator get nothing that could lead to case content.
EXPECTED = {
    "social_worker": {
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
    # Raises concerns, records consent, takes the referrals' steps in their groups.
    "sspf_member": {
        "accounts.view_district",
        "sspf.view_sspfgroup",
        "sspf.view_concernreferral",
        "sspf.raise_referral",
        "sspf.work_referral",
        "sspf.view_sspfmeeting",
        "sspf.hold_meeting",
    },
    "unit_manager": {
        "accounts.view_district",
        "accounts.view_unit",
        "accounts.assign_unit_cases",
        "accounts.view_outcome_summaries",
        "casework.view_under15report",
        "casework.assign_report",
        "avhopp.view_exitcase",
        "avhopp.assign_exit_case",
        # Reads the area work of the districts their unit works in.
        "areas.view_area_work",
        # Sees which files of the unit fall due for erasure; places legal holds.
        "retention.view_retention_due",
        "retention.place_legal_hold",
        "subject_access.handle_subject_access",
    },
    "auditor": {
        "audit.view_accessevent",
        "audit.export_accessevent",
        "audit.review_access_log",
    },
    "administrator": {
        "auth.view_group",
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
        # The area work's structure: city districts, organisations, bodies.
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
    # Owns the district's situation picture, plan and follow-up; no case content.
    "safety_coordinator": {
        "accounts.view_district",
        "areas.view_area_work",
        "areas.manage_area_work",
        "areas.report_on_measures",
    },
    # Police, housing company, school in the bodies: reads the plans, reports
    # on the measures they are responsible for; no case content.
    "area_partner": {"areas.view_area_work", "areas.report_on_measures"},
}


def group_permissions(name):
    group = Group.objects.get(name=name)
    return {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in group.permissions.select_related("content_type")
    }


def test_the_migrations_create_exactly_the_roles():
    assert set(Group.objects.values_list("name", flat=True)) == {role.value for role in Role}


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_has_exactly_its_permissions(role):
    assert group_permissions(role) == EXPECTED[role]
    assert {str(p) for p in ROLE_PERMISSIONS[Role(role)]} == EXPECTED[role]


def test_no_role_may_delete_users_or_change_the_roles_themselves():
    for role in Role:
        permissions = group_permissions(role.value)
        assert "accounts.delete_user" not in permissions
        assert not {p for p in permissions if p.startswith("auth.") and p != "auth.view_group"}


@pytest.mark.parametrize(
    ("user_name", "can_use_admin"),
    [
        ("worker", False),
        ("sspf_member", False),
        ("manager", False),
        ("auditor", False),
        ("administrator", True),
    ],
)
def test_only_the_administrator_reaches_the_admin(
    client, all_role_users, user_name, can_use_admin
):
    sign_in(client, all_role_users[user_name])
    response = client.get(reverse("admin:accounts_user_changelist"), follow=True)
    assert response.status_code == (200 if can_use_admin else 403)


def test_the_admin_demands_a_verified_second_factor(client, administrator):
    sign_in(client, administrator, verified=False)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("accounts:verify"))


def test_the_admins_own_login_form_is_not_a_second_door(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("user_name", "sees"),
    [
        ("worker", "worker-heading"),
        ("sspf_member", "sspf-heading"),
        ("manager", "manager-heading"),
        ("auditor", "auditor-heading"),
        ("administrator", "admin-heading"),
    ],
)
def test_each_role_gets_its_own_start_page(client, all_role_users, user_name, sees):
    sign_in(client, all_role_users[user_name])
    content = client.get(reverse("accounts:start")).content.decode()
    headings = {
        "worker-heading",
        "sspf-heading",
        "manager-heading",
        "auditor-heading",
        "admin-heading",
    }
    assert f'id="{sees}"' in content
    for other in headings - {sees}:
        assert f'id="{other}"' not in content


def test_the_manager_sees_the_own_unit_only(client, manager, worker, colleague):
    sign_in(client, manager)
    content = client.get(reverse("accounts:start")).content.decode()
    assert worker.username in content
    assert colleague.username not in content


def test_the_sspf_member_sees_the_own_groups(client, sspf_member):
    sign_in(client, sspf_member)
    content = client.get(reverse("accounts:start")).content.decode()
    assert "SSPF Hjällbo" in content


# --- The sets are stated once: the migration reads them from accounts/roles.py ---------------


SYNC_MIGRATION = ("accounts", "0006_role_permissions_from_the_roles_module")


def _run_sync_migration():
    """Run migration 0006's operation as migrate would, on the models as they
    stand at that migration (not the live registry, which it changes)."""
    module = importlib.import_module(f"accounts.migrations.{SYNC_MIGRATION[1]}")
    (operation,) = module.Migration.operations
    historical = MigrationExecutor(connection).loader.project_state(SYNC_MIGRATION).apps
    operation.code(historical, None)


def test_the_role_migration_reads_the_roles_module_when_it_runs(monkeypatch):
    changed = {role: set(permissions) for role, permissions in ROLE_PERMISSIONS.items()}
    changed[Role.UNIT_MANAGER] -= {"casework.assign_report"}
    changed[Role.AUDITOR] |= {"accounts.view_district"}
    monkeypatch.setattr("accounts.roles.ROLE_PERMISSIONS", changed)
    _run_sync_migration()
    assert "casework.assign_report" not in group_permissions("unit_manager")
    assert group_permissions("auditor") == EXPECTED["auditor"] | {"accounts.view_district"}


def test_a_permission_whose_model_comes_later_waits_for_its_migration(monkeypatch):
    changed = {role: set(permissions) for role, permissions in ROLE_PERMISSIONS.items()}
    changed[Role.SSPF_MEMBER] |= {"sspf.view_sspfmeetingminutes"}
    monkeypatch.setattr("accounts.roles.ROLE_PERMISSIONS", changed)
    # In a migration, before the model exists: the rest is granted.
    _run_sync_migration()
    assert group_permissions("sspf_member") == EXPECTED["sspf_member"]
    # Outside one, a permission that does not exist is an error, not a silent gap.
    with pytest.raises(LookupError, match=r"sspf\.view_sspfmeetingminutes"):
        roles_sync()


@pytest.mark.parametrize("role", [Role.SAFETY_COORDINATOR, Role.AREA_PARTNER])
def test_the_area_roles_reach_no_case_content(role):
    # Places, not people: nothing of persons, cases, SSPF referrals or the log.
    leaks = {
        permission
        for permission in group_permissions(role.value)
        if permission.split(".")[0] in {"casework", "sspf", "avhopp", "audit"}
    }
    assert leaks == set()
    assert role not in CASE_ROLES
