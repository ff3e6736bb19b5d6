"""Under-15 reports ("snabb reaktion"): a police report about a child under 15,
from receipt to the reaction and on."""

import uuid
from datetime import UTC

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import District, Unit
from casework.journal.models import Contact, JournalEntry
from casework.persons.models import Person, shred
from casework.reports.urgency import ASSIGNED, DeadlineColumns
from vault.fields import EncryptedTextField, blank_encrypted_fields
from vault.models import DataKey
from vault.querysets import TrackedManager


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

# The steps a worker can take, in order: the transition method and the
# answers it needs from the user.
STEPS = {
    "assess_protection": ("protection_needed",),
    "record_first_contact": (),
    "record_assessment": ("decision",),
    "start_investigation": (),
    "close_on_receipt": ("close_reason",),
    "close": ("close_reason",),
}


class ReportSource(models.TextChoices):
    POLICE_UNDER15 = "police_under15", _("Police report, child under 15")
    SSPF_CONCERN = "sspf_concern", _("Report of concern from SSPF")
    OTHER = "other", _("Other reporter")


class Under15Report(ConcurrentTransitionMixin, DeadlineColumns, models.Model):
    """A report to social services, from receipt to the reaction and on.

    The one report model of docs/design.md: ``source`` says who reported (the
    police about a child under 15, an SSPF group's report of concern, another
    reporter). Every source goes through protection assessment, initial
    assessment and investigation; the under-15 rules (police reference,
    offence and age check, first contact and reaction time) are the police
    source's only. The class keeps the name it was born with: the access
    log's object type, the permissions and the landed migrations name it.

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
    source = models.CharField(
        _("reported by"),
        max_length=20,
        choices=ReportSource.choices,
        default=ReportSource.POLICE_UNDER15,
        editable=False,
    )
    # The reporter's own id of what they reported (an SSPF referral): with
    # the source, unique, so a report sent twice makes one case.
    source_reference = models.UUIDField(null=True, blank=True, editable=False)
    police_reference = EncryptedTextField(_("police reference"), max_length=50, null=True)
    offence_category = models.CharField(
        _("offence"), max_length=20, choices=OffenceCategory.choices, blank=True
    )
    offence_date = models.DateField(_("offence date"), null=True, blank=True)
    received_at = models.DateTimeField(_("report received"))
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    # Whole years at the offence, kept for statistics (never decrypt to count).
    age_at_offence = models.PositiveSmallIntegerField(_("age at the offence"), null=True)
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
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_reference"],
                condition=models.Q(source_reference__isnull=False),
                name="casework_report_once_per_source_reference",
            ),
            # The under-15 rules: a police report has its offence and the age at it.
            models.CheckConstraint(
                condition=~models.Q(source="police_under15")
                | models.Q(offence_date__isnull=False, age_at_offence__isnull=False)
                & ~models.Q(offence_category=""),
                name="casework_police_report_has_its_offence",
            ),
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
    def is_police_report(self):
        return self.source == ReportSource.POLICE_UNDER15

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

    # Conditions: pure predicates on the report as it stands, so that the
    # state machine's own get_available_user_state_transitions() says which
    # steps to offer. The service puts the user's answer (protection need,
    # decision, reason) on the report first; a reason that does not fit the
    # report then fails the condition as a step the state does not allow.
    def can_record_first_contact(self):
        """The first contact and its reaction time are the police source's."""
        return self.is_police_report

    def can_record_assessment(self):
        """After the first contact; straight after the protection assessment
        for a source without one."""
        return self.state == ReportState.FIRST_CONTACT or not self.is_police_report

    def can_start_investigation(self):
        return self.decision == AssessmentDecision.OPEN_INVESTIGATION

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

    def can_close(self):
        """Some reason fits the report, and the one given (if any) is one of them."""
        allowed = self.close_reasons_allowed()
        return bool(allowed) and (not self.close_reason or self.close_reason in allowed)

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
        conditions=[can_record_first_contact],
    )
    def record_first_contact(self, *, by, at):
        self.first_contact_at = at
        # In UTC: two times in the same zone subtract as wall-clock times,
        # which is an hour off across a clock change.
        self.reaction_time = at.astimezone(UTC) - self.received_at.astimezone(UTC)
        self._moved(by, at)

    @transition(
        field=state,
        source=[ReportState.FIRST_CONTACT, ReportState.PROTECTION_ASSESSED],
        target=ReportState.ASSESSED,
        permission="casework.work_report",
        conditions=[can_record_assessment],
    )
    def record_assessment(self, *, by, at):
        self.assessed_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ReportState.ASSESSED,
        target=ReportState.INVESTIGATING,
        permission="casework.work_report",
        conditions=[can_start_investigation],
    )
    def start_investigation(self, *, by, at):
        self.investigation_started_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ReportState.RECEIVED,
        target=ReportState.CLOSED,
        permission="casework.work_report",
        conditions=[can_close],
    )
    def close_on_receipt(self, *, by, at):
        self.closed_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=[ReportState.ASSESSED, ReportState.INVESTIGATING],
        target=ReportState.CLOSED,
        permission="casework.work_report",
        conditions=[can_close],
    )
    def close(self, *, by, at):
        self.closed_at = at
        self._moved(by, at)
