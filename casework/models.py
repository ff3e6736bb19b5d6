"""Persons: the people the files are about.

Everything that identifies or describes a person is an encrypted field under
the person's own data key; erasing that key (``Person.erase``) shreds all of
it, history rows included. Look-ups go through keyed blind indexes.
"""

import unicodedata
import uuid
from datetime import UTC

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import District, Unit
from casework.urgency import ASSIGNED, DeadlineColumns
from vault.fields import (
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    blank_encrypted_fields,
)
from vault.keyring import blind_index
from vault.models import DataKey
from vault.querysets import TrackedManager

IDENTITY_NUMBER_INDEX = "identity-number"
NAME_TOKEN_INDEX = "name-token"


def identity_number_index(digits12):
    return blind_index(IDENTITY_NUMBER_INDEX, digits12)


def name_tokens(*names):
    """Normalised words of a name: case and accents folded, so "Åsa" finds "åsa"
    and "Asa"; punctuation splits ("Lind-Berg" is "lind" and "berg")."""
    tokens = set()
    for name in names:
        folded = unicodedata.normalize("NFKD", name or "").casefold()
        plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
        word = ""
        for ch in plain + " ":
            if ch.isalnum():
                word += ch
            else:
                if len(word) >= 2:
                    tokens.add(word)
                word = ""
    return tokens


def name_token_index(token):
    return blind_index(NAME_TOKEN_INDEX, token)


class Gender(models.TextChoices):
    GIRL = "female", _("Girl / woman")
    BOY = "male", _("Boy / man")
    OTHER = "other", _("Other")


