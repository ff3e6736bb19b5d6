"""The database itself refuses to change or remove access events, or to move a
chain head back or remove it.

These are the triggers, the line that stops the table's owner making a
mistake: they run as the owner also in the run as the application's role
(``table_owner``). What the application's role may not do at all is in
test_application_role.py.
"""

import subprocess
import sys

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AccessEvent, AuditChain
from audit.services import access_event_record
from tests.accounts.test_production_settings import PRODUCTION_ENV, ROOT
from tests.audit.conftest import CHAINS, TABLE

pytestmark = pytest.mark.django_db


def triggers():
    """The names of the triggers on the access log."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [TABLE],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        return sorted(name for (name,) in cursor.fetchall())


def refused(sql, params=()):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_to_update_an_event(table_owner, append_only, worker):
    event = access_event_record(action="view", actor=worker)
    refused(f"UPDATE {TABLE} SET action = 'erase' WHERE id = %s", [event.pk])
    assert AccessEvent.objects.get(pk=event.pk).action == "view"


def test_the_database_refuses_to_delete_an_event(table_owner, append_only, worker):
    event = access_event_record(action="view", actor=worker)
    refused(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    refused(f"DELETE FROM {TABLE}")
    assert AccessEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres  # TRUNCATE is PostgreSQL's; SQLite has none
def test_the_database_refuses_to_truncate_the_log(table_owner, append_only, worker):
    access_event_record(action="view", actor=worker)
    refused(f"TRUNCATE {TABLE}")
    refused(f"TRUNCATE {TABLE} CASCADE")
    assert AccessEvent.objects.count() == 1


def test_every_migration_leaves_the_triggers_in_place():
    # SQLite drops them when a migration rebuilds the table (0003_refuse_changes).
    if connection.vendor == "postgresql":
        assert triggers() == [
            "audit_accessevent_refuse_truncate",
            "audit_accessevent_refuse_update_delete",
        ]
    else:
        assert triggers() == ["audit_accessevent_refuse_delete", "audit_accessevent_refuse_update"]


def test_the_maintenance_switch_is_what_lets_the_test_suite_empty_the_log(table_owner, worker):
    # Without append_only: the test suite's own setting is on, and it connects as the owner.
    event = access_event_record(action="view", actor=worker)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    assert not AccessEvent.objects.filter(pk=event.pk).exists()


def test_the_model_refuses_to_change_or_delete_an_event(worker):
    event = access_event_record(action="view", actor=worker)
    event.action = "erase"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AccessEvent.objects.filter(pk=event.pk).update(action="erase")
    with pytest.raises(TypeError):
        AccessEvent.objects.all().delete()
    assert AccessEvent.objects.get(pk=event.pk).action == "view"


def test_maintenance_cannot_be_allowed_in_production():
    env = {**PRODUCTION_ENV, "AUDIT_ALLOW_MAINTENANCE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "AUDIT_ALLOW_MAINTENANCE is for the test suite only" in result.stderr


# --- The chain heads only move forward --------------------------------------------------


def head_refused(sql, params=()):
    with (
        pytest.raises(IntegrityError, match="only move forward"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_refuses_to_move_a_head_back(table_owner, append_only, worker):
    first = access_event_record(action="view", actor=worker)
    second = access_event_record(action="view", actor=worker)
    assert first.chain == second.chain
    head_refused(
        f"UPDATE {CHAINS} SET last_sequence = %s, last_hash = %s WHERE number = %s",
        [first.sequence, first.hash, first.chain],
    )
    # Not even to the same sequence with another hash.
    head_refused(
        f"UPDATE {CHAINS} SET last_hash = %s WHERE number = %s", [first.hash, first.chain]
    )
    head_refused(f"UPDATE {CHAINS} SET number = 99 WHERE number = %s", [first.chain])
    head = AuditChain.objects.get(number=second.chain)
    assert (head.last_sequence, head.last_hash) == (second.sequence, second.hash)


def test_the_model_cannot_move_a_head_back_either(table_owner, append_only, worker):
    first = access_event_record(action="view", actor=worker)
    access_event_record(action="view", actor=worker)
    head = AuditChain.objects.get(number=first.chain)
    head.last_sequence, head.last_hash = first.sequence, first.hash
    with pytest.raises(IntegrityError), transaction.atomic():
        head.save(update_fields=["last_sequence", "last_hash"])


def test_the_database_refuses_to_delete_a_head(table_owner, append_only, worker):
    event = access_event_record(action="view", actor=worker)
    head_refused(f"DELETE FROM {CHAINS} WHERE number = %s", [event.chain])
    head_refused(f"DELETE FROM {CHAINS}")
    assert AuditChain.objects.filter(number=event.chain).exists()


@pytest.mark.postgres  # TRUNCATE is PostgreSQL's; SQLite has none
def test_the_database_refuses_to_truncate_the_heads(table_owner, append_only, worker):
    access_event_record(action="view", actor=worker)
    count = AuditChain.objects.count()
    head_refused(f"TRUNCATE {CHAINS}")
    head_refused(f"TRUNCATE {CHAINS} CASCADE")
    assert AuditChain.objects.count() == count


def test_heads_still_move_forward(append_only, worker):
    first = access_event_record(action="view", actor=worker)
    second = access_event_record(action="view", actor=worker)
    assert AuditChain.objects.get(number=second.chain).last_sequence == first.sequence + 1


def chain_head_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [CHAINS],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [CHAINS]
            )
        return sorted(name for (name,) in cursor.fetchall())


def test_the_head_triggers_are_in_place():
    if connection.vendor == "postgresql":
        assert chain_head_triggers() == [
            "audit_auditchain_refuse_truncate",
            "audit_auditchain_refuse_update_delete",
        ]
    else:
        assert chain_head_triggers() == [
            "audit_auditchain_refuse_backwards",
            "audit_auditchain_refuse_delete",
        ]
