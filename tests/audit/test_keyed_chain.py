"""A database owner without the audit key cannot forge, rewrite or quietly shorten the log.

Hash format 3 seals each event with HMAC-SHA-256 under AUDIT_KEYS; signed
checkpoints outside the database pin where every chain ended.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import stat
import uuid
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.roles import Role
from audit import verification
from audit.checkpoints import CheckpointInvalid, checkpoint_read
from audit.keys import current_version
from audit.models import (
    AccessEvent,
    AuditChain,
    canonical_address,
    fields_encode,
    hash_fields,
)
from audit.services import access_event_record
from tests.audit.conftest import CHAINS, TABLE, tamper
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def key_text(raw):
    return base64.urlsafe_b64encode(raw).decode()


@pytest.fixture
def one_chain(settings):
    settings.AUDIT_CHAIN_COUNT = 1


@pytest.fixture
def checkpoints(tmp_path, settings):
    directory = tmp_path / "checkpoints"
    directory.mkdir()
    settings.AUDIT_CHECKPOINT_DIR = str(directory)
    return directory


def verify(**options):
    out = StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def checkpoint():
    out = StringIO()
    call_command("audit_checkpoint", stdout=out, stderr=StringIO())
    return out.getvalue()


def record(count, actor):
    return [
        access_event_record(
            action="view", actor=actor, object_type="casework.person", object_id=str(n)
        )
        for n in range(count)
    ]


def sealed_with(key, event):
    """The event's format-3 hash under ``key``: what a forger with their own key computes."""
    return hmac.new(key, fields_encode(hash_fields(event)).encode(), hashlib.sha256).hexdigest()


def test_format_3_is_hmac_sha256_over_the_length_prefixed_fields(settings):
    key = b"k" * 32
    settings.AUDIT_KEYS = f"1:{key_text(key)}"
    event = AccessEvent(
        chain=3,
        sequence=42,
        occurred_at=datetime.datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=datetime.UTC),
        actor_id=7,
        actor_username="åsa",
        actor_roles="auditor",
        actor_unit_id=None,
        subject_user_id=None,
        session_ref="",
        address="2001:db8::1",
        action="view",
        object_type="casework.person",
        object_id="17",
        person_ref=uuid.UUID("0b4c8f5e-0000-4000-8000-000000000001"),
        reason="",
        detail="a:b~c",
        outcome="allowed",
        flagged=True,
        request_id=None,
        previous_hash="ab" * 32,
        hash_format=3,
        key_version=1,
    )
    # Written out by hand: a change in the encoding must fail here.
    message = "\x1f".join(
        [
            "3",
            "42",
            "2026-03-01T12:30:05.123456Z",
            "7",
            "åsa",
            "auditor",
            "\x1e",
            "\x1e",
            "",
            "view",
            "casework.person",
            "17",
            "0b4c8f5e-0000-4000-8000-000000000001",
            "",
            "a:b~c",
            "allowed",
            "1",
            "\x1e",
            "ab" * 32,
            "3",
            "1",
            "2001:0db8:0000:0000:0000:0000:0000:0001",
        ]
    )
    assert event.compute_hash() == hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def test_the_database_renders_the_fields_as_python_does(settings, worker, rf):
    """The verifier's SQL and hash_fields agree, on values that are easy to get wrong
    (on SQLite both are Python's; the test counts on PostgreSQL)."""
    settings.AUDIT_CHAIN_COUNT = 1
    request = rf.get("/", REMOTE_ADDR="2001:db8::7")
    request.user = worker
    awkward = [
        access_event_record(action="view", request=request, detail="line\nbreak ~ ÅÄÖ 😀 \\x1e"),
        access_event_record(action="view", actor=None, object_id="", person_ref=None),
        access_event_record(action="view", actor=worker, person_ref=uuid.uuid4(), flagged=True),
    ]
    rows = [row for batch in verification.event_rows(0, 1, 10**9) for row in batch]
    assert [row[0] for row in rows] == [event.sequence for event in awkward]
    for row, event in zip(rows, awkward, strict=True):
        fields = hash_fields(AccessEvent.objects.get(pk=event.pk))
        assert row[5] == fields_encode(fields[:-1])
        assert canonical_address(row[6]) == fields[-1]
    assert "OK: 3 events" in verify()


@pytest.mark.postgres
def test_an_ipv6_address_verifies_whatever_form_the_database_prints_it_in(one_chain, worker, rf):
    request = rf.get("/", REMOTE_ADDR="::ffff:10.0.0.1")
    request.user = worker
    access_event_record(action="view", request=request)
    request = rf.get("/", REMOTE_ADDR="2001:db8:0:0:0:0:0:1")
    request.user = worker
    access_event_record(action="view", request=request)
    assert "OK: 2 events" in verify()


