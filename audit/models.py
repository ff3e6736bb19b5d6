"""The access log: append-only, hash-chained events, keyed with HMAC since format 3.

Who did what to which object or person, when, from where and why. Rows are
written by ``audit.services`` only and never changed afterwards: the model
refuses ``save()`` on an existing row and queryset updates and deletes, and
the database refuses UPDATE, DELETE and TRUNCATE (migration
0003_refuse_changes). How the chains work is explained in audit/services.py.

Nothing in this table is encrypted, so nothing in it may be personal data
about the people the system is about: persons appear only as a pseudonymous
``person_ref``, reasons are categories, and ``detail`` holds technical words
(a device class, a view name, names of changed fields), never typed text.
Staff are recorded by id and a snapshot of username, roles and unit.
"""

import hashlib
import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# previous_hash of the first event of every chain.
GENESIS_HASH = "0" * 64

# The hash format new events are written in (see AccessEvent.compute_hash):
# 3 is HMAC-SHA-256 under the newest audit key (audit/keys.py).
HASH_FORMAT = 3


class UnknownHashFormat(ValueError):
    """An event names a hash format this code does not know: it cannot be verified."""


class Action(models.TextChoices):
    # Case content (casework, sspf, avhopp).
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched")
    OPEN_WITH_REASON = "open_with_reason", _("Opened with a stated reason")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    TRANSITION = "transition", _("Changed state")
    EXPORT = "export", _("Exported")
    ERASE = "erase", _("Erased")
    # Sign-in and sessions (accounts). A sign-in is complete at
    # second_factor_verified; sign_in_password is the first factor only.
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_PASSWORD = "sign_in_password", _("Password accepted")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_IN_UNKNOWN_USER = "sign_in_unknown_user", _("Sign-in with unknown username")
    SIGN_IN_WHILE_LOCKED = "sign_in_while_locked", _("Sign-in to a locked account")
    SECOND_FACTOR_VERIFIED = "second_factor_verified", _("Second factor verified")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Second factor failed")
    SECOND_FACTOR_THROTTLED = "second_factor_throttled", _("Second factor throttled")
    ACCOUNT_LOCKED = "account_locked", _("Account locked")
    SIGN_IN_THROTTLED = "sign_in_throttled", _("Sign-in refused: address paused or slowed")
    SIGN_IN_CEILING_REACHED = (
        "sign_in_ceiling_reached",
        _("Guessing from many addresses: account slowed"),
    )
    THROTTLE_LIFTED = "throttle_lifted", _("Address throttle lifted")
    SIGN_OUT = "sign_out", _("Signed out")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    # Second factors and accounts.
    ENROLMENT_FAILED = "enrolment_failed", _("Authenticator set-up failed")
    SECOND_FACTOR_ADDED = "second_factor_added", _("Authenticator app added")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
    SECOND_FACTOR_REMOVED = "second_factor_removed", _("Second factor removed")
    BACKUP_CODES_REPLACED = "backup_codes_replaced", _("Backup codes replaced")
    USER_ACTIVATED = "user_activated", _("User activated")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_UNLOCKED = "user_unlocked", _("Lock-out lifted")
    REAUTHENTICATED = "reauthenticated", _("Password confirmed again")
    REAUTHENTICATION_FAILED = "reauthentication_failed", _("Password confirmation failed")
    ENROLMENT_STARTED = "enrolment_started", _("Authenticator set-up started")
    # Administration of users: who may do what. Granting a role that reaches
    # case content is flagged for the auditors.
    USER_CREATED = "user_created", _("User created")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role removed")
    UNIT_CHANGED = "unit_changed", _("Unit changed")
    STAFF_STATUS_CHANGED = "staff_status_changed", _("Admin access changed")
    SUPERUSER_STATUS_CHANGED = "superuser_status_changed", _("Superuser status changed")
    PASSWORD_SET_BY_ADMINISTRATOR = (
        "password_set_by_administrator",
        _("Password set by an administrator"),
    )
    SELF_CHANGE_REFUSED = "self_change_refused", _("Change of one's own access refused")
    # Refusals.
    ACCESS_DENIED = "access_denied", _("Access denied")
    INTEGRITY_FAILED = "integrity_failed", _("Stored data did not verify")
    VIEW_WITHOUT_ACCESS_RULE = "view_without_access_rule", _("Page without an access rule")
    # The auditors' own work (the log review, ReviewItem).
    LOG_REVIEWED = "log_reviewed", _("Log entry reviewed")