def shred(instance, data_key, *, by):
    """Empty ``instance``'s encrypted fields, mark it erased, destroy ``data_key``.

    Every encrypted field is nullable for this: erased means empty. Saved
    while the key still exists (the history row of the erasure holds no
    values), and the key is destroyed in the same transaction.
    """
    blank_encrypted_fields(instance)
    instance.erased_at = timezone.now()
    instance._history_user = by
    instance.save()
    data_key.destroy()
    instance.data_key = data_key


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(
        DataKey, on_delete=models.PROTECT, related_name="person", editable=False
    )
    given_names = EncryptedTextField(_("given names"), max_length=200, null=True)
    family_name = EncryptedTextField(_("family name"), max_length=200, null=True)
    # Normalised to twelve digits (YYYYMMDDNNNC); empty when not known.
    identity_number = EncryptedTextField(_("personal identity number"), blank=True, null=True)
    identity_number_index = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    # Categorical, like district: statistics count by it without decrypting.
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    address = EncryptedTextField(_("address"), blank=True, null=True, max_length=500)
    guardians = EncryptedJSONField(_("guardians"), default=list, blank=True, null=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("district"),
    )
    responsible_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("responsible unit"),
    )
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TrackedManager()
    # The blind index stays out of history: erasure deletes it, and a copy in
    # a history row would still confirm a guessed number.
    history = HistoricalRecords(
        excluded_fields=["identity_number_index"],
        history_id_field=models.UUIDField(default=uuid.uuid4),
        cascade_delete_history=False,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        base_manager_name = "objects"
        permissions = [
            ("view_person_file", _("Can open a person's file")),
            ("register_person", _("Can register a person")),
        ]

    def __str__(self):
        # Never the name: str() ends up in logs and error reports.
        return f"Person {str(self.id)[:8]}"

    @property
    def is_erased(self):
        return self.erased_at is not None

    @property
    def reference(self):
        """A short pseudonymous reference for lists and e-mails."""
        return str(self.id)[:8].upper()

    @property
    def identity_number_display(self):
        number = self.identity_number
        return f"{number[:8]}-{number[8:]}" if number else ""

    @property
    def full_name(self):
        return f"{self.given_names} {self.family_name}".strip()

    def refresh_name_tokens(self):
        """Replace the blind-indexed name tokens after a name change."""
        self.name_tokens.all().delete()
        PersonNameToken.objects.bulk_create(
            PersonNameToken(person=self, token=name_token_index(token))
            for token in sorted(name_tokens(self.given_names, self.family_name))
        )

    @transaction.atomic
    def erase(self, *, by=None):
        """Crypto-shred: destroy the person's data key and the keys of every
        case about them, so that every value ever stored for this person,
        history rows included, can no longer be decrypted, and drop the
        blind indexes that could confirm a guess."""
        data_key = DataKey.objects.select_for_update().get(pk=self.data_key_id)
        for report in self.under15_reports.filter(erased_at__isnull=True):
            report.erase(by=by)
        self.name_tokens.all().delete()
        self.identity_number_index = None
        shred(self, data_key, by=by)


class PersonNameToken(models.Model):
    """Keyed hashes of the words of a person's name, for search without decryption.

    The trade-off: exact words only (no prefixes or fuzzy matching), since
    each prefix would be another hash to compare and a finer frequency
    signal. Someone with the database and the blind-index key could test a
    guessed name; without the key, the tokens say nothing beyond how many
    persons share a word.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["token"], name="casework_name_token")]
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="casework_name_token_once")
        ]

    def __str__(self):
        return "name token"


# --- Under-15 reports ("snabb reaktion") -------------------------------------


class OffenceCategory(models.TextChoices):
    VIOLENCE = "violence", _("Violence")
    THREAT = "threat", _("Threat")
    ROBBERY = "robbery", _("Robbery")
    THEFT = "theft", _("Theft")
    DRUGS = "drugs", _("Drugs")
    WEAPONS = "weapons", _("Weapons")
    VANDALISM = "vandalism", _("Vandalism / graffiti")
    TRAFFIC = "traffic", _("Traffic / moped")
    SEXUAL = "sexual", _("Sexual offence")
    OTHER = "other", _("Other")


class ReportState(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROTECTION_ASSESSED = "protection_assessed", _("Protection assessed")
    FIRST_CONTACT = "first_contact", _("First contact made")
    ASSESSED = "assessed", _("Initial assessment made")
    INVESTIGATING = "investigating", _("Investigating")
    CLOSED = "closed", _("Closed")


class AssessmentDecision(models.TextChoices):
    OPEN_INVESTIGATION = "open_investigation", _("Open an investigation")
    NO_INVESTIGATION = "no_investigation", _("No investigation")
    REFER_SSPF = "refer_sspf", _("Refer to SSPF")
    REFER_SUPPORT = "refer_support", _("Refer to support or leisure activities")


class CloseReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate report")
    MOVED_AWAY = "moved_away", _("Moved away")
    ALREADY_OPEN = "already_open", _("Already an open case")
    NO_INVESTIGATION = "no_investigation", _("No investigation needed")
    REFERRED = "referred", _("Referred elsewhere")
    INVESTIGATION_DONE = "investigation_done", _("Investigation completed")


# Closing straight from "received" needs one of these (docs/design.md).
EARLY_CLOSE_REASONS = {CloseReason.DUPLICATE, CloseReason.MOVED_AWAY, CloseReason.ALREADY_OPEN}
LATER_CLOSE_REASONS = {
    CloseReason.NO_INVESTIGATION,
    CloseReason.REFERRED,
    CloseReason.INVESTIGATION_DONE,
}
OPEN_STATES = [state for state in ReportState if state != ReportState.CLOSED]


class Under15Report(ConcurrentTransitionMixin, DeadlineColumns, models.Model):
    """A police report about a child under 15, from receipt to the reaction and on.

    Categorical columns (offence, district, dates, decision, state) are plain
    so statistics never decrypt; the police reference and free text are
    encrypted under the report's own data key, as are its contacts and
    journal, so the case can be shredded apart from the person's other
    cases (``report_erase``); the person's identity stays under theirs.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(
        DataKey, on_delete=models.PROTECT, related_name="under15_report", editable=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="under15_reports", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="under15_reports", verbose_name=_("unit")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_under15_reports",
        verbose_name=_("assigned to"),
    )
    police_reference = EncryptedTextField(_("police reference"), max_length=50, null=True)
    offence_category = models.CharField(
        _("offence"), max_length=20, choices=OffenceCategory.choices
    )
    offence_date = models.DateField(_("offence date"))
    received_at = models.DateTimeField(_("report received"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    # Whole years at the offence, kept for statistics (never decrypt to count).
    age_at_offence = models.PositiveSmallIntegerField(_("age at the offence"))
    summary = EncryptedTextField(_("summary"), blank=True, null=True, max_length=5000)
    linked_report = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_reports",
        verbose_name=_("linked to report"),
    )

    state = FSMField(
        _("state"), default=ReportState.RECEIVED, choices=ReportState.choices, protected=True
    )
    protection_needed = models.BooleanField(_("immediate protection need"), null=True)
    protection_assessed_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    # The contact entry of the first contact: who was met and how.
    first_contact = models.ForeignKey(
        "Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("first contact entry"),
    )
    reaction_time = models.DurationField(_("reaction time"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=30, choices=AssessmentDecision.choices, blank=True
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    investigation_started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=30, choices=CloseReason.choices, blank=True
    )
    # Who moved the case last and when: what a refused transition tells the user.
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A keyed hash of identity number and police reference for reports that
    # came in through the import: a rerun finds them and imports nothing twice.
    import_key = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # Set when the report's content is shredded (report_erase, or the person's
    # erasure); the categorical columns stay for statistics.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TrackedManager()
    # The deadline columns are derived from the rest: no history of their own.
    history = HistoricalRecords(
        history_id_field=models.UUIDField(default=uuid.uuid4),
        excluded_fields=["due_at", "due_soon_at", "import_key"],
    )

    class Meta:
        verbose_name = _("under-15 report")
        verbose_name_plural = _("under-15 reports")
        base_manager_name = "objects"
        default_permissions = ("view",)
        permissions = [
            ("register_report", _("Can register an under-15 report")),
            ("work_report", _("Can record steps in an under-15 report")),
            ("assign_report", _("Can assign under-15 reports")),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="casework_u15_unit_state"),
            models.Index(fields=["assigned_to", "state"], name="casework_u15_assignee_state"),
            models.Index(fields=["person", "state"], name="casework_u15_person_state"),
            # The worker's and the unit's open reports by urgency (casework/urgency.py):
            # an ordered index walk, stopped after one page.
            models.Index(
                fields=["assigned_to", "due_at"],
                condition=models.Q(erased_at__isnull=True) & ~models.Q(state="closed"),
                name="casework_u15_assignee_due",
            ),
            models.Index(
                models.F("unit"),
                ASSIGNED,
                models.F("due_at"),
                condition=models.Q(erased_at__isnull=True) & ~models.Q(state="closed"),
                name="casework_u15_unit_free_due",
            ),
        ]

    def __str__(self):
        return f"Report {self.reference}"

    @property
    def reference(self):
        return str(self.id)[:8].upper()

    @property
    def is_open(self):
        return self.state != ReportState.CLOSED

    @property
    def is_erased(self):
        return self.erased_at is not None or self.person.is_erased

    @transaction.atomic
    def erase(self, *, by=None):
        """Shred this case: its content, contacts and journal, history included.

        The encrypted columns are emptied before the key goes, so the rows can
        still be saved afterwards; the categorical columns stay for
        statistics. The person and their other cases are untouched.
        """
        data_key = DataKey.objects.select_for_update().get(pk=self.data_key_id)
        for model in (JournalEntry, Contact):
            for record in model.objects.filter(data_key_id=data_key.pk):
                blank_encrypted_fields(record)
                record._history_user = by
                record.save()
        shred(self, data_key, by=by)

    def _moved(self, by, at):
        self.state_changed_by = by
        self.state_changed_at = at

    # Conditions: pure predicates on the report. The service puts the user's
    # answer (protection need, decision, reason) on the report first.
    def has_protection_answer(self):
        return self.protection_needed is not None

    def has_decision(self):
        return bool(self.decision)

    def decided_to_investigate(self):
        return self.decision == AssessmentDecision.OPEN_INVESTIGATION

    def has_early_close_reason(self):
        return self.close_reason in EARLY_CLOSE_REASONS

    def close_reasons_allowed(self):
        """The reasons that fit where the report stands and what was decided."""
        if self.state == ReportState.RECEIVED:
            return EARLY_CLOSE_REASONS
        if self.state == ReportState.INVESTIGATING:
            return {CloseReason.INVESTIGATION_DONE}
        if self.state == ReportState.ASSESSED:
            if self.decision == AssessmentDecision.NO_INVESTIGATION:
                return {CloseReason.NO_INVESTIGATION}
            if self.decision in (AssessmentDecision.REFER_SSPF, AssessmentDecision.REFER_SUPPORT):
                return {CloseReason.REFERRED}
        return set()

    def may_close_after_assessment(self):
        return self.close_reason in self.close_reasons_allowed()

    # Transitions: they change fields on the report and nothing else.
    @transition(
        field=state,
        source=ReportState.RECEIVED,
        target=ReportState.PROTECTION_ASSESSED,
        permission="casework.work_report",
    )
    def assess_protection(self, *, by, at):
        # protection_needed is set by the service, like decision and close_reason.
        self.protection_assessed_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ReportState.PROTECTION_ASSESSED,
        target=ReportState.FIRST_CONTACT,
        permission="casework.work_report",
    )
    def record_first_contact(self, *, by, at):
        self.first_contact_at = at
        # In UTC: two times in the same zone subtract as wall-clock times,
        # which is an hour off across a clock change.
        self.reaction_time = at.astimezone(UTC) - self.received_at.astimezone(UTC)
        self._moved(by, at)

    @transition(
        field=state,
        source=ReportState.FIRST_CONTACT,
        target=ReportState.ASSESSED,
        permission="casework.work_report",
        conditions=[has_decision],
    )
    def record_assessment(self, *, by, at):
        self.assessed_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ReportState.ASSESSED,
        target=ReportState.INVESTIGATING,
        permission="casework.work_report",
        conditions=[decided_to_investigate],
    )
    def start_investigation(self, *, by, at):
        self.investigation_started_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ReportState.RECEIVED,
        target=ReportState.CLOSED,
        permission="casework.work_report",
        conditions=[has_early_close_reason],
    )
    def close_on_receipt(self, *, by, at):
        self.closed_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=[ReportState.ASSESSED, ReportState.INVESTIGATING],
        target=ReportState.CLOSED,
        permission="casework.work_report",
        conditions=[may_close_after_assessment],
    )
    def close(self, *, by, at):
        self.closed_at = at
        self._moved(by, at)


