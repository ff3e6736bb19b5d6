"""Exit cases (avhopp): a person leaving a criminal gang or violent extremism,
or a youth in the anti-gang team's preventive track, from the first inquiry
to the follow-ups a year after completion.

Categorical columns (track, source, target groups, risk level, states,
reasons, measurements, scores) are plain, so statistics count them without
decrypting; free text and the instruments' item answers are encrypted under
the case's own data key, as are its contacts and journal notes (casework's),
so the case can be shredded apart from the person's other cases.
"""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import District, Unit
from avhopp.instruments import AuditBand, DuditBand
from avhopp.scales import (
    Housing,
    Level,
    Occasion,
    Occupation,
    ReferralSource,
    RiskLevel,
    TargetGroup,
    Track,
)
from casework.journal.models import Contact, JournalEntry
from casework.persons.models import Person, shred
from vault.fields import EncryptedJSONField, EncryptedTextField, blank_encrypted_fields
from vault.models import DataKey
from vault.querysets import TrackedManager


class ExitCaseState(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    INTAKE_ASSESSMENT = "intake_assessment", _("Intake assessment")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    DROPPED_OUT = "dropped_out", _("Dropped out")


FINAL_STATES = (ExitCaseState.CLOSED, ExitCaseState.DECLINED, ExitCaseState.DROPPED_OUT)


class DeclineReason(models.TextChoices):
    NOT_MOTIVATED = "not_motivated", _("Not motivated to leave")
    NOT_TARGET_GROUP = "not_target_group", _("Not in the programme's target groups")
    RISK_TOO_HIGH = "risk_too_high", _("The threat cannot be handled in the programme")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred to another service")
    OTHER = "other", _("Other reason")


class PauseReason(models.TextChoices):
    CUSTODY = "custody", _("In custody or prison")
    TREATMENT = "treatment", _("In residential treatment")
    NO_CONTACT = "no_contact", _("Out of contact for now")
    PERSONAL = "personal", _("Personal reasons")
    OTHER = "other", _("Other reason")


class DropoutReason(models.TextChoices):
    RETURNED_TO_NETWORK = "returned_to_network", _("Returned to the criminal network")
    WITHDREW = "withdrew", _("Withdrew from the programme")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    MOVED_AWAY = "moved_away", _("Moved away")
    OTHER = "other", _("Other reason")


class CloseReason(models.TextChoices):
    FOLLOW_UP_DONE = "follow_up_done", _("Follow-ups done")
    NOT_REACHABLE = "not_reachable", _("Could not be reached for follow-up")
    MOVED_AWAY = "moved_away", _("Moved away")
    OTHER = "other", _("Other reason")


# The steps a worker can take, in order: the transition and the answers it needs.
STEPS = {
    "start_intake": (),
    "activate": ("decision_text",),
    "decline": ("decline_reason",),
    "pause": ("pause_reason",),
    "resume": (),
    "complete": (),
    "start_follow_up": (),
    "drop_out": ("dropout_reason",),
    "close": ("close_reason",),
}


class ExitCase(ConcurrentTransitionMixin, models.Model):
    """One person's way through the programme (DESIGN: "Gang-exit programme").

    ``protected``: the case itself is flagged (threat, informant ...): like a
    person with a protected identity, only its assigned worker and the unit
    manager reach it, and the person's file is shielded from everyone else
    (casework/persons/cases.py).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(
        DataKey, on_delete=models.PROTECT, related_name="exit_case", editable=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="exit_cases", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="exit_cases", verbose_name=_("unit")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_exit_cases",
        verbose_name=_("assigned to"),
    )
    track = models.CharField(_("track"), max_length=20, choices=Track.choices)
    referral_source = models.CharField(
        _("referred by"), max_length=30, choices=ReferralSource.choices
    )
    protected = models.BooleanField(_("protected case"), default=False)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    inquiry_at = models.DateTimeField(_("inquiry received"))
    inquiry_note = EncryptedTextField(_("the inquiry"), max_length=5000, null=True, blank=True)

    # The intake assessment (recorded while in intake_assessment).
    age_at_intake = models.PositiveSmallIntegerField(_("age at intake"), null=True, blank=True)
    # Age 18-25 chosen for someone outside that age: the seeds' exception
    # (earlier interventions, or a large impact on the local community).
    age_exception = models.BooleanField(_("age group by exception"), default=False)
    age_exception_justification = EncryptedTextField(
        _("why the age group applies"), max_length=2000, null=True, blank=True
    )
    motivation = EncryptedTextField(_("motivation"), max_length=5000, null=True, blank=True)
    threat_assessment = EncryptedTextField(
        _("threat and risk assessment"), max_length=5000, null=True, blank=True
    )
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    intake_recorded_at = models.DateTimeField(null=True, blank=True)

    state = FSMField(
        _("state"),
        default=ExitCaseState.INQUIRY,
        choices=ExitCaseState.choices,
        protected=True,
    )
    # The intake decision's reason in words (accepted or declined).
    decision_text = EncryptedTextField(_("reason for the decision"), max_length=2000, null=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    pause_reason = models.CharField(
        _("reason for pausing"), max_length=30, choices=PauseReason.choices, blank=True
    )
    dropout_reason = models.CharField(
        _("reason for dropping out"), max_length=30, choices=DropoutReason.choices, blank=True
    )
    close_reason = models.CharField(
        _("reason for closing"), max_length=30, choices=CloseReason.choices, blank=True
    )
    intake_started_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The next measurement due (avhopp/schedule.py keeps it): an indexed
    # column, so the start page's list is ordered and paged in SQL.
    next_due_on = models.DateField(null=True, blank=True, editable=False)
    next_due_occasion = models.CharField(
        max_length=20, choices=Occasion.choices, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TrackedManager()
    history = HistoricalRecords(
        history_id_field=models.UUIDField(default=uuid.uuid4),
        excluded_fields=["next_due_on", "next_due_occasion"],
    )

    class Meta:
        verbose_name = _("exit case")
        verbose_name_plural = _("exit cases")
        base_manager_name = "objects"
        default_permissions = ("view",)
        permissions = [
            ("register_exit_case", _("Can register an exit case")),
            ("work_exit_case", _("Can work exit cases")),
            ("assign_exit_case", _("Can assign exit cases")),
        ]
        indexes = [
            models.Index(fields=["unit", "state"], name="avhopp_case_unit_state"),
            models.Index(fields=["person", "state"], name="avhopp_case_person_state"),
            models.Index(
                fields=["assigned_to", "next_due_on"],
                condition=models.Q(erased_at__isnull=True, next_due_on__isnull=False),
                name="avhopp_case_assignee_due",
            ),
            models.Index(
                fields=["unit", "-inquiry_at"],
                condition=models.Q(erased_at__isnull=True),
                name="avhopp_case_unit_newest",
            ),
        ]

    def __str__(self):
        return f"Exit case {self.reference}"

    def get_absolute_url(self):
        return reverse("avhopp:case-detail", kwargs={"pk": self.pk})

    @property
    def reference(self):
        return str(self.id)[:8].upper()

    @property
    def is_erased(self):
        return self.erased_at is not None or self.person.is_erased

    @property
    def is_final(self):
        return self.state in FINAL_STATES

    @property
    def is_shielded(self):
        """Only the assigned worker and the unit manager reach it."""
        return self.protected or self.person.protected_identity

    @transaction.atomic
    def erase(self, *, by=None):
        """Shred this case: its content, plan, measurements, contacts and journal,
        history included; the categorical columns stay for statistics."""
        data_key = DataKey.objects.select_for_update().get(pk=self.data_key_id)
        for model in (JournalEntry, Contact, PlanGoal, Intervention, Measurement):
            for record in model.objects.filter(data_key_id=data_key.pk):
                blank_encrypted_fields(record)
                record._history_user = by
                record.save()
        shred(self, data_key, by=by)

    def _moved(self, by, at):
        self.state_changed_by = by
        self.state_changed_at = at

    # Conditions: pure predicates on the case as it stands, so the state
    # machine says which steps to offer; the reasons a step needs are checked
    # by the service before it puts them on the case.
    def has_measurement(self, occasion):
        return self.measurements.filter(occasion=occasion).exists()

    def intake_is_recorded(self):
        return self.intake_recorded_at is not None and bool(self.risk_level)

    def can_activate(self):
        """Taken in with an assessment made and a baseline to measure against."""
        return self.intake_is_recorded() and self.has_measurement(Occasion.BASELINE)

    def can_complete(self):
        """Completed with the closure measurement that outcomes are read from."""
        return self.has_measurement(Occasion.CLOSURE)

    def can_start_follow_up(self):
        return self.has_measurement(Occasion.FOLLOW_UP_6)

    def close_reasons_allowed(self):
        """ "Follow-ups done" only once the 12-month follow-up is recorded."""
        reasons = set(CloseReason)
        if not self.has_measurement(Occasion.FOLLOW_UP_12):
            reasons.discard(CloseReason.FOLLOW_UP_DONE)
        return reasons

    def can_close(self):
        return not self.close_reason or self.close_reason in self.close_reasons_allowed()

    # Transitions: they change fields on the case and nothing else.
    @transition(
        field=state,
        source=ExitCaseState.INQUIRY,
        target=ExitCaseState.INTAKE_ASSESSMENT,
        permission="avhopp.work_exit_case",
    )
    def start_intake(self, *, by, at):
        self.intake_started_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ExitCaseState.INTAKE_ASSESSMENT,
        target=ExitCaseState.ACTIVE,
        permission="avhopp.work_exit_case",
        conditions=[can_activate],
    )
    def activate(self, *, by, at):
        self.started_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ExitCaseState.INTAKE_ASSESSMENT,
        target=ExitCaseState.DECLINED,
        permission="avhopp.work_exit_case",
    )
    def decline(self, *, by, at):
        self.ended_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ExitCaseState.ACTIVE,
        target=ExitCaseState.PAUSED,
        permission="avhopp.work_exit_case",
    )
    def pause(self, *, by, at):
        self._moved(by, at)

    @transition(
        field=state,
        source=ExitCaseState.PAUSED,
        target=ExitCaseState.ACTIVE,
        permission="avhopp.work_exit_case",
    )
    def resume(self, *, by, at):
        self.pause_reason = ""
        self._moved(by, at)

    @transition(
        field=state,
        source=ExitCaseState.ACTIVE,
        target=ExitCaseState.DROPPED_OUT,
        permission="avhopp.work_exit_case",
    )
    def drop_out(self, *, by, at):
        self.ended_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ExitCaseState.ACTIVE,
        target=ExitCaseState.COMPLETED,
        permission="avhopp.work_exit_case",
        conditions=[can_complete],
    )
    def complete(self, *, by, at):
        self.completed_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=ExitCaseState.COMPLETED,
        target=ExitCaseState.FOLLOW_UP,
        permission="avhopp.work_exit_case",
        conditions=[can_start_follow_up],
    )
    def start_follow_up(self, *, by, at):
        self._moved(by, at)

    @transition(
        field=state,
        source=ExitCaseState.FOLLOW_UP,
        target=ExitCaseState.CLOSED,
        permission="avhopp.work_exit_case",
        conditions=[can_close],
    )
    def close(self, *, by, at):
        self.ended_at = at
        self._moved(by, at)


class CaseRow(models.Model):
    """What the plan's rows and the measurements share: their case, sealed
    under the case's key (shredding the case shreds them), and who added them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(ExitCase, on_delete=models.PROTECT, related_name="+")
    data_key = models.ForeignKey(
        DataKey, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrackedManager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    @property
    def person_id(self):
        """Whom the row is about: its events are the person's (casework/events.py)."""
        return self.case.person_id


class CaseTargetGroup(models.Model):
    """One target group of a case: a row each, so statistics count by group in SQL."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(ExitCase, on_delete=models.CASCADE, related_name="target_groups")
    group = models.CharField(_("target group"), max_length=30, choices=TargetGroup.choices)

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["case", "group"], name="avhopp_target_group_once")
        ]

    def __str__(self):
        return self.group


class PlanGoal(CaseRow):
    case = models.ForeignKey(ExitCase, on_delete=models.PROTECT, related_name="goals")
    text = EncryptedTextField(_("goal"), max_length=2000, null=True)

    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta(CaseRow.Meta):
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        default_permissions = ()

    def __str__(self):
        return f"Goal {str(self.id)[:8]}"


class InterventionKind(models.TextChoices):
    PROTECTED_HOUSING = "protected_housing", _("Protected housing")
    RELOCATION = "relocation", _("Relocation")
    DEBT_COUNSELLING = "debt_counselling", _("Debt counselling")
    EMPLOYMENT_SUPPORT = "employment_support", _("Employment support")
    STUDIES = "studies", _("Studies")
    ADDICTION_TREATMENT = "addiction_treatment", _("Addiction treatment")
    THERAPY = "therapy", _("Therapy or counselling")
    TATTOO_REMOVAL = "tattoo_removal", _("Tattoo removal")
    FAMILY_SUPPORT = "family_support", _("Family support")
    POLICE_CONTACT = "police_contact", _("Contact with the police on threat")
    OTHER = "other", _("Other")


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Intervention(CaseRow):
    case = models.ForeignKey(ExitCase, on_delete=models.PROTECT, related_name="interventions")
    kind = models.CharField(_("intervention"), max_length=30, choices=InterventionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PLANNED,
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible worker"),
    )
    # A partner organisation (the probation service, a treatment home): which
    # one says something about the person, so it is encrypted.
    responsible_organisation = EncryptedTextField(
        _("responsible partner organisation"), max_length=200, null=True, blank=True
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta(CaseRow.Meta):
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="avhopp_intervention_ends_after_start",
            )
        ]

    def __str__(self):
        return f"Intervention {str(self.id)[:8]}"


class Measurement(CaseRow):
    """Where the person stands on each dimension at one occasion.

    Categorical and unencrypted, so statistics never decrypt; "ceased" and
    "reduced" are derived against the baseline (avhopp/outcomes.py), and
    ``positive_development`` keeps that one rule's verdict for counting.
    AUDIT and DUDIT: the item answers are encrypted; the total and its risk
    band are plain.
    """

    case = models.ForeignKey(ExitCase, on_delete=models.PROTECT, related_name="measurements")
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    measured_on = models.DateField(_("date"))
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices)
    drug_use = models.CharField(_("drug use"), max_length=20, choices=Level.choices)
    criminality = models.CharField(_("criminality"), max_length=20, choices=Level.choices)
    housing = models.CharField(_("housing"), max_length=20, choices=Housing.choices)
    network_contact = models.CharField(
        _("contact with the criminal network"), max_length=20, choices=Level.choices
    )
    audit_answers = EncryptedJSONField(_("AUDIT answers"), null=True, blank=True)
    audit_total = models.PositiveSmallIntegerField(_("AUDIT score"), null=True, blank=True)
    audit_band = models.CharField(
        _("AUDIT risk band"), max_length=20, choices=AuditBand.choices, blank=True
    )
    dudit_answers = EncryptedJSONField(_("DUDIT answers"), null=True, blank=True)
    dudit_total = models.PositiveSmallIntegerField(_("DUDIT score"), null=True, blank=True)
    dudit_band = models.CharField(
        _("DUDIT risk band"), max_length=20, choices=DuditBand.choices, blank=True
    )
    # Against the baseline, by avhopp/outcomes.py; None for the baseline itself.
    positive_development = models.BooleanField(null=True, editable=False)

    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta(CaseRow.Meta):
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        default_permissions = ()
        constraints = [
            # One baseline, one closure and one of each follow-up per case;
            # as many measurements during the programme as needed.
            models.UniqueConstraint(
                fields=["case", "occasion"],
                condition=~models.Q(occasion="during"),
                name="avhopp_measurement_once_per_occasion",
            )
        ]
        indexes = [models.Index(fields=["case", "measured_on"], name="avhopp_measurement_case")]

    def __str__(self):
        return f"Measurement {str(self.id)[:8]}"
