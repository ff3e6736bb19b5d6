"""Writing the access log: append-only events on a few keyed hash chains.

Each event's ``hash`` covers all its fields, ``previous_hash``, its
``hash_format`` and ``key_version`` included (``AccessEvent.hash_payload``),
so each event seals the one before it. Changing or removing an event breaks
the chain where it was, which ``python manage.py verify_audit_chain`` finds.

Hash formats
    Every event names the format its hash was computed in (``hash_format``,
    ``audit.models.HASH_FORMATS``); new events get ``HASH_FORMAT``. Format 1
    is the original payload (rows written before the column existed), format
    2 adds the format number to it; both are plain SHA-256, which anyone with
    write access to the database could recompute. Format 3 is HMAC-SHA-256
    under the newest audit key (audit/keys.py, kept outside the database;
    ``key_version`` names it), so only a holder of the key can seal an event.
    Old events keep verifying in theirs, and along a chain the format never
    goes back down.

Why several chains (shards) and SKIP LOCKED
    A single chain would make every request that writes an event queue for
    one row, the chain head, until its transaction commits; events are
    written inside the caller's transaction (an event exists if and only if
    the change it records committed), so that could be a long wait. Instead
    there are ``AUDIT_CHAIN_COUNT`` chains (``AuditChain`` rows, default 8).
    On PostgreSQL a writer takes a head with
    ``SELECT ... ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED``: heads
    another transaction holds are passed over, so concurrent transactions
    each get a different chain and none waits unless all chains are busy;
    then it waits for a random one. SQLite serialises writing transactions
    anyway (``BEGIN IMMEDIATE``), so there every event goes on the first chain.

    A transaction that writes several events prefers the chain it already
    holds (the connection remembers the last chain it used, and rows one's
    own transaction has locked are not skipped). Holding two heads at once
    could otherwise deadlock against another transaction holding them the
    other way round.

What is verified, and what is not
    Each chain is verified on its own, in sequence order: the hash of every
    event, the link to the event before it, sequence numbers without gaps,
    and that the head row names the last event. Across chains there is no
    order beyond ``occurred_at``. A deleted event in the middle shows as a
    gap; a deleted last event shows because the head still names it; a chain
    deleted together with its head shows because every chain number from 0
    to ``AUDIT_CHAIN_COUNT`` - 1 (and up to the highest there is) must have a
    head. ``migrate`` creates the heads (``audit_chains_create``, on
    post_migrate), so raising AUDIT_CHAIN_COUNT takes a ``migrate``.
    Without the audit key nobody can rewrite a chain and seal it again; but
    whoever can write past the triggers could still cut a chain's tail and
    move its head back to an earlier event. Against that, ``audit_checkpoint``
    writes the signed heads outside the database, and verify_audit_chain
    checks the log against the latest checkpoint (audit/checkpoints.py).

The cost of sharding is that events are ordered within a chain, not
globally, and that a writer locks a head row until its transaction ends.
"""

import hashlib
import ipaddress
import itertools
import logging
import uuid

from django.apps import apps as global_apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.keys import current_version
from audit.models import (
    GENESIS_HASH,
    HASH_FORMAT,
    HASH_FORMATS,
    AccessEvent,
    Action,
    AuditChain,
    Conclusion,
    Outcome,
    Reason,
    ReviewItem,
    ReviewKind,
    review_kind,
    separators_replace,
)

logger = logging.getLogger("trygg.security")

SECURITY_OUTCOMES = {"ok": Outcome.ALLOWED, "denied": Outcome.DENIED}
DETAIL_MAX_LENGTH = AccessEvent._meta.get_field("detail").max_length


def client_address(request):
    """The client's address: what the access log records and sign-in
    throttling counts (README, "Running in production").

    REMOTE_ADDR is gunicorn's peer. Behind ``TRUSTED_PROXY_COUNT`` proxies
    that each append the address they were reached from to X-Forwarded-For,
    the client's is the one the outermost of them wrote: that many entries
    from the right. Entries further left are the client's own words and are
    never read. Written here rather than with django-ipware, whose default
    reads headers a client can set.
    """
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if not hops:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        # Fewer entries than proxies: not through them all; the peer is what is known.
        return remote
    return forwarded[-hops]