class Reason(models.TextChoices):
    """Why a file outside one's assignment was opened: categories only.

    Never free text: this table is not encrypted and a typed reason could
    name the person or describe their situation.
    """

    NONE = "", _("No reason needed")
    COLLEAGUE_ABSENT = "colleague_absent", _("Covering for an absent colleague")
    URGENT_PROTECTION = "urgent_protection", _("Urgent protection need")
    SUPERVISION = "supervision", _("Supervision or consultation")
    ADMINISTRATIVE_FOLLOW_UP = "administrative_follow_up", _("Administrative follow-up")
    SUBJECT_ACCESS_REQUEST = "subject_access_request", _("Subject access request")
    OTHER = "other", _("Other (to be explained to the auditor)")

    @classmethod
    def stated_choices(cls):
        """The reasons a user can pick; blank is not one of them."""
        return [(value, label) for value, label in cls.choices if value]


# The brief and older code call it this; one class, two names.
ReasonChoices = Reason


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")


class AuditChain(models.Model):
    """The head of one hash chain: the last sequence number and hash on it.

    Writers lock a head row, append the next event and move the head in the
    same transaction (audit/services.py).
    """

    number = models.SmallIntegerField(primary_key=True)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"chain {self.number} at {self.last_sequence}"


class AccessEventQuerySet(models.QuerySet):
    """Reads only. Bulk writes would skip the chain, changes are refused."""

    def update(self, **kwargs):
        raise TypeError("The access log is append-only: rows cannot be updated.")

    def delete(self):
        raise TypeError("The access log is append-only: rows cannot be deleted.")

    def bulk_create(self, *args, **kwargs):
        raise TypeError("Write access events through audit.services.")

    def chained_insert(self, events):
        """Insert events that audit.services has already placed on a locked chain."""
        return super().bulk_create(events)

    def bulk_update(self, *args, **kwargs):
        raise TypeError("The access log is append-only: rows cannot be updated.")


class AccessEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    chain = models.SmallIntegerField(_("chain"))
    sequence = models.BigIntegerField(_("sequence"))
    occurred_at = models.DateTimeField(_("time"))
    # Rows are never updated, so SET_NULL is impossible; without a database
    # constraint a user can still be deleted, and the snapshot below keeps
    # who it was. No index of its own: searches go by the username snapshot.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    actor_roles = models.CharField(_("roles"), max_length=200, blank=True)
    actor_unit_id = models.IntegerField(_("unit"), null=True, blank=True)
    # The user acted upon (a locked or reset account), apart from the actor.
    subject_user_id = models.IntegerField(_("user acted upon"), null=True, blank=True)
    # First 16 hex digits of SHA-256 of the session key: links the events of
    # one session without storing a key that would let anyone take it over.
    session_ref = models.CharField(_("session"), max_length=16, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    person_ref = models.UUIDField(_("person"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=40, choices=Reason.choices, blank=True)
    # Technical words only (device class, view name, changed field names);
    # never personal data, never anything a user typed.
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED
    )
    # Access outside one's assignment (opened with a stated reason).
    flagged = models.BooleanField(_("flagged"), default=False)
    request_id = models.UUIDField(_("request"), null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # How ``hash`` was computed (HASH_FORMATS below). Rows written before the
    # column existed are format 1; audit.services writes HASH_FORMAT.
    hash_format = models.PositiveSmallIntegerField()
    # The AUDIT_KEYS version a keyed format's HMAC is under; None for 1 and 2.
    key_version = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        default_permissions = ("view",)
        permissions = [("export_accessevent", _("Can export the access log"))]
        constraints = [
            # Also the index verify_audit_chain walks each chain by.
            models.UniqueConstraint(
                fields=["chain", "sequence"], name="audit_event_chain_sequence"
            ),
        ]
        indexes = [
            # The auditor's list, newest first, and date ranges.
            models.Index(fields=["occurred_at"], name="audit_event_time"),
            # "What did this user do?"
            models.Index(fields=["actor_username", "occurred_at"], name="audit_event_actor_time"),
            # "Who opened this person's file?"
            models.Index(fields=["person_ref", "occurred_at"], name="audit_event_person_time"),
            # Flagged events are few; a partial index keeps them cheap to list.
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(flagged=True),
                name="audit_event_flagged_time",
            ),
        ]

    def __str__(self):
        return f"{self.action} by {self.actor_username or '-'} at {self.occurred_at}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The access log is append-only: an event cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The access log is append-only: an event cannot be deleted.")

    def hash_payload(self):
        """What ``hash`` covers in this event's hash format, as a dict.

        Part of the hash format: changing what a format covers makes every
        event written in it fail verification, so a new field needs a new
        format (HASH_FORMATS).
        """
        return hash_format(self.hash_format).payload(hash_fields(self))

    def compute_hash(self):
        """The hash of this event in its own ``hash_format``; raises UnknownHashFormat,
        or MissingAuditKey for a keyed format whose key is not in AUDIT_KEYS."""
        return hash_format(self.hash_format).digest(hash_fields(self))

    def person_ref_short(self):
        return str(self.person_ref)[:8] if self.person_ref else ""


class ReviewKind(models.TextChoices):
    """Why an event is in the auditors' review queue."""

    REFUSED = "refused", _("Refused access")
    EXPORT = "export", _("Export")
    FLAGGED = "flagged", _("Flagged")
    SAMPLE = "sample", _("Weekly sample")


class Conclusion(models.TextChoices):
    JUSTIFIED = "justified", _("Justified")
    NEEDS_FOLLOW_UP = "needs_follow_up", _("Needs follow-up")
    MISUSE = "misuse", _("Misuse")


# Refusals the auditors review. Failed sign-ins are left out: they are
# counted and locked out (accounts), and a wrong password says nothing of
# how staff use the files.
REVIEWED_REFUSALS = frozenset(
    {Action.ACCESS_DENIED, Action.VIEW_WITHOUT_ACCESS_RULE, Action.SELF_CHANGE_REFUSED}
)


def review_kind(*, action, flagged):
    """The ReviewKind an event enters the review queue as the moment it is
    written, or None: an ordinary event, which enters only if sampled.

    Opening a file outside one's assignment, a shielded (protected) case, a
    role granted that reaches case content are written ``flagged``.
    Migration 0011_add_log_review holds a frozen copy for the events before it.
    """
    if action in REVIEWED_REFUSALS:
        return ReviewKind.REFUSED
    if action == Action.EXPORT:
        return ReviewKind.EXPORT
    if flagged:
        return ReviewKind.FLAGGED
    return None


