"""Every event names the format its hash is in; old events keep verifying in theirs."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.keys import current_version
from audit.models import HASH_FORMAT, AccessEvent, AuditChain, UnknownHashFormat
from audit.services import access_event_record
from tests.audit.conftest import TABLE, tamper

pytestmark = pytest.mark.django_db


def verify():
    out = StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=StringIO())
    return out.getvalue()


def fixed_event(hash_format, key_version=None):
    """An event with every field set, never saved: its hash depends on nothing else."""
    return AccessEvent(
        chain=3,
        sequence=42,
        occurred_at=datetime.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=datetime.UTC),
        actor_id=7,
        actor_username="åsa-öberg",
        actor_roles="auditor,social_worker",
        actor_unit_id=2,
        subject_user_id=9,
        session_ref="0123456789abcdef",
        address="2001:db8::1",
        action="view",
        object_type="casework.person",
        object_id="17",
        person_ref=uuid.UUID("0b4c8f5e-0000-4000-8000-000000000001"),
        reason="colleague_absent",
        detail="TOTPDevice",
        outcome="allowed",
        flagged=True,
        request_id=uuid.UUID("5f0c1e2d-0000-4000-8000-0000000000aa"),
        previous_hash="ab" * 32,
        hash_format=hash_format,
        key_version=key_version,
    )


def test_format_1_is_the_payload_events_were_hashed_over_before_formats_existed():
    # Computed with the code of before the hash_format column: rows written
    # then are format 1 and must keep this hash.
    assert fixed_event(1).compute_hash() == (
        "c3b97045346e4839fc943ab3d1e0149c49ca36d435cce58d84674588544c08ac"
    )
    assert "hash_format" not in fixed_event(1).hash_payload()


def test_format_2_covers_its_own_number():
    event = fixed_event(2)
    assert event.hash_payload() == {**fixed_event(1).hash_payload(), "hash_format": 2}
    assert event.compute_hash() == (
        "e68ec27f9c6cfb18ceba09f583dba4193267f277fcbb6f0cffc138db6dbfced4"
    )


def test_new_events_are_written_in_the_current_format(worker):
    assert HASH_FORMAT == 3
    event = AccessEvent.objects.get(pk=access_event_record(action="view", actor=worker).pk)
    assert event.hash_format == 3
    assert event.hash_payload()["hash_format"] == "3"
    assert event.key_version == current_version()
    assert event.hash == event.compute_hash()


def test_an_unknown_format_is_refused():
    with pytest.raises(UnknownHashFormat, match="hash format 99 is unknown"):
        fixed_event(99).compute_hash()
    with pytest.raises(UnknownHashFormat):
        fixed_event(99).hash_payload()


def test_the_verifier_refuses_an_event_in_an_unknown_format(append_only, worker):
    event = access_event_record(action="view", actor=worker)
    tamper(f"UPDATE {TABLE} SET hash_format = 99 WHERE id = %s", [event.pk])
    with pytest.raises(CommandError) as error:
        verify()
    assert f"event {event.pk} " in str(error.value)
    assert "hash format 99 is unknown" in str(error.value)


def test_the_verifier_finds_an_event_whose_format_was_changed(append_only, worker):
    event = access_event_record(action="view", actor=worker)
    tamper(f"UPDATE {TABLE} SET hash_format = 1 WHERE id = %s", [event.pk])
    with pytest.raises(CommandError, match="was changed"):
        verify()


def test_the_verifier_finds_an_event_rewritten_in_an_older_format(append_only, worker):
    """A forger who recomputes the last event and its head in an older format is caught.

    It matters once a format is keyed: an older, unkeyed format must not let
    anyone rewrite the events written after it.
    """
    first = access_event_record(action="view", actor=worker)
    last = AccessEvent.objects.get(pk=access_event_record(action="view", actor=worker).pk)
    assert last.chain == first.chain
    last.hash_format, last.object_id = 1, "forged"
    forged_hash = last.compute_hash()
    tamper(
        f"UPDATE {TABLE} SET hash_format = 1, object_id = 'forged', hash = %s WHERE id = %s",
        [forged_hash, last.pk],
    )
    tamper(
        f"UPDATE {AuditChain._meta.db_table} SET last_hash = %s WHERE number = %s",
        [forged_hash, last.chain],
    )
    with pytest.raises(CommandError) as error:
        verify()
    assert f"event {last.pk} " in str(error.value)
    assert "hash format 1 is older than the event before it (3)" in str(error.value)
