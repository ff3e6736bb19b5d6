"""The disclosure log (utlämnande): every time data about a person leaves the system."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vault.fields import EncryptedTextField
from vault.querysets import TrackedManager


class DisclosureKind(models.TextChoices):
    REPORT_OF_CONCERN = "report_of_concern", _("Report of concern to social services")
    POLICE = "police", _("Disclosure to the police")
    AUTHORITY = "authority", _("Disclosure to another authority")
    SUBJECT_ACCESS = "subject_access", _("Subject access copy to the person")
    OTHER = "other", _("Other disclosure")


class LegalGround(models.TextChoices):
    """Why secrecy did not stand in the way: categories a reviewer can check."""

    DUTY_TO_REPORT = "duty_to_report", _("Duty to report concern (SoL 14 kap. 1 §)")
    CONSENT = "consent", _("Consent of the person or guardian (OSL 10 kap. 1 §)")
    NECESSARY = "necessary", _("Necessary for the authority's task (OSL 10 kap. 2 §)")
    CRIME = "crime", _("Suspicion of crime (OSL 10 kap. 21-24 §§)")
    REQUEST_BY_LAW = "request_by_law", _("Duty to provide under another law (OSL 10 kap. 28 §)")
    SUBJECT_ACCESS = "subject_access", _("The person's right of access (GDPR art. 15)")
    COURT = "court", _("Order of a court")


class Disclosure(models.Model):
    """One disclosure: to whom, on what ground, what, who decided and when.

    The recipient and what was disclosed are sealed under the person's data
    key: they describe the person's matter, and go when the file is erased.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "casework.Person", on_delete=models.PROTECT, related_name="disclosures"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DisclosureKind.choices)
    legal_ground = models.CharField(_("legal ground"), max_length=20, choices=LegalGround.choices)
    recipient = EncryptedTextField(
        _("recipient"), max_length=300, null=True, key="person.data_key"
    )
    content = EncryptedTextField(
        _("what was disclosed"), max_length=2000, null=True, key="person.data_key"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    disclosed_at = models.DateTimeField(_("disclosed"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        base_manager_name = "objects"
        default_permissions = ()
        indexes = [
            models.Index(fields=["person", "-disclosed_at"], name="casework_disclosure_person")
        ]

    def __str__(self):
        return f"Disclosure {str(self.id)[:8]}"
