"""Verifying the access log's chains, streamed from the database.

Each chain is read in sequence order through a server-side cursor (never
the whole table in memory, no model instances), checking for every event:
its hash over its own fields in its own hash format (an unknown format, or
one older than the event before it, is broken), its link to the event before
it, and that no sequence number is missing; then that the head names the
last event, that no events lie past the head, and, given a checkpoint, that
the chain still reaches the sequence the checkpoint recorded with the same
hash there. Events written while this runs are left for the next run: each
chain is checked up to the head it had when its walk began.

Speed: on PostgreSQL the database joins each event's hashed fields into the
message audit.models.fields_encode makes (one concat_ws), so Python only
computes the HMAC; tests/audit check that the two agree on awkward values.
A long chain is cut into segments verified side by side on connections of
their own (``jobs``), and the segments' ends are checked against each other
afterwards; the database's work and Python's then overlap. Inside a
transaction (the test suite) everything runs on the one connection, which
alone sees the transaction's rows. SQLite reads the fields and joins them in
Python.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection, connections

from audit.keys import MissingAuditKey, sealers
from audit.models import (
    GENESIS_HASH,
    HASHED_FIELDS,
    MISSING,
    SEPARATOR,
    AccessEvent,
    AuditChain,
    UnknownHashFormat,
    canonical_address,
    fields_decode,
    fields_encode,
    hash_fields,
    hash_format,
)

BATCH_SIZE = 10_000
# Long chains are verified in segments of this many events, side by side.
SEGMENT_SIZE = 50_000
KEYED_FORMAT = 3


class ChainBroken(Exception):
    pass


@dataclass(frozen=True)
class ChainVerified:
    number: int
    count: int
    head_hash: str


@dataclass
class Segment:
    """What one stretch of a chain was found to be, for joining with its neighbours."""

    number: int
    first: int
    last: int
    count: int = 0
    first_linked: str | None = None  # the first event's previous_hash
    first_format: int | None = None
    last_hash: str | None = None
    last_format: int | None = None
    broken: ChainBroken | None = None


def _column_text(column):
    """SQL for a column as the text hash_fields gives for it (None stays NULL)."""
    if column == "occurred_at":
        return """to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
    if column == "flagged":
        return "CASE WHEN flagged THEN '1' ELSE '0' END"
    name = connection.ops.quote_name(column)
    field = AccessEvent._meta.get_field("actor" if column == "actor_id" else column)
    text = f"{name}::text"
    return f"coalesce({text}, E'\\x1e')" if field.null else text


assert SEPARATOR == "\x1f" and MISSING == "\x1e"  # spelt out in the SQL above and below


def _postgresql_rows(number, first, last):
    """(sequence, format, key version, previous hash, hash, joined fields but the
    address, address) of a chain's events, in batches from a server-side cursor."""
    joined = ", ".join(_column_text(column) for column in HASHED_FIELDS[:-1])
    # Column and table names come from the model, values are parameters.
    sql = (
        "SELECT sequence, hash_format, key_version, previous_hash, hash, "  # noqa: S608
        f"concat_ws(E'\\x1f', {joined}), host(address) "
        f"FROM {connection.ops.quote_name(AccessEvent._meta.db_table)} "
        "WHERE chain = %s AND sequence BETWEEN %s AND %s ORDER BY sequence"
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [number, first, last])
        while rows := cursor.fetchmany(BATCH_SIZE):
            yield rows


def _generic_rows(number, first, last):
    """The same rows as _postgresql_rows, with the fields joined in Python."""
    values = (
        AccessEvent.objects.filter(chain=number, sequence__range=(first, last))
        .order_by("sequence")
        .values("hash", *HASHED_FIELDS)
    )
    batch = []
    for value in values.iterator(chunk_size=BATCH_SIZE):
        fields = hash_fields(SimpleNamespace(**value))
        batch.append(
            (
                value["sequence"],
                value["hash_format"],
                value["key_version"],
                value["previous_hash"],
                value["hash"],
                fields_encode(fields[:-1]),
                fields[-1],
            )
        )
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def event_rows(number, first, last):
    if connection.vendor == "postgresql":
        return _postgresql_rows(number, first, last)
    return _generic_rows(number, first, last)


