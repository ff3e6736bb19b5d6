"""SSPF groups (samverkan skola, socialtjänst, polis, fritid), one per local area."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from accounts.models import District
from vault.fields import EncryptedTextField
from vault.models import DataKey
from vault.querysets import TrackedManager


class Organisation(models.TextChoices):
    SCHOOL = "school", _("School")
    SOCIAL_SERVICES = "social_services", _("Social services")
    POLICE = "police", _("Police")
    LEISURE = "leisure", _("Leisure")


class SspfGroup(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="sspf_groups", verbose_name=_("district")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="SspfMembership",
        related_name="sspf_groups",
        verbose_name=_("members"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SSPF group")
        verbose_name_plural = _("SSPF groups")

    def __str__(self):
        return self.name


class SspfMembership(models.Model):
    group = models.ForeignKey(
        SspfGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sspf_memberships",
        verbose_name=_("user"),
    )
    organisation = models.CharField(_("organisation"), max_length=20, choices=Organisation.choices)

    class Meta:
        ordering = ["group__name", "organisation"]
        verbose_name = _("SSPF membership")
        verbose_name_plural = _("SSPF memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="sspf_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_organisation_display()}), {self.group}"


# --- Concern referrals --------------------------------------------------------------------


class ConcernCategory(models.TextChoices):
    TRUANCY = "truancy", _("Truancy / school absence")
    SUSPECTED_CRIME = "suspected_crime", _("Suspected crime")
    DRUG_USE = "drug_use", _("Drug use")
    GANG = "gang", _("Gang affiliation or recruitment attempts")
    VIOLENCE = "violence", _("Violence or threats")
    WORRYING_COMPANY = "worrying_company", _("Worrying company")
    EXPLOITATION = "exploitation", _("Exploitation")
    OTHER = "other", _("Other")


class ReferralState(models.TextChoices):
    RAISED = "raised", _("Raised")
    CONSENT_PENDING = "consent_pending", _("Waiting for consent")
    CONSENT_GIVEN = "consent_given", _("Consent given")
    CONSENT_REFUSED = "consent_refused", _("Consent refused")
    IN_REVIEW = "in_review", _("In review")
    ACTION_AGREED = "action_agreed", _("Action agreed")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    REPORTED = "reported_to_social_services", _("Reported to social services")


class ReferralCloseReason(models.TextChoices):
    RESOLVED = "resolved", _("The concern is resolved")
    NO_ACTION = "no_action", _("No action needed")
    MOVED_AWAY = "moved_away", _("Moved away")
    ELSEWHERE = "elsewhere", _("Handled elsewhere")
    NO_CONSENT = "no_consent", _("No consent, nothing more to do in the group")


# A referral that is closed or handed to social services takes no further step.
FINISHED_STATES = (ReferralState.CLOSED, ReferralState.REPORTED)
OPEN_REFERRAL_STATES = [state for state in ReferralState if state not in FINISHED_STATES]


class ConcernReferral(ConcurrentTransitionMixin, models.Model):
    """A concern raised in an SSPF group about one youth or about a place.

    About a youth: ``person`` is set and the free text is sealed under the
    youth's data key, so erasing the person shreds it. About a place or a
    group of youths: no person, no consent; the text is sealed under a data
    key of the referral's own rather than the group's or the system's, so
    that one referral can be shredded at the end of its retention without
    touching the group's other referrals, and a leaked key exposes one
    referral only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Pseudonymous and shown to the group where the youth may not be named: S-2026-014.
    label = models.CharField(_("label"), max_length=20, unique=True, editable=False)
    group = models.ForeignKey(
        SspfGroup, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("group")
    )
    person = models.ForeignKey(
        "casework.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sspf_referrals",
        verbose_name=_("youth"),
    )
    data_key = models.ForeignKey(
        DataKey, on_delete=models.PROTECT, related_name="+", editable=False
    )
    category = models.CharField(_("concern"), max_length=20, choices=ConcernCategory.choices)
    place = EncryptedTextField(_("place or group"), max_length=300, null=True, blank=True)
    concern = EncryptedTextField(_("what gives concern"), max_length=5000, null=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    raised_for = models.CharField(
        _("raised for"), max_length=20, choices=Organisation.choices, editable=False
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now, editable=False)
    state = FSMField(
        _("state"), default=ReferralState.RAISED, choices=ReferralState.choices, protected=True
    )
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    state_changed_at = models.DateTimeField(null=True)
    # Set when the group reviews a youth's referral without consent.
    reviewed_deidentified = models.BooleanField(default=False)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ReferralCloseReason.choices, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # The report of concern (orosanmälan) to social services: when and by whom.
    reported_at = models.DateTimeField(null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("concern referral")
        verbose_name_plural = _("concern referrals")
        base_manager_name = "objects"
        default_permissions = ("view",)
        permissions = [
            ("raise_referral", _("Can raise a concern in an SSPF group")),
            ("work_referral", _("Can take a referral's steps and record consent")),
        ]
        indexes = [
            models.Index(fields=["group", "state", "raised_at"], name="sspf_referral_group_open"),
        ]

    def __str__(self):
        return f"Referral {self.label}"

    @property
    def about_youth(self):
        return self.person_id is not None

    @property
    def is_open(self):
        return self.state not in FINISHED_STATES

    def _moved(self, by, at):
        self.state_changed_by = by
        self.state_changed_at = at

    # Conditions: pure predicates on the referral as it stands.
    def can_ask_consent(self):
        return self.about_youth

    def can_review(self):
        """A place concern goes straight to review; a youth's after consent."""
        return not self.about_youth or self.state == ReferralState.CONSENT_GIVEN

    def can_review_deidentified(self):
        return self.about_youth

    def can_report_to_social_services(self):
        """A youth's referral; the duty to report needs no consent."""
        return self.about_youth

    @transition(
        field=state,
        source=ReferralState.RAISED,
        target=ReferralState.CONSENT_PENDING,
        permission="sspf.work_referral",
        conditions=[can_ask_consent],
    )
    def ask_consent(self, *, by, at):
        self._moved(by, at)

    @transition(
        field=state,
        source=ReferralState.CONSENT_PENDING,
        target=ReferralState.CONSENT_GIVEN,
        permission="sspf.work_referral",
    )
    def give_consent(self, *, by, at):
        self._moved(by, at)

    @transition(
        field=state,
        source=ReferralState.CONSENT_PENDING,
        target=ReferralState.CONSENT_REFUSED,
        permission="sspf.work_referral",
    )
    def refuse_consent(self, *, by, at):
        self._moved(by, at)

    @transition(
        field=state,
        source=[ReferralState.RAISED, ReferralState.CONSENT_GIVEN],
        target=ReferralState.IN_REVIEW,
        permission="sspf.work_referral",
        conditions=[can_review],
    )
    def review(self, *, by, at):
        self._moved(by, at)

    @transition(
        field=state,
        source=[
            ReferralState.RAISED,
            ReferralState.CONSENT_PENDING,
            ReferralState.CONSENT_REFUSED,
        ],
        target=ReferralState.IN_REVIEW,
        permission="sspf.work_referral",
        conditions=[can_review_deidentified],
    )
    def review_deidentified(self, *, by, at):
        self.reviewed_deidentified = True
        self._moved(by, at)

    @transition(
        field=state,
        source=ReferralState.IN_REVIEW,
        target=ReferralState.ACTION_AGREED,
        permission="sspf.work_referral",
    )
    def agree_action(self, *, by, at):
        self._moved(by, at)

    @transition(
        field=state,
        source=ReferralState.ACTION_AGREED,
        target=ReferralState.FOLLOW_UP,
        permission="sspf.work_referral",
    )
    def follow_up(self, *, by, at):
        self._moved(by, at)

    @transition(
        field=state,
        source=[ReferralState.IN_REVIEW, ReferralState.FOLLOW_UP, ReferralState.CONSENT_REFUSED],
        target=ReferralState.CLOSED,
        permission="sspf.work_referral",
    )
    def close(self, *, by, at):
        self.closed_at = at
        self._moved(by, at)

    @transition(
        field=state,
        source=OPEN_REFERRAL_STATES,
        target=ReferralState.REPORTED,
        permission="sspf.raise_referral",
        conditions=[can_report_to_social_services],
    )
    def report_to_social_services(self, *, by, at):
        self.reported_at = at
        self.reported_by = by
        self._moved(by, at)


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("In writing")
    ORAL = "oral", _("Orally, noted by the member")


class Consent(models.Model):
    """A guardian consent (samtycke) to share a youth's identity in the group.

    It holds from ``given_on`` until ``expires_on`` or ``withdrawn_on``, for
    the organisations it names, and only where the guardians (and a youth of
    15 or more, themselves) agreed; selectors.py decides, by date at request
    time. A refusal is a record too (``granted`` false), so the file shows it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        ConcernReferral, on_delete=models.PROTECT, related_name="consents"
    )
    granted = models.BooleanField(_("consent given"))
    guardian_one = models.BooleanField(_("first guardian agrees"), default=False)
    # False where the youth has one guardian only, or the second did not agree.
    guardian_two = models.BooleanField(_("second guardian agrees"), default=False)
    youth_agrees = models.BooleanField(_("the youth agrees"), default=False)
    # The youth's own view, in their words: sealed under the youth's key.
    youth_view = EncryptedTextField(
        _("the youth's own view"), max_length=2000, null=True, blank=True, key="referral.data_key"
    )
    method = models.CharField(_("how"), max_length=10, choices=ConsentMethod.choices)
    given_on = models.DateField(_("date"))
    expires_on = models.DateField(_("valid until"))
    covers_school = models.BooleanField(_("school"), default=False)
    covers_social_services = models.BooleanField(_("social services"), default=False)
    covers_police = models.BooleanField(_("police"), default=False)
    covers_leisure = models.BooleanField(_("leisure"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    withdrawn_on = models.DateField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        base_manager_name = "objects"
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("given_on")),
                name="sspf_consent_expires_after_given",
            ),
        ]

    def __str__(self):
        return f"Consent {str(self.id)[:8]}"

    @property
    def organisations(self):
        return [
            organisation
            for organisation in Organisation
            if getattr(self, f"covers_{organisation.value}")
        ]

    def covers(self, organisation):
        return getattr(self, f"covers_{Organisation(organisation).value}")


# --- Meetings ----------------------------------------------------------------------------


class SspfMeeting(models.Model):
    """A meeting of an SSPF group; its agenda is built from the group's open
    referrals and the open actions of earlier meetings."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(
        SspfGroup, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("group")
    )
    starts_at = models.DateTimeField(_("time"))
    # Where the group meets (a room, a school): no one's personal data.
    venue = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("SSPF meeting")
        verbose_name_plural = _("SSPF meetings")
        base_manager_name = "objects"
        default_permissions = ("view",)
        permissions = [("hold_meeting", _("Can schedule SSPF meetings and keep their minutes"))]
        indexes = [models.Index(fields=["group", "starts_at"], name="sspf_meeting_group_time")]

    def __str__(self):
        return f"Meeting {str(self.id)[:8]}"


class AgendaItem(models.Model):
    """One referral on a meeting's agenda, in its place, with what was said
    about it (sealed under the referral's key: the youth's, or the place
    concern's own)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(SspfMeeting, on_delete=models.PROTECT, related_name="items")
    referral = models.ForeignKey(
        ConcernReferral, on_delete=models.PROTECT, related_name="agenda_items"
    )
    data_key = models.ForeignKey(
        DataKey, on_delete=models.PROTECT, related_name="+", editable=False
    )
    position = models.PositiveSmallIntegerField()
    discussion = EncryptedTextField(
        _("what was discussed"), max_length=10000, null=True, blank=True
    )
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        base_manager_name = "objects"
        default_permissions = ()
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "referral"], name="sspf_agenda_referral_once"
            ),
        ]

    def __str__(self):
        return f"Agenda item {str(self.id)[:8]}"


class AgreedAction(models.Model):
    """An action the group agreed on for a referral: who does what by when.
    Open until done; an open action goes on the next meeting's agenda."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(ConcernReferral, on_delete=models.PROTECT, related_name="actions")
    agreed_at = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="actions", verbose_name=_("agreed at")
    )
    data_key = models.ForeignKey(
        DataKey, on_delete=models.PROTECT, related_name="+", editable=False
    )
    description = EncryptedTextField(_("action"), max_length=2000, null=True)
    responsible_organisation = models.CharField(
        _("responsible organisation"), max_length=20, choices=Organisation.choices
    )
    responsible_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sspf_actions",
        verbose_name=_("responsible member"),
    )
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        base_manager_name = "objects"
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["responsible_member", "done_on", "due_on"], name="sspf_action_member"
            ),
            models.Index(fields=["referral", "done_on"], name="sspf_action_referral"),
        ]

    def __str__(self):
        return f"Action {str(self.id)[:8]}"

    @property
    def is_open(self):
        return self.done_on is None
