"""Verify every hash chain of the access log; exit non-zero at the first broken event.

Every chain from 0 to AUDIT_CHAIN_COUNT - 1, and every number up to the
highest chain that has a head or events, must have a head row: a chain
deleted together with its head is reported as broken, even with no events.
Each chain is walked in sequence order, a chunk at a time (never the whole
table in memory), checking for every event: its hash over its own fields in
its own hash format (an unknown format, or one older than the event before
it, is broken), its link to the event before it, and that no sequence number
is missing; then that the chain head names the last event. Events written
while this runs are left for the next run: each chain is checked up to the
head it had when the walk began.

Prints the chain heads on success. Keep that output somewhere outside the
database (README, "Running in production"): someone able to rewrite a
chain's tail and head together is caught by comparing heads with it.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max

from audit.models import GENESIS_HASH, AccessEvent, AuditChain, UnknownHashFormat

CHUNK_SIZE = 2000


class ChainBroken(Exception):
    pass


def _broken(event, problem):
    return ChainBroken(
        f"event {event.pk} (chain {event.chain}, sequence {event.sequence}): {problem}"
    )


def chain_verify(number):
    """Verify one chain; returns (event count, head hash) or raises ChainBroken."""
    head = AuditChain.objects.filter(number=number).first()
    if head is None:
        raise ChainBroken(
            f"chain {number} has no head row (the chain was deleted, or AUDIT_CHAIN_COUNT "
            "was raised and migrate has not run since)"
        )
    previous_hash = GENESIS_HASH
    previous_format = None
    expected = 1
    events = AccessEvent.objects.filter(chain=number, sequence__lte=head.last_sequence)
    for event in events.order_by("sequence").iterator(chunk_size=CHUNK_SIZE):
        if event.sequence != expected:
            raise _broken(
                event,
                f"sequence {expected}"
                + (f" to {event.sequence - 1}" if event.sequence - 1 > expected else "")
                + " is missing (events deleted)",
            )
        try:
            computed = event.compute_hash()
        except UnknownHashFormat as error:
            raise _broken(event, f"{error}; it cannot be verified") from None
        if previous_format is not None and event.hash_format < previous_format:
            raise _broken(
                event,
                f"its hash format {event.hash_format} is older than the event before it "
                f"({previous_format})",
            )
        if computed != event.hash:
            raise _broken(event, "its contents do not match its hash (the event was changed)")
        if event.previous_hash != previous_hash:
            raise _broken(event, "its previous_hash does not match the hash of the event before")
        previous_hash = event.hash
        previous_format = event.hash_format
        expected += 1
    count = expected - 1
    if count != head.last_sequence:
        raise ChainBroken(
            f"chain {number}: the head names sequence {head.last_sequence} but the last "
            f"event is {count} (events at the end deleted)"
        )
    if head.last_hash != previous_hash:
        raise ChainBroken(f"chain {number}: the head's hash does not match its last event")
    # A head moved back (the table of heads takes updates) leaves events past it.
    newest = AccessEvent.objects.filter(chain=number).aggregate(last=Max("sequence"))["last"]
    current = AuditChain.objects.get(number=number)
    if newest is not None and newest > current.last_sequence:
        raise ChainBroken(
            f"chain {number}: events up to sequence {newest} exist past the head at "
            f"{current.last_sequence} (the head was moved back)"
        )
    return count, head.last_hash


class Command(BaseCommand):
    help = "Verify the access log's hash chains; exits non-zero naming the first broken event."

    def handle(self, *args, **options):
        numbers = set(range(settings.AUDIT_CHAIN_COUNT))
        numbers |= set(AuditChain.objects.values_list("number", flat=True))
        numbers |= set(AccessEvent.objects.values_list("chain", flat=True).distinct())
        # Chains are numbered from 0 without gaps; a lowered AUDIT_CHAIN_COUNT
        # leaves the higher ones, so a hole below the highest is a deleted chain.
        numbers |= set(range(max(numbers) + 1))
        failures = []
        total = 0
        for number in sorted(numbers):
            try:
                count, head_hash = chain_verify(number)
            except ChainBroken as error:
                failures.append(str(error))
                self.stderr.write(f"BROKEN {error}")
                continue
            total += count
            self.stdout.write(f"chain {number}: {count} events, head {head_hash}")
        if failures:
            raise CommandError(
                f"The access log is broken at {failures[0]}"
                + (f" ({len(failures)} chains broken)" if len(failures) > 1 else "")
            )
        self.stdout.write(
            self.style.SUCCESS(f"OK: {total} events in {len(numbers)} chains verified.")
        )