def test_new_events_are_sealed_under_the_newest_key(settings, worker):
    settings.AUDIT_KEYS = f"1:{key_text(os.urandom(32))},2:{key_text(os.urandom(32))}"
    event = access_event_record(action="view", actor=worker)
    assert (event.hash_format, event.key_version) == (3, 2)
    assert current_version() == 2


def test_rotation_keeps_old_events_verifying_and_needs_the_old_key(settings, one_chain, worker):
    old = f"1:{key_text(os.urandom(32))}"
    settings.AUDIT_KEYS = old
    record(2, worker)
    settings.AUDIT_KEYS = f"{old},2:{key_text(os.urandom(32))}"
    record(2, worker)
    versions = AccessEvent.objects.order_by("sequence").values_list("key_version", flat=True)
    assert list(versions) == [1, 1, 2, 2]
    assert "OK: 4 events" in verify()
    settings.AUDIT_KEYS = "2:" + settings.AUDIT_KEYS.split(",2:")[1]
    with pytest.raises(CommandError, match="Audit key version 1 is needed"):
        verify()


def test_an_event_forged_without_the_key_is_found(append_only, one_chain, worker):
    written = record(3, worker)
    target = AccessEvent.objects.get(pk=written[1].pk)
    target.object_id = "forged"
    # The forger recomputes with a key of their own: they do not hold AUDIT_KEYS.
    tamper(
        f"UPDATE {TABLE} SET object_id = 'forged', hash = %s WHERE id = %s",
        [sealed_with(os.urandom(32), target), target.pk],
    )
    with pytest.raises(CommandError) as error:
        verify()
    assert f"event {target.pk} " in str(error.value)
    assert "sealed without the audit key" in str(error.value)


def test_a_whole_chain_rewritten_without_the_key_is_found(append_only, one_chain, worker):
    """Every event recomputed in order, links and head included, under another key."""
    written = [AccessEvent.objects.get(pk=event.pk) for event in record(4, worker)]
    forger_key = os.urandom(32)
    previous = written[0].previous_hash
    for event in written:
        event.object_id = "rewritten"
        event.previous_hash = previous
        event.hash = sealed_with(forger_key, event)
        previous = event.hash
        tamper(
            f"UPDATE {TABLE} SET object_id = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [event.object_id, event.previous_hash, event.hash, event.pk],
        )
    tamper(f"UPDATE {CHAINS} SET last_hash = %s WHERE number = 0", [previous])
    with pytest.raises(CommandError) as error:
        verify()
    assert f"event {written[0].pk} " in str(error.value)


def test_a_chain_rewritten_in_an_unkeyed_format_is_found_by_the_checkpoint(
    append_only, one_chain, checkpoints, worker
):
    """SHA-256 formats need no key: a whole chain rewritten in format 2 verifies on its
    own, so the checkpoint's recorded hash is what catches it."""
    written = [AccessEvent.objects.get(pk=event.pk) for event in record(3, worker)]
    checkpoint()
    previous = written[0].previous_hash
    for event in written:
        event.hash_format, event.key_version, event.object_id = 2, None, "rewritten"
        event.previous_hash = previous
        event.hash = event.compute_hash()
        previous = event.hash
        tamper(
            f"UPDATE {TABLE} SET hash_format = 2, key_version = NULL, object_id = %s, "
            "previous_hash = %s, hash = %s WHERE id = %s",
            [event.object_id, event.previous_hash, event.hash, event.pk],
        )
    tamper(f"UPDATE {CHAINS} SET last_hash = %s WHERE number = 0", [previous])
    assert "OK: 3 events" in verify(checkpoint=None)  # without it, nothing to compare with
    with pytest.raises(CommandError, match="differs from the one the checkpoint"):
        verify()


def test_a_cut_tail_with_its_head_moved_back_is_found_by_the_checkpoint(
    append_only, one_chain, checkpoints, worker
):
    written = record(5, worker)
    checkpoint()
    kept = written[2]
    tamper(f"DELETE FROM {TABLE} WHERE sequence > %s", [kept.sequence])
    tamper(
        f"UPDATE {CHAINS} SET last_sequence = %s, last_hash = %s WHERE number = 0",
        [kept.sequence, kept.hash],
    )
    # What is left is a valid chain: only the checkpoint knows it was longer.
    assert "OK: 3 events" in verify(checkpoint=None)
    with pytest.raises(CommandError) as error:
        verify()
    assert "recorded sequence 5, the chain now ends at 3" in str(error.value)
    # The next checkpoint refuses to write over the cut.
    with pytest.raises(CommandError, match="the access log was cut"):
        checkpoint()
    assert len(list(checkpoints.iterdir())) == 1


