"""Contacts and journal notes, shared by every programme's cases."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from casework.persons.models import Person
from vault.fields import EncryptedTextField
from vault.models import DataKey
from vault.querysets import TrackedManager


class ContactKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    PHONE = "phone", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    DIGITAL = "digital", _("Digital meeting")
    SCHOOL_MEETING = "school_meeting", _("School meeting")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    # Met where the young people are (avhopp's preventive track).
    OUTREACH = "outreach", _("Outreach contact")


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