# --- Contacts and journal, shared by every programme's cases ------------------


class ContactKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    DIGITAL = "digital", _("Digital meeting")
    SCHOOL_MEETING = "school_meeting", _("School meeting")
    NETWORK_MEETING = "network_meeting", _("Network meeting")


class CaseRecord(models.Model):
    """What contacts and journal entries share: the case they belong to (any
    programme's case model), its person, and the case's data key, which
    seals them: shredding the case shreds them with it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    data_key = models.ForeignKey(
        DataKey, on_delete=models.PROTECT, related_name="+", editable=False
    )
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.UUIDField()
    case = GenericForeignKey("case_type", "case_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrackedManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"


class Contact(CaseRecord):
    occurred_at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind of contact"), max_length=20, choices=ContactKind.choices)
    participants = EncryptedTextField(_("participants"), max_length=1000, null=True, blank=True)

    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta(CaseRecord.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        default_permissions = ("view", "add")
        indexes = [models.Index(fields=["case_type", "case_id"], name="casework_contact_case")]

    def __str__(self):
        return f"Contact {str(self.id)[:8]}"


class JournalState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class JournalEntry(ConcurrentTransitionMixin, CaseRecord):
    """A journal note: a draft until signed; a signed note is never edited,
    a correction is a new entry that points to it."""

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="journal_entries"
    )
    text = EncryptedTextField(_("note"), max_length=20000, null=True)
    state = FSMField(default=JournalState.DRAFT, choices=JournalState.choices, protected=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta(CaseRecord.Meta):
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        default_permissions = ("view",)
        permissions = [("write_journal", _("Can write and sign journal entries"))]
        indexes = [models.Index(fields=["case_type", "case_id"], name="casework_journal_case")]

    def __str__(self):
        return f"Journal entry {str(self.id)[:8]}"

    @property
    def is_signed(self):
        return self.state == JournalState.SIGNED

    @transition(
        field=state,
        source=JournalState.DRAFT,
        target=JournalState.SIGNED,
        permission="casework.write_journal",
    )
    def sign(self, *, by, at):
        self.signed_by = by
        self.signed_at = at