def _address(request):
    """The client's address, or None when REMOTE_ADDR is not an IP address.

    A bad value must not make the insert fail (PostgreSQL's inet refuses
    it): that would stop a sign-in.
    """
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        # fe80::1%eth0: the zone means nothing outside this host.
        address = ipaddress.ip_address(str(address).split("%")[0])
    return str(address)


def session_ref(request):
    """First 16 hex digits of SHA-256 of the session key; never the key itself."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if not key:
        return ""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _uuid_or_none(value):
    return None if value in (None, "") else uuid.UUID(str(value))


def _actor_snapshot(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_username": "", "actor_roles": "", "actor_unit_id": None}
    # The roles the request already loaded (accounts' User.role_names, read
    # once per loaded user), not a query per event.
    roles = getattr(actor, "role_names", None)
    if roles is None:
        roles = actor.groups.values_list("name", flat=True)
    return {
        "actor": actor,
        "actor_username": actor.get_username(),
        "actor_roles": ",".join(sorted(roles)),
        "actor_unit_id": getattr(actor, "unit_id", None),
    }


# Each connection starts on the next chain in turn, so writes spread evenly
# over the chains without a random sort in the database.
_next_chain = itertools.count()


def _chain_select(chains, *, connection, skip_locked):
    """The connection's own chain if free, else the first free one (``skip_locked``)."""
    preferred = getattr(connection, "audit_chain_number", None)
    if preferred is None:
        preferred = next(_next_chain) % settings.AUDIT_CHAIN_COUNT
    locked = chains.select_for_update(skip_locked=skip_locked)
    chain = locked.filter(number=preferred).first()
    if chain is None:
        chain = locked.order_by("number").first()
    return chain


def _chain_lock():
    """Lock and return the chain head the next event goes on (see module docstring)."""
    connection = transaction.get_connection()
    # Chains beyond a lowered AUDIT_CHAIN_COUNT get no new events; they are
    # still verified.
    chains = AuditChain.objects.filter(number__lt=settings.AUDIT_CHAIN_COUNT)
    if connection.vendor != "postgresql":
        chain = chains.select_for_update().order_by("number").first()
        if chain is None:
            audit_chains_create()
            chain = chains.select_for_update().order_by("number").first()
        return chain
    chain = _chain_select(chains, connection=connection, skip_locked=True)
    if chain is None:
        # All busy, or missing: after a raised AUDIT_CHAIN_COUNT, or after the
        # test suite emptied the table. Adding them costs nothing when they exist.
        audit_chains_create()
        chain = _chain_select(chains, connection=connection, skip_locked=True)
    if chain is None:
        chain = _chain_select(chains, connection=connection, skip_locked=False)
    connection.audit_chain_number = chain.number
    return chain


def audit_chains_create(*, model=AuditChain, using=None):
    """Add the chain heads 0 … AUDIT_CHAIN_COUNT-1 that do not exist yet."""
    model.objects.using(using).bulk_create(
        [model(number=number) for number in range(settings.AUDIT_CHAIN_COUNT)],
        ignore_conflicts=True,
    )


def audit_chains_create_after_migrate(*, using, apps=global_apps, **kwargs):
    """post_migrate: every chain the verifier expects has a head, also after
    a raised AUDIT_CHAIN_COUNT and after the test suite empties the tables
    (``flush`` sends post_migrate without ``apps``)."""
    try:
        model = apps.get_model("audit", "AuditChain")
    except LookupError:  # migrated back to before the table existed
        return
    audit_chains_create(model=model, using=using)


def _event_build(
    *,
    action,
    request,
    actor,
    subject_user,
    object_type,
    object_id,
    person_ref,
    reason,
    detail,
    outcome,
    flagged,
):
    """An unsaved event with every field checked; its place on a chain comes later."""
    if action not in Action.values:
        raise ValueError(f"Unknown access-log action {action!r}; add it to audit.models.Action.")
    if reason not in Reason.values:
        raise ValueError(f"Unknown reason {reason!r}: reasons are categories, never free text.")
    if outcome not in Outcome.values:
        raise ValueError(f"Unknown outcome {outcome!r}.")
    snapshot = _actor_snapshot(actor)
    snapshot["actor_username"] = separators_replace(snapshot["actor_username"])
    event = AccessEvent(
        **snapshot,
        subject_user_id=getattr(subject_user, "pk", None),
        session_ref=session_ref(request),
        address=_address(request),
        action=action,
        object_type=separators_replace(object_type),
        object_id=separators_replace(str(object_id)),
        person_ref=_uuid_or_none(person_ref),
        reason=reason,
        detail=separators_replace(detail),
        outcome=outcome,
        flagged=flagged,
        request_id=_uuid_or_none(getattr(request, "request_id", None)),
        # Placeholders until the chain is locked; full_clean checks the rest
        # (lengths, choices) before any lock is taken.
        chain=0,
        sequence=1,
        occurred_at=timezone.now(),
        previous_hash=GENESIS_HASH,
        hash=GENESIS_HASH,
        hash_format=HASH_FORMAT,
        key_version=current_version() if HASH_FORMATS[HASH_FORMAT].keyed else None,
    )
    event.full_clean(exclude=["actor"], validate_unique=False, validate_constraints=False)
    return event