def test_events_after_the_checkpoint_verify(one_chain, checkpoints, worker):
    record(2, worker)
    checkpoint()
    record(2, worker)
    output = verify()
    assert "Checked against the checkpoint of" in output
    assert "OK: 4 events" in output


def test_a_chain_deleted_with_its_head_after_a_checkpoint_is_found(
    append_only, checkpoints, worker
):
    event = record(1, worker)[0]
    checkpoint()
    tamper(f"DELETE FROM {TABLE} WHERE chain = %s", [event.chain])
    tamper(f"DELETE FROM {CHAINS} WHERE number = %s", [event.chain])
    with pytest.raises(CommandError, match=f"chain {event.chain} has no head row"):
        verify()


def test_a_checkpoint_is_signed_read_only_and_names_every_head(checkpoints, worker, settings):
    written = record(3, worker)
    output = checkpoint()
    (path,) = checkpoints.iterdir()
    assert str(path) in output
    assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0
    loaded = checkpoint_read(path)
    heads = dict(AuditChain.objects.values_list("number", "last_sequence"))
    assert {number: head.sequence for number, head in loaded.heads.items()} == heads
    assert loaded.heads[written[-1].chain].hash == written[-1].hash
    assert loaded.key_version == current_version()


def test_a_changed_checkpoint_is_refused(checkpoints, worker):
    record(3, worker)
    checkpoint()
    (path,) = checkpoints.iterdir()
    data = json.loads(path.read_text())
    data["chains"][0]["sequence"] = 0
    path.chmod(0o600)
    path.write_text(json.dumps(data))
    with pytest.raises(CheckpointInvalid, match="signature does not match"):
        checkpoint_read(path)
    with pytest.raises(CommandError, match="The checkpoint is not valid"):
        verify()


def test_a_checkpoint_signed_under_another_key_is_refused(checkpoints, worker, settings):
    record(1, worker)
    checkpoint()
    (path,) = checkpoints.iterdir()
    settings.AUDIT_KEYS = f"1:{key_text(os.urandom(32))}"
    with pytest.raises(CheckpointInvalid, match="signature does not match"):
        checkpoint_read(path)


def test_junk_in_the_checkpoint_directory_is_a_clear_error(checkpoints):
    (checkpoints / "audit-checkpoint-20990101T000000000000Z.json").write_text("{not json")
    with pytest.raises(CommandError, match="cannot be read as a checkpoint"):
        verify()


def test_a_checkpoint_never_overwrites_one(checkpoints, worker, monkeypatch):
    record(1, worker)
    checkpoint()
    frozen = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: frozen)
    checkpoint()
    with pytest.raises(CommandError, match="cannot be written"):
        checkpoint()
    assert len(list(checkpoints.iterdir())) == 2


def test_the_checkpoint_goes_to_the_auditors_by_mail(checkpoints, worker):
    UserFactory(username="auditor-a", email="a@stad.example", role=Role.AUDITOR)
    UserFactory(username="auditor-b", email="b@stad.example", role=Role.AUDITOR)
    UserFactory(username="gone", email="c@stad.example", role=Role.AUDITOR, is_active=False)
    worker.email = "worker@stad.example"
    worker.save()
    record(2, worker)
    checkpoint()
    (message,) = mail.outbox
    assert sorted(message.to) == ["a@stad.example", "b@stad.example"]
    (path,) = checkpoints.iterdir()
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == (path.name, "application/json")
    assert content == path.read_text()
    assert "Kontrollpunkt" in message.subject or "kontrollpunkt" in message.subject


def test_checkpoint_needs_a_directory(settings):
    settings.AUDIT_CHECKPOINT_DIR = ""
    with pytest.raises(CommandError, match="Name a directory"):
        checkpoint()


def test_without_a_checkpoint_the_verifier_says_what_it_cannot_see(settings, worker):
    settings.AUDIT_CHECKPOINT_DIR = ""
    record(1, worker)
    assert "cannot be found" in verify()


def test_the_verifier_streams_without_model_instances(one_chain, worker, monkeypatch):
    record(7, worker)
    monkeypatch.setattr(verification, "BATCH_SIZE", 3)

    def no_instances(*args, **kwargs):
        raise AssertionError("the verifier built a model instance")

    monkeypatch.setattr(AccessEvent, "from_db", classmethod(no_instances))
    output = verify()
    assert "OK: 7 events" in output
    assert "events/s" in output


