"""Subject access requests (registerutdrag, GDPR art. 15) and what was withheld.

Free text is sealed under the person's data key: it may describe the
person's matter, and erasing the person's file shreds it with the rest.
"""

import calendar
import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vault.fields import EncryptedTextField
from vault.querysets import TrackedManager


def one_month_after(day):
    """The same day a month later, or the month's last day (31 January → 28/29
    February): GDPR art. 12.3, "within one month of receipt"."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    DELIVERED = "delivered", _("Delivered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeliveryMethod(models.TextChoices):
    POST = "post", _("By post")
    IN_PERSON = "in_person", _("In person")
    DIGITAL = "digital", _("Digitally")


class WithholdingGround(models.TextChoices):
    """Secrecy provisions that can stand against the person's own access."""

    REPORTER = "osl_26_5", _("OSL 26 kap. 5 § (a reporter's identity)")
    THIRD_PARTY = "osl_26_1", _("OSL 26 kap. 1 § (another person's circumstances)")
    INVESTIGATION = "osl_18_1", _("OSL 18 kap. 1 § (a criminal investigation)")
    OTHER = "other", _("Other secrecy provision (explained in the note)")


class SubjectAccessRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "casework.Person", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    received_on = models.DateField(_("request received"))
    # One month after receipt; a column so that lists can order and mark in SQL.
    due_on = models.DateField(_("due"), db_index=True, editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    note = EncryptedTextField(
        _("note"), max_length=2000, null=True, blank=True, key="person.data_key"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    registered_at = models.DateTimeField(default=timezone.now, editable=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    delivery_method = models.CharField(
        _("delivered how"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("subject access request")
        verbose_name_plural = _("subject access requests")
        base_manager_name = "objects"
        default_permissions = ()
        permissions = [
            ("handle_subject_access", _("Can handle subject access requests")),
        ]

    def __str__(self):
        return f"Subject access request {str(self.id)[:8]}"

    @property
    def is_open(self):
        return self.state == RequestState.RECEIVED

    def is_overdue(self, today=None):
        return self.is_open and (today or timezone.localdate()) > self.due_on


class Withholding(models.Model):
    """One item of the export kept from the person under secrecy, and who decided."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="withholdings"
    )
    # The item's stable key from subject_access.collect, e.g.
    # "casework.under15report:<uuid>:summary".
    item_key = models.CharField(max_length=200)
    ground = models.CharField(_("legal ground"), max_length=20, choices=WithholdingGround.choices)
    note = EncryptedTextField(
        _("note"), max_length=1000, null=True, blank=True, key="request.person.data_key"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("withheld item")
        verbose_name_plural = _("withheld items")
        base_manager_name = "objects"
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["request", "item_key"], name="subject_access_withheld_once"
            )
        ]

    def __str__(self):
        return f"Withholding {str(self.id)[:8]}"