def _events_append(events):
    """Put ``events`` on one chain, in order: lock its head, one INSERT, move the head.

    No savepoint of its own: the events belong to the caller's transaction
    (an event exists if and only if the change it records committed).
    """
    with transaction.atomic(savepoint=False):
        chain = _chain_lock()
        for event in events:
            event.chain = chain.number
            event.sequence = chain.last_sequence + 1
            # Taken under the lock, so time only moves forward along a chain.
            event.occurred_at = timezone.now()
            event.previous_hash = chain.last_hash
            event.hash = event.compute_hash()
            chain.last_sequence, chain.last_hash = event.sequence, event.hash
        AccessEvent.objects.chained_insert(events)
        chain.save(update_fields=["last_sequence", "last_hash"])
        _review_items_add(events)
    return events


def _review_items_add(events):
    """Put the events that need review (models.review_kind) in the review queue.

    In the same transaction as the events, so an event that needs review
    cannot commit without its item: the queue misses nothing by construction.
    """
    items = [
        ReviewItem(event=event, kind=kind, added_at=event.occurred_at)
        for event in events
        if (kind := review_kind(action=event.action, flagged=event.flagged))
    ]
    if items:
        ReviewItem.objects.bulk_create(items)


def _event_write(**fields):
    return _events_append([_event_build(**fields)])[0]


def access_events_record_many(*, events, actor, request=None):
    """Append many events of one actor at once (an import): one chain, one INSERT.

    ``events`` are dicts of ``action``, ``object_type``, ``object_id``,
    ``person_ref`` and optionally ``detail``, ``reason``, ``flagged``. Call it
    inside the transaction of the changes. Side effects: the AccessEvent rows
    and their chain head moved.
    """
    built = [
        _event_build(
            action=values["action"],
            request=request,
            actor=actor,
            subject_user=None,
            object_type=values.get("object_type", ""),
            object_id=values.get("object_id", ""),
            person_ref=values.get("person_ref"),
            reason=values.get("reason", ""),
            detail=values.get("detail", ""),
            outcome="allowed",
            flagged=values.get("flagged", False),
        )
        for values in events
    ]
    return _events_append(built) if built else []


