"""The application's database role may read and append to the access log, nothing else.

Run with ``TRYGG_AUDIT_APPLICATION_ROLE=<role>`` on PostgreSQL (CI does): the
role README prescribes, given its rights by ``audit_grant_application_role``
(tests/audit/conftest.py). Without the variable these tests skip, except on
CI, where they fail.
"""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, ProgrammingError, connection, transaction

from audit.models import AccessEvent, AuditChain
from audit.services import access_event_record
from tests.audit.conftest import APPLICATION_ROLE, TABLE, as_table_owner

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CHAINS = AuditChain._meta.db_table


@pytest.fixture(autouse=True)
def _application_role_required():
    if not APPLICATION_ROLE:
        reason = "TRYGG_AUDIT_APPLICATION_ROLE is not set (a PostgreSQL role to run as)"
        if "CI" in os.environ:
            pytest.fail(f"{reason}. CI must run these tests, not skip them.", pytrace=False)
        pytest.skip(reason)


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refused_by_rights(sql, params=()):
    with (
        pytest.raises(ProgrammingError, match=r"permission denied|must be owner"),
        transaction.atomic(),
    ):
        execute(sql, params)


def refused_by_the_trigger(sql, params=()):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        execute(sql, params)


def current_user():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def test_the_tests_here_run_as_the_application_role():
    assert current_user() == APPLICATION_ROLE
    with as_table_owner():
        assert current_user() != APPLICATION_ROLE
    assert current_user() == APPLICATION_ROLE


def test_it_records_events_and_moves_the_chain_head(worker):
    event = access_event_record(action="view", actor=worker, object_type="casework.person")
    assert AccessEvent.objects.get(pk=event.pk).hash == event.hash
    assert AuditChain.objects.get(number=event.chain).last_hash == event.hash
    out = StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=StringIO())
    assert "OK: 1 events" in out.getvalue()


def test_it_may_not_update_delete_or_truncate_the_log(worker):
    event = access_event_record(action="view", actor=worker)
    refused_by_rights(f"UPDATE {TABLE} SET action = 'erase' WHERE id = %s", [event.pk])
    refused_by_rights(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    refused_by_rights(f"TRUNCATE {TABLE}")
    assert AccessEvent.objects.get(pk=event.pk).action == "view"


def test_it_may_not_delete_or_truncate_the_chain_heads(worker):
    access_event_record(action="view", actor=worker)
    count = AuditChain.objects.count()
    refused_by_rights(f"DELETE FROM {CHAINS}")
    refused_by_rights(f"TRUNCATE {CHAINS}")
    assert AuditChain.objects.count() == count


def test_it_may_not_disable_the_triggers():
    refused_by_rights(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
    refused_by_rights(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")


def test_the_maintenance_switch_does_not_let_it_delete(worker):
    event = access_event_record(action="view", actor=worker)
    execute("SET trygg.audit_maintenance = 'on'")
    refused_by_rights(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_granted_too_much_by_mistake_the_maintenance_switch_still_does_not_let_it_through(worker):
    """The trigger function itself checks the role (0007_maintenance_only_for_the_owner)."""
    event = access_event_record(action="view", actor=worker)
    with as_table_owner():
        # Undone with the test's transaction.
        role = connection.ops.quote_name(APPLICATION_ROLE)
        execute(f"GRANT UPDATE, DELETE, TRUNCATE ON {TABLE} TO {role}")
    execute("SET trygg.audit_maintenance = 'on'")
    refused_by_the_trigger(f"UPDATE {TABLE} SET action = 'erase' WHERE id = %s", [event.pk])
    refused_by_the_trigger(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    refused_by_the_trigger(f"TRUNCATE {TABLE}")
    assert AccessEvent.objects.get(pk=event.pk).action == "view"


def test_the_grant_command_refuses_the_owner_itself(table_owner):
    with pytest.raises(CommandError, match="superuser or a member of the owning role"):
        call_command("audit_grant_application_role", current_user(), stdout=StringIO())


def test_the_grant_command_must_be_run_by_the_owner():
    with pytest.raises(CommandError, match="Run this as the owner of the tables"):
        call_command("audit_grant_application_role", APPLICATION_ROLE, stdout=StringIO())


def test_the_grant_command_prints_the_statements_it_runs(table_owner):
    out = StringIO()
    call_command("audit_grant_application_role", "trygg_app", "--print", stdout=out)
    assert f'GRANT SELECT, INSERT ON "{TABLE}" TO "trygg_app";' in out.getvalue()