def _broken(number, sequence, problem):
    pk = (
        AccessEvent.objects.filter(chain=number, sequence=sequence)
        .values_list("pk", flat=True)
        .first()
    )
    return ChainBroken(f"event {pk} (chain {number}, sequence {sequence}): {problem}")


def _address_text(address):
    if address is None:
        return MISSING
    if ":" in address:
        # PostgreSQL may print an IPv6 address in another form than it was hashed in.
        return canonical_address(address)
    return address


def _digest_slowly(number, sequence, format_number, message):
    """The hash in any format, from the joined fields or, failing that, the row's own."""
    fields = fields_decode(message)
    if fields is None:
        value = (
            AccessEvent.objects.filter(chain=number, sequence=sequence)
            .values(*HASHED_FIELDS)
            .get()
        )
        fields = hash_fields(SimpleNamespace(**value))
    try:
        return hash_format(format_number).digest(fields)
    except UnknownHashFormat as error:
        raise _broken(number, sequence, f"{error}; it cannot be verified") from None
    except MissingAuditKey as error:
        raise _broken(number, sequence, str(error)) from None


def segment_verify(segment, *, pinned=None):
    """Verify events ``first`` … ``last`` of a chain among themselves; fills ``segment``.

    The first event's link and format are recorded, not judged: the event
    before it lies in the segment before (``segments_join``).
    """
    number = segment.number
    keys = sealers()
    previous_hash = None
    previous_format = 0
    expected = segment.first
    try:
        for rows in event_rows(number, segment.first, segment.last):
            for sequence, format_number, key_version, linked, stored, fields, address in rows:
                if sequence != expected:
                    raise _broken(
                        number,
                        sequence,
                        f"sequence {expected}"
                        + (f" to {sequence - 1}" if sequence - 1 > expected else "")
                        + " is missing (events deleted)",
                    )
                if format_number < previous_format:
                    raise _broken(
                        number,
                        sequence,
                        f"its hash format {format_number} is older than the event before it "
                        f"({previous_format})",
                    )
                message = fields + SEPARATOR + _address_text(address)
                if format_number == KEYED_FORMAT and key_version in keys:
                    # The common case, inline: the same as HASH_FORMATS[3].digest.
                    computed = keys[key_version].hexdigest(message.encode())
                else:
                    computed = _digest_slowly(number, sequence, format_number, message)
                if computed != stored:
                    raise _broken(
                        number,
                        sequence,
                        "its contents do not match its hash (the event was changed, or sealed "
                        "without the audit key)",
                    )
                if previous_hash is None:
                    segment.first_linked, segment.first_format = linked, format_number
                elif linked != previous_hash:
                    raise _broken(
                        number,
                        sequence,
                        "its previous_hash does not match the hash of the event before",
                    )
                if pinned is not None and sequence == pinned.sequence and stored != pinned.hash:
                    raise _broken(
                        number,
                        sequence,
                        f"its hash differs from the one the checkpoint of {pinned.written_at} "
                        "recorded (the chain was rewritten)",
                    )
                previous_hash = stored
                previous_format = format_number
                expected += 1
    except ChainBroken as error:
        segment.broken = error
    segment.count = expected - segment.first
    segment.last_hash, segment.last_format = previous_hash, previous_format
    return segment


def segments_join(number, segments):
    """Check that each segment starts where the one before it ended; returns the count
    and last hash of the chain, or raises the first break in sequence order."""
    previous_hash, previous_format, count = GENESIS_HASH, 0, 0
    gap_from = None
    for segment in segments:
        if gap_from is not None:
            if segment.count or segment.broken is not None:
                present = (
                    AccessEvent.objects.filter(chain=number, sequence__gte=gap_from)
                    .order_by("sequence")
                    .values_list("sequence", flat=True)
                    .first()
                )
                raise _broken(
                    number,
                    present,
                    f"sequence {gap_from} to {present - 1} is missing (events deleted)",
                )
            continue
        if segment.count:
            if segment.first_linked != previous_hash:
                raise _broken(
                    number,
                    segment.first,
                    "its previous_hash does not match the hash of the event before",
                )
            if segment.first_format < previous_format:
                raise _broken(
                    number,
                    segment.first,
                    f"its hash format {segment.first_format} is older than the event before "
                    f"it ({previous_format})",
                )
        if segment.broken is not None:
            raise segment.broken
        count += segment.count
        if segment.count:
            previous_hash, previous_format = segment.last_hash, segment.last_format
        if segment.count < segment.last - segment.first + 1:
            # The segment ended early: what follows must be gone too.
            gap_from = segment.first + segment.count
    return count, previous_hash