def access_event_record(
    *,
    action,
    request=None,
    actor=None,
    subject_user=None,
    object_type="",
    object_id="",
    person_ref=None,
    reason="",
    outcome="allowed",
    flagged=False,
    detail="",
):
    """Append one event to the access log; call it inside the transaction of the change.

    ``actor`` defaults to the signed-in user of ``request``. ``reason`` is a
    ``Reason`` value, ``detail`` technical words only (never personal data).
    Side effects: one AccessEvent row and its chain head moved, in the
    caller's transaction (a savepoint when there is one).
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    return _event_write(
        action=action,
        request=request,
        actor=actor,
        subject_user=subject_user,
        object_type=object_type,
        object_id=object_id,
        person_ref=person_ref,
        reason=reason,
        detail=detail,
        outcome=outcome,
        flagged=flagged,
    )


def security_event_record(
    *, action, request=None, actor=None, subject_user=None, outcome="ok", reason="", flagged=False
):
    """Record a sign-in or account event.

    ``actor`` is taken as given (a failed sign-in has none, even when the
    session holds a half-signed-in user). ``reason`` is technical text such
    as a device class or a view name; it is stored as ``detail``. ``flagged``
    puts the event in front of the auditors (a role granted that reaches case
    content, say). Side effects: one AccessEvent row, one log line with user ids only.
    """
    if outcome not in SECURITY_OUTCOMES:
        raise ValueError(f"Unknown security outcome {outcome!r}.")
    event = _event_write(
        action=action,
        request=request,
        actor=actor,
        subject_user=subject_user,
        object_type="",
        object_id="",
        person_ref=None,
        reason="",
        detail=str(reason)[:DETAIL_MAX_LENGTH],
        outcome=SECURITY_OUTCOMES[outcome],
        flagged=flagged,
    )
    # Kept for alerting on lock-outs and refusals from the log stream.
    logger.info(
        "security_event action=%s outcome=%s flagged=%s actor=%s subject_user=%s address=%s "
        "reason=%s",
        action,
        outcome,
        flagged,
        getattr(actor, "pk", None),
        getattr(subject_user, "pk", None),
        client_address(request),
        reason,
    )
    return event


# The log review (the auditors' queue: ReviewItem).

REVIEWED_OBJECT = "audit.accessevent"
# Conclusions that say something is to be done: the note says what.
CONCLUSIONS_NEEDING_A_NOTE = frozenset({Conclusion.NEEDS_FOLLOW_UP, Conclusion.MISUSE})
NOTE_MAX_LENGTH = ReviewItem._meta.get_field("note").max_length


class ReviewRefused(Exception):
    """A review that cannot be made; ``message`` is for the auditor, ``field`` the
    form field it is about (or None)."""

    def __init__(self, message, *, code, field=None):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field


class AlreadyReviewed(ReviewRefused):
    """Another auditor concluded the item first."""

    def __init__(self, item):
        reviewer = item.reviewed_by.get_username() if item.reviewed_by else "?"
        super().__init__(
            _("%(user)s reviewed this event at %(time)s; their conclusion stands.")
            % {
                "user": reviewer,
                "time": timezone.localtime(item.reviewed_at).strftime("%Y-%m-%d %H:%M"),
            },
            code="already_reviewed",
        )
        self.item = item


def review_item_conclude(*, item, by, conclusion, note, request=None):
    """Mark a queue item reviewed with a conclusion and a note.

    Locks the item, so of two auditors concluding it at once one wins and
    the other gets AlreadyReviewed naming who. Refuses (ReviewRefused) an
    auditor's review of their own event, and a follow-up or misuse without
    a note. Side effects: the item's review fields, and a ``log_reviewed``
    access event (object: the reviewed event; detail: the conclusion) in
    the same transaction, so a conclusion is in the hash chain too.
    """
    if conclusion not in Conclusion.values:
        raise ReviewRefused(_("Choose a conclusion."), code="conclusion", field="conclusion")
    note = note.strip()
    if conclusion in CONCLUSIONS_NEEDING_A_NOTE and not note:
        raise ReviewRefused(
            _("Say in the note what is to be followed up."), code="note_needed", field="note"
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ReviewRefused(
            _("Keep the note to %(count)d characters.") % {"count": NOTE_MAX_LENGTH},
            code="note_too_long",
            field="note",
        )
    with transaction.atomic():
        # Only the item's own row: the nullable reviewer cannot be locked in a join.
        locked = ReviewItem.objects.select_for_update().get(pk=item.pk)
        if locked.reviewed_at is not None:
            raise AlreadyReviewed(locked)
        if locked.event.actor_id is not None and locked.event.actor_id == by.pk:
            raise ReviewRefused(
                _("This is your own action: another auditor must review it."), code="own_event"
            )
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.conclusion = conclusion
        locked.note = note
        locked.save(update_fields=["reviewed_by", "reviewed_at", "conclusion", "note"])
        access_event_record(
            action=Action.LOG_REVIEWED,
            request=request,
            actor=by,
            object_type=REVIEWED_OBJECT,
            object_id=str(locked.event_id),
            detail=conclusion,
        )
    return locked


def review_sample_add(*, week, event_ids):
    """Add a week's sampled events (selectors.review_sample_pick) to the queue.

    Idempotent: an event already in the queue (sampled before, or flagged)
    is left as it is, so running the command twice adds nothing twice.
    Returns how many were added. Side effects: ReviewItem rows.
    """
    now = timezone.now()
    with transaction.atomic():
        already = set(
            ReviewItem.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True)
        )
        added = ReviewItem.objects.bulk_create(
            [
                ReviewItem(event_id=pk, kind=ReviewKind.SAMPLE, sample_week=week, added_at=now)
                for pk in event_ids
                if pk not in already
            ],
            # Another run at the same moment: its rows stand, ours are skipped.
            ignore_conflicts=True,
        )
    return len(added)
