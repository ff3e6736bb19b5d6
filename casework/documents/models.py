"""Documents on a file: scans, letters, decisions, a police notification.

A document belongs to one owner (a person's file, a report, an SSPF
referral, an exit case) and inherits exactly the owner's access: every view
loads the owner through its programme's own selector first. The content is
sealed under the person's data key (vault/streams.py; a place concern's
under the referral's own) and kept through
Django's storage API under a random name; the row holds only what the
lists need, its title sealed like any other free text. History records the
metadata, never the content.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.documents import content
from vault.fields import EncryptedTextField
from vault.querysets import TrackedManager


class DocumentType(models.TextChoices):
    POLICE_NOTIFICATION = "police_notification", _("Police notification")
    CONSENT_FORM = "consent_form", _("Consent form")
    ASSESSMENT = "assessment", _("Assessment")
    DECISION = "decision", _("Decision")
    AGREEMENT = "agreement", _("Signed agreement")
    MINUTES = "minutes", _("Minutes")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Whom it is about; none for a concern about a place.
    person = models.ForeignKey(
        "casework.Person",
        on_delete=models.PROTECT,
        null=True,
        related_name="documents",
        editable=False,
    )
    # What the title and the content are sealed under: the person's data key,
    # or for a concern about a place the referral's own.
    data_key = models.ForeignKey(
        "vault.DataKey", on_delete=models.PROTECT, related_name="+", editable=False
    )
    # The owner: the person's file itself, or one of their cases or referrals.
    owner_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", editable=False
    )
    owner_id = models.UUIDField(editable=False)
    owner = GenericForeignKey("owner_type", "owner_id")
    title = EncryptedTextField(_("title"), max_length=200, null=True)
    document_type = models.CharField(
        _("document type"), max_length=30, choices=DocumentType.choices
    )
    document_date = models.DateField(_("date of the document"))
    # Decided from the content (casework/documents/content.py).
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    # A random name in the documents storage: never the uploaded file's name.
    blob_name = models.CharField(max_length=100, unique=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TrackedManager()
    history = HistoricalRecords(history_id_field=models.UUIDField(default=uuid.uuid4))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        base_manager_name = "objects"
        default_permissions = ()
        indexes = [
            # A case's documents, newest first: the only list there is.
            models.Index(
                fields=["owner_type", "owner_id", "-added_at"], name="casework_document_owner"
            ),
        ]

    def __str__(self):
        return f"Document {str(self.id)[:8]}"

    @property
    def label(self):
        return str(self)

    @property
    def is_erased(self):
        return self.erased_at is not None

    @property
    def previewable(self):
        """An image or a PDF, which the browser may show from the decrypted stream."""
        return self.content_type in content.PREVIEWABLE


def documents_storage():
    """Where the sealed blobs are kept (STORAGES["documents"])."""
    return storages["documents"]


def documents_shred(*, sealed_under, owner, by=None):
    """Shred the documents sealed under ``sealed_under`` (a data key being
    destroyed) or owned by ``owner`` (a case being erased): titles emptied,
    marked erased, the blobs deleted from storage once the erasure commits.

    Part of the crypto-shredding of ``casework.persons.models.shred``: the
    content is unreadable once the person's key is gone; deleting the blobs
    frees the space and leaves nothing to try keys on.
    """
    documents = Document.objects.filter(erased_at__isnull=True).filter(
        models.Q(data_key=sealed_under)
        | models.Q(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
    )
    names = []
    for document in documents:
        document.title = None
        document.erased_at = timezone.now()
        document._history_user = by
        document.save()
        names.append(document.blob_name)
    if names:
        storage = documents_storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
