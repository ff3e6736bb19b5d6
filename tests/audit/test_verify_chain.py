import itertools
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from audit.models import AccessEvent, AuditChain
from audit.services import access_event_record, audit_chains_create
from tests.audit.conftest import TABLE, tamper

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_chain(settings):
    """Every event on chain 0, so a test can count on neighbours on one chain."""
    settings.AUDIT_CHAIN_COUNT = 1


def verify():
    out, err = StringIO(), StringIO()
    call_command("verify_audit_chain", stdout=out, stderr=err)
    return out.getvalue()


def events(count, actor=None):
    return [
        access_event_record(
            action="view", actor=actor, object_type="casework.person", object_id=str(n)
        )
        for n in range(count)
    ]


def test_the_chain_verifies_after_many_events(worker):
    events(150, actor=worker)
    output = verify()
    assert "OK: 150 events" in output


def test_each_event_seals_the_one_before_it_on_its_chain(worker):
    written = events(5, actor=worker)
    by_chain = {}
    for event in written:
        by_chain.setdefault(event.chain, []).append(event)
    for chain_events in by_chain.values():
        for before, after in itertools.pairwise(chain_events):
            assert after.previous_hash == before.hash
            assert after.sequence == before.sequence + 1
        head = AuditChain.objects.get(number=chain_events[-1].chain)
        assert (head.last_sequence, head.last_hash) == (
            chain_events[-1].sequence,
            chain_events[-1].hash,
        )


def test_it_names_an_event_changed_behind_the_triggers_back(append_only, worker):
    written = events(5, actor=worker)
    target = written[2]
    tamper(f"UPDATE {TABLE} SET action = 'search' WHERE id = %s", [target.pk])
    with pytest.raises(CommandError) as error:
        verify()
    message = str(error.value)
    assert f"event {target.pk} (chain {target.chain}, sequence {target.sequence})" in message
    assert "was changed" in message


def test_it_names_an_event_whose_hash_was_recomputed_but_not_its_successors(
    append_only, one_chain, worker
):
    written = events(4, actor=worker)
    target, after = written[1], written[2]
    assert after.chain == target.chain == 0
    changed = AccessEvent.objects.get(pk=target.pk)
    changed.object_id = "forged"
    tamper(
        f"UPDATE {TABLE} SET object_id = 'forged', hash = %s WHERE id = %s",
        [changed.compute_hash(), target.pk],
    )
    with pytest.raises(CommandError) as error:
        verify()
    assert f"event {after.pk} " in str(error.value)
    assert "previous_hash" in str(error.value)


def test_it_finds_a_deleted_event_in_the_middle(append_only, one_chain, worker):
    written = events(5, actor=worker)
    assert {event.chain for event in written} == {0}
    gone, next_one = written[1], written[2]
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [gone.pk])
    with pytest.raises(CommandError) as error:
        verify()
    message = str(error.value)
    assert f"event {next_one.pk} (chain {next_one.chain}, sequence {next_one.sequence})" in message
    assert f"sequence {gone.sequence} is missing" in message


def test_it_finds_a_deleted_last_event_by_the_chain_head(append_only, worker):
    written = events(3, actor=worker)
    last = written[-1]
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])
    with pytest.raises(CommandError) as error:
        verify()
    assert f"chain {last.chain}: the head names sequence {last.sequence}" in str(error.value)


def test_it_finds_a_head_moved_back_past_the_triggers(append_only, worker):
    written = events(3, actor=worker)
    assert len({event.chain for event in written}) == 1  # one writer keeps to its chain
    tamper(
        f"UPDATE {AuditChain._meta.db_table} SET last_sequence = %s, last_hash = %s "
        "WHERE number = %s",
        [written[-2].sequence, written[-2].hash, written[-1].chain],
    )
    with pytest.raises(CommandError) as error:
        verify()
    assert "the head was moved back" in str(error.value)


def test_it_finds_a_chain_deleted_together_with_its_head(append_only, worker):
    written = events(3, actor=worker)
    chain = written[0].chain
    assert {event.chain for event in written} == {chain}
    assert "OK: 3 events" in verify()
    tamper(f"DELETE FROM {TABLE} WHERE chain = %s", [chain])
    tamper(f"DELETE FROM {AuditChain._meta.db_table} WHERE number = %s", [chain])
    with pytest.raises(CommandError) as error:
        verify()
    assert f"chain {chain} has no head row" in str(error.value)


def test_it_finds_a_missing_head_of_a_chain_without_events(settings):
    last = settings.AUDIT_CHAIN_COUNT - 1
    assert AuditChain.objects.filter(number=last).exists()
    tamper(f"DELETE FROM {AuditChain._meta.db_table} WHERE number = %s", [last])
    with pytest.raises(CommandError) as error:
        verify()
    assert f"chain {last} has no head row" in str(error.value)


def test_it_finds_a_missing_chain_below_the_highest_after_the_count_was_lowered(settings):
    settings.AUDIT_CHAIN_COUNT = 8
    audit_chains_create()
    settings.AUDIT_CHAIN_COUNT = 2
    assert "in 8 chains verified" in verify()  # the chains beyond the count are still checked
    tamper(f"DELETE FROM {AuditChain._meta.db_table} WHERE number = 5")
    with pytest.raises(CommandError) as error:
        verify()
    assert "chain 5 has no head row" in str(error.value)


def test_migrate_makes_the_heads_of_a_raised_count(table_owner, settings):
    settings.AUDIT_CHAIN_COUNT = AuditChain.objects.count() + 2
    with pytest.raises(CommandError, match="has no head row"):
        verify()
    call_command("migrate", "audit", verbosity=0)
    assert f"in {settings.AUDIT_CHAIN_COUNT} chains verified" in verify()


def test_it_verifies_an_empty_log(settings):
    assert f"OK: 0 events in {settings.AUDIT_CHAIN_COUNT} chains verified" in verify()


@pytest.mark.postgres
def test_events_of_one_transaction_share_a_chain(worker):
    with transaction.atomic():
        first = access_event_record(action="view", actor=worker)
        second = access_event_record(action="change", actor=worker)
    assert first.chain == second.chain
    assert second.sequence == first.sequence + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_writer_passes_over_a_chain_another_transaction_holds():
    held, release = threading.Event(), threading.Event()
    holder_chain = []

    def hold_a_chain():
        try:
            with transaction.atomic():
                holder_chain.append(access_event_record(action="view").chain)
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_a_chain)
    holder.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Waiting for the held chain would fail this, not hang the test.
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            event = access_event_record(action="view")
    finally:
        release.set()
        holder.join(10)
    assert event.chain != holder_chain[0]
    assert "OK: 2 events" in verify()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_both_land_and_the_chains_stay_valid():
    start = threading.Barrier(2, timeout=10)
    errors = []

    def write(name):
        try:
            start.wait()
            for n in range(25):
                with transaction.atomic():
                    for part in ("a", "b"):
                        access_event_record(
                            action="view", object_type="test.thing", object_id=f"{name}-{n}-{part}"
                        )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write, args=(name,)) for name in ("one", "two")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)

    assert errors == []
    written = AccessEvent.objects.filter(object_type="test.thing")
    assert written.count() == 100
    assert written.filter(object_id__startswith="one-").count() == 50
    # Both events of a transaction went on the same chain, one after the other.
    chains = dict(written.values_list("object_id", "chain"))
    for name in ("one", "two"):
        assert all(chains[f"{name}-{n}-a"] == chains[f"{name}-{n}-b"] for n in range(25))
    assert "OK: 100 events" in verify()
