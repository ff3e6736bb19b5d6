"""Adding, opening and shredding documents.

The caller (a programme's view) has loaded the owner through its own access
rules and says which document types its programme takes; these services
check the file itself, seal it under the person's data key and log every
step.
"""

import tempfile
import uuid

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.documents import content, scanning
from casework.documents.models import Document, documents_storage
from casework.errors import ApplicationError
from casework.events import event_record
from vault.crypto import CiphertextInvalid, value_binding
from vault.keycache import raw_key
from vault.models import DataKey
from vault.streams import stream_open, stream_seal

BLOB_COLUMN = "content"


def _binding(document, key_id):
    return value_binding(Document._meta.db_table, BLOB_COLUMN, document.pk, key_id)


def document_file_check(upload):
    """The accepted Format of ``upload`` (an uploaded file), or an
    ApplicationError on the ``file`` field that says why not."""
    if upload is None:
        raise ApplicationError(_("Choose a file to upload."), field="file")
    if upload.size == 0:
        raise ApplicationError(_("The file is empty."), field="file")
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ApplicationError(
            _("The file is %(size)s; the largest allowed is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES),
            },
            field="file",
        )
    found = content.format_of(upload)
    if found is None:
        raise ApplicationError(
            _(
                "This kind of file cannot be added. Allowed: %(formats)s. "
                "The kind is read from the file's content, not from its name."
            )
            % {"formats": ", ".join(format.name for format in content.ACCEPTED)},
            field="file",
        )
    verdict = scanning.scan_verdict(upload)
    if verdict == scanning.FLAGGED:
        raise ApplicationError(
            _("The virus scanner flagged this file, so it was not added."), field="file"
        )
    if verdict == scanning.UNAVAILABLE:
        raise ApplicationError(
            _(
                "The virus scanner could not check the file, so it was not added. "
                "Try again in a while; if it persists, tell your administrator."
            ),
            field="file",
        )
    return found


def document_add(
    *,
    owner,
    person,
    data_key,
    by,
    upload,
    title,
    document_type,
    document_date,
    types,
    request=None,
):
    """Add ``upload`` to ``owner`` (a person's file or one of their cases).

    ``person``: whom it is about (None for a place); ``data_key``: what it is
    sealed under (the person's, or the owner's own for a place).
    ``types``: the document types the owner's programme takes. Refusals are
    ApplicationError naming the field. Side effects: the sealed blob in the
    documents storage, the document and its history row, an access-log
    event. The blob is removed again if the row is not saved.
    """
    title = (title or "").strip()
    if not title:
        raise ApplicationError(_("Give the document a title."), field="title")
    if document_type not in types:
        raise ApplicationError(_("Choose a document type."), field="document_type")
    if document_date is None:
        raise ApplicationError(_("Give the date of the document."), field="document_date")
    if document_date > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future."), field="document_date")
    found = document_file_check(upload)
    document = Document(
        person=person,
        data_key=data_key,
        owner=owner,
        title=title,
        document_type=document_type,
        document_date=document_date,
        content_type=found.mime,
        size=upload.size,
        blob_name=f"{uuid.uuid4().hex}.sealed",
        added_by=by,
    )
    storage = documents_storage()
    try:
        with transaction.atomic():
            # The key row is locked, so an erasure running now waits for this
            # document and then shreds it too, rather than missing it.
            data_key = DataKey.objects.select_for_update().get(pk=data_key.pk)
            if data_key.is_destroyed:
                raise ApplicationError(_("This file has been erased."))
            _blob_write(document, data_key, upload, storage)
            document._history_user = by
            document.save()
            event_record(
                "create", document, by=by, request=request, detail=f"document:{document_type}"
            )
    except BaseException:
        if storage.exists(document.blob_name):
            storage.delete(document.blob_name)
        raise
    return document


def _blob_write(document, data_key, upload, storage):
    # Sealed into a temporary file first, one chunk at a time: every storage
    # backend takes a file, and nothing holds the whole document in memory.
    upload.seek(0)
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as sealed:
        stream_seal(
            raw_key=raw_key(data_key),
            key_id=data_key.pk,
            binding=_binding(document, data_key.pk),
            source=upload,
            sink=sealed,
        )
        sealed.seek(0)
        saved = storage.save(document.blob_name, File(sealed, name=document.blob_name))
    if saved != document.blob_name:  # the storage renamed it: a name already taken
        storage.delete(saved)
        raise RuntimeError("document blob name already taken")


class DocumentUnreadable(Exception):
    """The blob is missing, damaged, or does not belong to this row."""


def document_chunks(*, document, by, request=None, preview=False):
    """The plaintext of ``document``, as an iterator of chunks, after logging
    the read (action view, detail document_preview or document_download).

    The first chunk is opened before this returns, so a blob that is not this
    row's (moved, altered, erased) raises DocumentUnreadable before a
    response has started.
    """
    if document.is_erased:
        raise DocumentUnreadable("erased")
    data_key = document.data_key
    if data_key.is_destroyed:
        raise DocumentUnreadable("erased")
    try:
        blob = documents_storage().open(document.blob_name, "rb")
    except (FileNotFoundError, OSError):
        raise DocumentUnreadable("missing") from None
    chunks = stream_open(
        raw_key=raw_key(data_key),
        key_id=data_key.pk,
        binding=_binding(document, data_key.pk),
        source=blob,
    )
    try:
        first = next(chunks)
    except CiphertextInvalid:
        blob.close()
        raise DocumentUnreadable("does not open") from None
    event_record(
        "view",
        document,
        by=by,
        request=request,
        detail="document_preview" if preview else "document_download",
    )

    def rest():
        try:
            yield first
            yield from chunks
        finally:
            blob.close()

    return rest()