class ReviewItem(models.Model):
    """An event in the auditors' review queue, and the auditor's review of it.

    The event itself is never changed (the log is append-only); the review
    lives here. Items are written by audit.services only: a flagged event's
    item in the same INSERT step as the event (so no flagged event can
    commit without one), a sample's by ``log_review_sample``. The
    application's database role may not delete them (audit/database.py).
    """

    # Events are never deleted (the triggers refuse it), so no database
    # constraint is needed; one would also make PostgreSQL answer a TRUNCATE of
    # the log with a foreign-key error before the log's own refusal.
    event = models.OneToOneField(
        AccessEvent,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="review_item",
        verbose_name=_("event"),
    )
    kind = models.CharField(_("why in the queue"), max_length=20, choices=ReviewKind.choices)
    # "2026-W49" for a weekly sample, else blank.
    sample_week = models.CharField(_("sample week"), max_length=8, blank=True)
    # Overdue counts from here: the event's time, or when the sample was drawn.
    added_at = models.DateTimeField(_("added to the queue"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    conclusion = models.CharField(
        _("conclusion"), max_length=20, choices=Conclusion.choices, blank=True
    )
    # Not encrypted: audit depends on nothing of ours, vault included. So it
    # is about staff conduct only, never the client (help text, form).
    note = models.TextField(
        _("note"),
        max_length=2000,
        blank=True,
        help_text=_(
            "About the staff member's conduct, for the follow-up. Do not name or describe "
            "the client: the event already identifies the file."
        ),
    )

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        default_permissions = ()
        permissions = [("review_access_log", _("Can review the access log"))]
        constraints = [
            # Reviewed means all three, unreviewed none.
            models.CheckConstraint(
                condition=(
                    models.Q(reviewed_at__isnull=True, reviewed_by__isnull=True, conclusion="")
                    | (
                        models.Q(reviewed_at__isnull=False, reviewed_by__isnull=False)
                        & ~models.Q(conclusion="")
                    )
                ),
                name="audit_review_complete_or_open",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="sample") & ~models.Q(sample_week="")
                    | ~models.Q(kind="sample") & models.Q(sample_week="")
                ),
                name="audit_review_sample_has_week",
            ),
        ]
        indexes = [
            # The queue: open items, oldest (most overdue) first.
            models.Index(
                fields=["added_at"],
                condition=models.Q(reviewed_at__isnull=True),
                name="audit_review_open_added",
            ),
            # The monthly report: a month's items.
            models.Index(fields=["added_at"], name="audit_review_added"),
            # Reviewed items, newest review first.
            models.Index(
                fields=["reviewed_at"],
                condition=models.Q(reviewed_at__isnull=False),
                name="audit_review_reviewed",
            ),
        ]

    def __str__(self):
        return f"review of event {self.event_id} ({self.kind})"

    @property
    def is_reviewed(self):
        return self.reviewed_at is not None


# What every hash format covers, in this order: each event's fields as text
# (or None), the address last. ``hash_fields`` makes them from an event;
# verify_audit_chain has the database make the same text (audit/verification.py).
HASHED_FIELDS = (
    "chain",
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_roles",
    "actor_unit_id",
    "subject_user_id",
    "session_ref",
    "action",
    "object_type",
    "object_id",
    "person_ref",
    "reason",
    "detail",
    "outcome",
    "flagged",
    "request_id",
    "previous_hash",
    "hash_format",
    "key_version",
    "address",
)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _text_or_none(value):
    return None if value is None else str(value)


def hash_fields(event):
    """The event's HASHED_FIELDS as text or None, the same from any database."""
    return (
        str(event.chain),
        str(event.sequence),
        event.occurred_at.astimezone(UTC).strftime(TIME_FORMAT),
        _text_or_none(event.actor_id),
        event.actor_username,
        event.actor_roles,
        _text_or_none(event.actor_unit_id),
        _text_or_none(event.subject_user_id),
        event.session_ref,
        str(event.action),
        event.object_type,
        event.object_id,
        _text_or_none(event.person_ref),
        str(event.reason),
        event.detail,
        str(event.outcome),
        "1" if event.flagged else "0",
        _text_or_none(event.request_id),
        event.previous_hash,
        str(event.hash_format),
        _text_or_none(event.key_version),
        canonical_address(event.address),
    )