def _head(number):
    head = AuditChain.objects.filter(number=number).values_list("last_sequence", "last_hash")
    head = head.first()
    if head is None:
        raise ChainBroken(
            f"chain {number} has no head row (the chain was deleted, or AUDIT_CHAIN_COUNT "
            "was raised and migrate has not run since)"
        )
    return head


def _segments_of(number, last_sequence):
    return [
        Segment(number, start, min(start + SEGMENT_SIZE - 1, last_sequence))
        for start in range(1, last_sequence + 1, SEGMENT_SIZE)
    ]


def chain_finish(number, head, segments, *, checkpoint=None):
    """The checks after the walk: joins, head, checkpoint, nothing past the head."""
    last_sequence, last_hash = head
    pinned = checkpoint.heads.get(number) if checkpoint is not None else None
    count, walked_hash = segments_join(number, segments)
    if count != last_sequence:
        raise ChainBroken(
            f"chain {number}: the head names sequence {last_sequence} but the last "
            f"event is {count} (events at the end deleted)"
        )
    if last_hash != walked_hash:
        raise ChainBroken(f"chain {number}: the head's hash does not match its last event")
    if pinned is not None and last_sequence < pinned.sequence:
        raise ChainBroken(
            f"chain {number}: the checkpoint of {checkpoint.written_at} recorded sequence "
            f"{pinned.sequence}, the chain now ends at {last_sequence} (events at the end "
            "deleted and the head moved back)"
        )
    # A head moved back past the triggers leaves events beyond it.
    beyond = AccessEvent.objects.filter(chain=number, sequence__gt=last_sequence)
    newest = beyond.order_by("-sequence").values_list("sequence", flat=True).first()
    current = AuditChain.objects.filter(number=number).values_list("last_sequence", flat=True)
    current = current.first()
    if newest is not None and current is not None and newest > current:
        raise ChainBroken(
            f"chain {number}: events up to sequence {newest} exist past the head at "
            f"{current} (the head was moved back)"
        )
    return ChainVerified(number, count, last_hash)


def _pinned(checkpoint, number):
    if checkpoint is None or number not in checkpoint.heads:
        return None
    head = checkpoint.heads[number]
    return SimpleNamespace(
        sequence=head.sequence, hash=head.hash, written_at=checkpoint.written_at
    )


def chain_verify(number, *, checkpoint=None):
    """Verify one chain on this connection; returns ChainVerified or raises ChainBroken."""
    head = _head(number)
    pinned = _pinned(checkpoint, number)
    segments = [segment_verify(s, pinned=pinned) for s in _segments_of(number, head[0])]
    return chain_finish(number, head, segments, checkpoint=checkpoint)


def _segment_verify_on_own_connection(segment, pinned):
    try:
        return segment_verify(segment, pinned=pinned)
    finally:
        connections.close_all()


def chains_verify(numbers, *, checkpoint=None, jobs=1):
    """Verify the chains ``numbers``; yields ChainVerified or ChainBroken per chain, in order.

    ``jobs`` > 1 verifies segments side by side on connections of their own,
    except inside a transaction, whose rows only this connection sees.
    """
    heads = {}
    for number in numbers:
        try:
            heads[number] = _head(number)
        except ChainBroken as error:
            heads[number] = error
    work = [
        (segment, _pinned(checkpoint, number))
        for number, head in heads.items()
        if not isinstance(head, ChainBroken)
        for segment in _segments_of(number, head[0])
    ]
    if jobs > 1 and not connection.in_atomic_block and len(work) > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            done = list(pool.map(lambda item: _segment_verify_on_own_connection(*item), work))
    else:
        done = [segment_verify(segment, pinned=pinned) for segment, pinned in work]
    for number, head in heads.items():
        if isinstance(head, ChainBroken):
            yield head
            continue
        try:
            yield chain_finish(
                number, head, [s for s in done if s.number == number], checkpoint=checkpoint
            )
        except ChainBroken as error:
            yield error
