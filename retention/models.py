"""Legal holds and the tombstones retention leaves."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from retention.rules import Rule
from vault.fields import EncryptedTextField
from vault.querysets import TrackedManager


class HoldReason(models.TextChoices):
    PROCEEDINGS = "proceedings", _("Court or tribunal proceedings")
    COMPLAINT = "complaint", _("Complaint or supervisory case (IVO, JO)")
    REQUEST = "request", _("Pending request for the documents")
    OTHER = "other", _("Other (explained in the note)")


class LegalHold(models.Model):
    """Stops the erasure of a person's file until lifted.

    The note is sealed under the person's data key: it may describe the
    person's matter, and goes with the file if the file is ever erased.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "casework.Person", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=HoldReason.choices)
    note = EncryptedTextField(
        _("note"), max_length=1000, null=True, blank=True, key="person.data_key"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    placed_at = models.DateTimeField(default=timezone.now, editable=False)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        base_manager_name = "objects"
        default_permissions = ()
        permissions = [
            ("view_retention_due", _("Can see which files are due for erasure")),
            ("place_legal_hold", _("Can place and lift a legal hold")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(lifted_at__isnull=True),
                name="retention_one_active_hold",
            )
        ]

    def __str__(self):
        return f"Legal hold {str(self.id)[:8]}"

    @property
    def is_active(self):
        return self.lifted_at is None


class Erasure(models.Model):
    """The tombstone of a file erased by retention: which rule, when, in which run.

    Nothing personal: the person's row stays with its categorical columns
    (what the statistics count), emptied of everything else.
    """

    id = models.BigAutoField(primary_key=True)
    person = models.OneToOneField(
        "casework.Person", on_delete=models.PROTECT, related_name="retention_erasure"
    )
    rule = models.CharField(max_length=20, choices=Rule.choices)
    last_entry_at = models.DateTimeField()
    erased_at = models.DateTimeField(default=timezone.now)
    run = models.UUIDField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"Erasure {self.pk}"
