"""Documents at rest: only ciphertext in the storage and the database, a blob
does not open on another document's row, and after erasure nothing opens."""

import pytest
from django.utils import timezone

from casework.documents import services
from casework.documents.models import Document
from casework.documents.services import DocumentUnreadable, document_chunks, documents_storage
from casework.persons.documents import PERSON_DOCUMENT_TYPES
from casework.persons.services import person_erase
from casework.reports.pages import REPORT_DOCUMENT_PAGES
from tests.documents import samples
from tests.documents.conftest import upload
from tests.dump import database_dump
from tests.factories import UserFactory
from vault.models import KeyDestroyed

TITLE = "Beslut om insats för Tindra"


def add(owner, person, by, data, title=TITLE, types=PERSON_DOCUMENT_TYPES, kind="decision"):
    return services.document_add(
        owner=owner,
        person=person,
        data_key=person.data_key,
        by=by,
        upload=upload(data),
        title=title,
        document_type=kind,
        document_date=timezone.localdate(),
        types=types,
    )


def stored_bytes(root):
    return b"".join(path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file())


def read(document, by):
    return b"".join(document_chunks(document=Document.objects.get(pk=document.pk), by=by))


@pytest.mark.django_db(transaction=True)
def test_neither_the_storage_nor_the_database_holds_the_content(
    worker, person, report, documents_root
):
    for kind in sorted(samples.ACCEPTED):
        make, _ = samples.ACCEPTED[kind]
        add(report, person, worker, make(), types=REPORT_DOCUMENT_PAGES.types)
    add(person, person, worker, samples.text())
    stored = stored_bytes(documents_root)
    assert len(list(documents_root.rglob("*.sealed"))) == 9
    dump = database_dump()
    for secret in (samples.SECRET, "Skolfrånvarosson", "Ilona", TITLE, "Tindra"):
        assert secret.encode() not in stored, secret
        assert secret.encode("latin-1", "replace") not in stored, secret
        assert secret not in dump, secret
    # The file names in the storage are random, never a title or an upload's name.
    assert not any("dokument" in path.name for path in documents_root.rglob("*"))


@pytest.mark.django_db
def test_a_blob_moved_to_another_documents_row_does_not_open(worker, person, documents_root):
    first = add(person, person, worker, samples.pdf())
    second = add(person, person, worker, samples.text(), title="Brev")
    assert read(first, worker) == samples.pdf()
    # An attacker with the storage copies the first blob over the second's.
    (documents_root / second.blob_name).write_bytes(
        (documents_root / first.blob_name).read_bytes()
    )
    with pytest.raises(DocumentUnreadable):
        read(second, worker)


@pytest.mark.django_db
def test_a_document_whose_blob_is_gone_is_unreadable(worker, person, documents_root):
    document = add(person, person, worker, samples.pdf())
    (documents_root / document.blob_name).unlink()
    with pytest.raises(DocumentUnreadable):
        read(document, worker)


@pytest.mark.django_db(transaction=True)
def test_after_the_person_is_erased_nothing_opens_and_the_blobs_are_gone(
    worker, person, report, documents_root
):
    on_file = add(person, person, worker, samples.pdf())
    on_report = add(report, person, worker, samples.png(), types=REPORT_DOCUMENT_PAGES.types)
    blob = (documents_root / on_file.blob_name).read_bytes()
    history_ids = list(on_file.history.values_list("history_id", flat=True))

    person_erase(person=person, by=UserFactory(username="radera"))

    for document in (on_file, on_report):
        stored = Document.objects.get(pk=document.pk)
        assert stored.is_erased and stored.title is None
        with pytest.raises(DocumentUnreadable):
            read(document, worker)
        assert not documents_storage().exists(document.blob_name)
    # Even a copy of the blob kept elsewhere no longer opens: its key is destroyed.
    (documents_root / on_file.blob_name).write_bytes(blob)
    with pytest.raises(DocumentUnreadable):
        read(on_file, worker)
    # History kept the metadata, and holds no readable title.
    for history_id in history_ids:
        row = Document.history.get(history_id=history_id)
        assert row.document_type == "decision"
        with pytest.raises(KeyDestroyed):
            row.title


@pytest.mark.django_db
def test_history_records_the_metadata_never_the_content(worker, person):
    document = add(person, person, worker, samples.text())
    row = document.history.get()
    assert row.document_type == "decision" and row.size == len(samples.text())
    assert row.content_type == "text/plain" and row.history_user == worker
    fields = {field.name for field in Document.history.model._meta.fields}
    assert not fields & {"content", "data", "file"}