@pytest.mark.postgres
def test_the_verifier_reads_through_a_server_side_cursor(one_chain, worker, monkeypatch):
    record(2, worker)
    used = []
    original = connection.chunked_cursor

    def chunked_cursor():
        cursor = original()
        used.append(cursor.cursor.name)
        return cursor

    monkeypatch.setattr(connection, "chunked_cursor", chunked_cursor)
    verify()
    assert used and all(used)


def test_the_field_separators_cannot_be_smuggled_into_an_event(one_chain, worker):
    """A value holding the separator could make two different events hash alike."""
    event = access_event_record(
        action="view", actor=worker, object_id="1\x1f2", detail="a\x1eb", object_type="x"
    )
    stored = AccessEvent.objects.get(pk=event.pk)
    assert (stored.object_id, stored.detail) == ("1\ufffd2", "a\ufffdb")
    assert "OK: 1 events" in verify()


# --- Long chains in segments ------------------------------------------------------------


@pytest.fixture
def short_segments(monkeypatch):
    monkeypatch.setattr(verification, "SEGMENT_SIZE", 3)
    monkeypatch.setattr(verification, "BATCH_SIZE", 2)


def test_a_chain_verifies_across_segments(one_chain, short_segments, worker):
    record(10, worker)
    assert "OK: 10 events" in verify()


def test_a_gap_across_a_segment_boundary_is_named(append_only, one_chain, short_segments, worker):
    written = record(10, worker)
    tamper(f"DELETE FROM {TABLE} WHERE sequence BETWEEN 3 AND 5")
    with pytest.raises(CommandError) as error:
        verify()
    assert f"event {written[5].pk} (chain 0, sequence 6): sequence 3 to 5 is missing" in str(
        error.value
    )


def test_a_broken_link_at_a_segment_boundary_is_found(
    append_only, one_chain, short_segments, worker
):
    """The last event of a segment re-sealed in an unkeyed format with other contents:
    its own hash is right, the next segment's first link is not."""
    written = [AccessEvent.objects.get(pk=event.pk) for event in record(6, worker)]
    boundary = written[2]  # sequence 3, the last of the first segment
    boundary.hash_format, boundary.key_version, boundary.object_id = 3, 1, "forged"
    tamper(
        f"UPDATE {TABLE} SET object_id = 'forged', hash = %s WHERE id = %s",
        [boundary.compute_hash(), boundary.pk],
    )
    with pytest.raises(CommandError) as error:
        verify()
    assert f"event {written[3].pk} (chain 0, sequence 4)" in str(error.value)
    assert "previous_hash" in str(error.value)


def test_the_checkpoint_is_checked_in_whichever_segment_holds_it(
    append_only, one_chain, short_segments, checkpoints, worker
):
    written = [AccessEvent.objects.get(pk=event.pk) for event in record(5, worker)]
    checkpoint()
    record(5, worker)
    assert "OK: 10 events" in verify()
    pinned = written[-1]  # sequence 5, in the second segment
    tamper(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", ["0" * 64, pinned.pk])
    with pytest.raises(CommandError) as error:
        verify()
    assert f"event {pinned.pk} " in str(error.value)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_segments_are_verified_side_by_side_on_connections_of_their_own(
    settings, short_segments, monkeypatch
):
    settings.AUDIT_CHAIN_COUNT = 2
    record(20, None)
    threads = set()
    original = verification.segment_verify

    def segment_verify(segment, **kwargs):
        import threading

        threads.add(threading.get_ident())
        return original(segment, **kwargs)

    monkeypatch.setattr(verification, "segment_verify", segment_verify)
    assert "OK: 20 events" in verify(jobs=3)
    assert len(threads) > 1
    chain = AccessEvent.objects.values_list("chain", flat=True).first()
    gone = AccessEvent.objects.get(chain=chain, sequence=7)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [gone.pk])
    with pytest.raises(CommandError, match=f"chain {chain}, sequence 8\\): sequence 7 is missing"):
        verify(jobs=3)


@pytest.mark.parametrize("length", [0, 1, 32, 64, 65, 200])
def test_the_verifiers_hmac_is_the_standard_one(length):
    from audit.keys import Sealer

    key = os.urandom(32)
    message = os.urandom(length)
    expected = hmac.new(key, message, hashlib.sha256).hexdigest()
    assert Sealer(key).hexdigest(message) == expected
    long_key = os.urandom(100)
    assert (
        Sealer(long_key).hexdigest(message)
        == hmac.new(long_key, message, hashlib.sha256).hexdigest()
    )