# Format 3's encoding of the fields: joined by SEPARATOR, None as MISSING.
# Neither character can occur in a value (audit.services replaces them with
# REPLACEMENT before an event is written), so the joined text is unambiguous;
# PostgreSQL's concat_ws makes the same text cheaply (audit/verification.py).
SEPARATOR = "\x1f"
MISSING = "\x1e"
REPLACEMENT = "\ufffd"


def fields_encode(fields):
    """Text fields as one string, the message format 3's HMAC is over.

    Part of hash format 3: never change it, add a format.
    """
    return SEPARATOR.join(MISSING if value is None else value for value in fields)


def fields_decode(message):
    """The fields of ``fields_encode``; None if ``message`` is not HASHED_FIELDS' worth
    (an old event whose values hold a separator: read its fields one by one)."""
    fields = tuple(None if value == MISSING else value for value in message.split(SEPARATOR))
    return fields if len(fields) == len(HASHED_FIELDS) else None


def separators_replace(text):
    """``text`` without the characters format 3 uses to join fields."""
    if SEPARATOR in text or MISSING in text:
        return text.replace(SEPARATOR, REPLACEMENT).replace(MISSING, REPLACEMENT)
    return text


def _payload_format_1(fields):
    """Every field but id, hash, hash_format and key_version, as a dict with the types
    it had then. Frozen: the events written before hash_format existed."""
    named = dict(zip(HASHED_FIELDS, fields, strict=True))
    del named["hash_format"], named["key_version"]
    named["chain"] = int(named["chain"])
    named["sequence"] = int(named["sequence"])
    named["flagged"] = named["flagged"] == "1"
    return named


def _payload_format_2(fields):
    """Format 1's fields and the format number, so a row cannot claim another format."""
    return {**_payload_format_1(fields), "hash_format": 2}


def _payload_format_3(fields):
    """Every field, the format and the audit key's version included."""
    return dict(zip(HASHED_FIELDS, fields, strict=True))


def _canonical(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode(
        "ascii"
    )


def _sha256(fields, payload):
    return hashlib.sha256(_canonical(payload(fields))).hexdigest()


def _hmac(fields, payload):
    """HMAC-SHA-256 under the audit key the event names (audit/keys.py)."""
    from audit.keys import seal

    version = fields[HASHED_FIELDS.index("key_version")]
    if version is None:
        raise UnknownHashFormat("hash format 3 needs an audit key version; the event has none")
    return seal(int(version), fields_encode(fields).encode())


@dataclass(frozen=True)
class HashFormat:
    """What a format's hash covers (``payload``) and how it is computed (``algorithm``)."""

    payload: Callable[[tuple], dict]
    algorithm: Callable[[tuple, Callable], str]
    keyed: bool = False

    def digest(self, fields):
        """The hash of an event whose HASHED_FIELDS are ``fields``."""
        return self.algorithm(fields, self.payload)


# Every format ever written, by number; a format once used is never changed,
# only a new number added. Raising HASH_FORMAT makes new events use it; along
# a chain the format never goes back down (verify_audit_chain), so nobody can
# rewrite the keyed events' tail in an unkeyed format.
HASH_FORMATS = {
    1: HashFormat(_payload_format_1, _sha256),
    2: HashFormat(_payload_format_2, _sha256),
    3: HashFormat(_payload_format_3, _hmac, keyed=True),
}


def hash_format(number):
    try:
        return HASH_FORMATS[number]
    except KeyError:
        raise UnknownHashFormat(
            f"hash format {number!r} is unknown (known: {', '.join(map(str, HASH_FORMATS))})"
        ) from None


def canonical_address(value):
    """An address as text that does not depend on how the database prints it.

    PostgreSQL's inet and Python's ipaddress may write the same IPv6 address
    differently (compression, IPv4-mapped form); all eight groups in full do not.
    """
    if not value:
        return None
    address = ipaddress.ip_address(str(value))
    if address.version == 4:
        return str(address)
    number = int(address)
    return ":".join(f"{(number >> shift) & 0xFFFF:04x}" for shift in range(112, -1, -16))
