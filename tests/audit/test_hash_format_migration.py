"""Migration 0006: events written before it are format 1 and still verify; the triggers survive."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.models import GENESIS_HASH, AccessEvent
from audit.services import access_event_record
from tests.audit.test_append_only import refused, triggers

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("audit", "0005_add_administration_actions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def write_event_as_before_the_migration(executor):
    """What audit.services wrote before 0006: no hash_format, the format-1 hash."""
    historical = executor.loader.project_state(BEFORE[0]).apps
    Event = historical.get_model("audit", "AccessEvent")
    Chain = historical.get_model("audit", "AuditChain")
    head = Chain.objects.get(number=0)
    fields = {
        "chain": 0,
        "sequence": head.last_sequence + 1,
        "occurred_at": timezone.now() - datetime.timedelta(days=1),
        "actor_username": "worker",
        "address": "10.1.2.3",
        "action": "view",
        "object_type": "casework.person",
        "object_id": "1",
        "person_ref": uuid.uuid4(),
        "previous_hash": head.last_hash,
    }
    fields["hash"] = AccessEvent(**fields, hash_format=1).compute_hash()
    Event.objects.create(**fields)
    head.last_sequence, head.last_hash = fields["sequence"], fields["hash"]
    head.save()


def test_events_from_before_are_format_1_and_the_chain_goes_on_keyed(table_owner, settings):
    settings.AUDIT_CHAIN_COUNT = 1  # the new event goes on the old one's chain
    try:
        write_event_as_before_the_migration(migrate(BEFORE))
    finally:
        migrate(latest())
    old = AccessEvent.objects.get()
    assert (old.hash_format, old.previous_hash) == (1, GENESIS_HASH)
    new = access_event_record(action="view")
    assert (new.chain, new.sequence, new.hash_format, new.key_version) == (0, 2, 3, 1)
    assert new.previous_hash == old.hash

    out = StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=StringIO())
    assert "chain 0: 2 events" in out.getvalue()


def test_the_triggers_survive_the_migration_both_ways(table_owner, append_only):
    expected = triggers()
    assert len(expected) == 2
    try:
        migrate(BEFORE)
        assert triggers() == expected
    finally:
        migrate(latest())
    assert triggers() == expected
    event = access_event_record(action="view")
    refused(f"DELETE FROM {AccessEvent._meta.db_table} WHERE id = %s", [event.pk])
