"""Documents through a file's life: erasing one case shreds that case's
documents and no other; a document is an entry in the file for retention;
the subject-access export lists it (tests/subject_access)."""

import datetime

import pytest
from django.utils import timezone

from casework.documents.models import Document
from casework.documents.services import DocumentUnreadable, document_add, document_chunks
from casework.reports.pages import REPORT_DOCUMENT_PAGES
from casework.reports.services import report_erase, report_register, report_take_step
from retention.services import retention_run
from tests.documents import samples
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db(transaction=True)

AFTER_FIVE_YEARS = datetime.timedelta(days=5 * 365 + 3)


def add(report, by, title):
    return document_add(
        owner=report,
        person=report.person,
        data_key=report.person.data_key,
        by=by,
        upload=upload(samples.pdf()),
        title=title,
        document_type="letter",
        document_date=timezone.localdate(),
        types=REPORT_DOCUMENT_PAGES.types,
    )


def test_erasing_a_case_shreds_its_documents_and_no_other(worker, person, report, district):
    other = report_register(
        by=worker,
        person=person,
        police_reference="5000-K7002-26",
        offence_category="vandalism",
        offence_date=timezone.localdate() - datetime.timedelta(days=1),
        received_at=timezone.now() - datetime.timedelta(hours=2),
        district=district,
        summary="Klotter.",
    )
    gone, kept = add(report, worker, "Brev ett"), add(other, worker, "Brev två")

    report_erase(report=report, by=worker)

    erased = Document.objects.get(pk=gone.pk)
    assert erased.is_erased and erased.title is None
    with pytest.raises(DocumentUnreadable):
        document_chunks(document=erased, by=worker)
    still = Document.objects.get(pk=kept.pk)
    assert still.title == "Brev två"
    assert b"".join(document_chunks(document=still, by=worker)) == samples.pdf()


def test_a_newer_document_keeps_the_file_from_retention(worker, person, report):
    report_take_step(report=report, step="close_on_receipt", by=worker, close_reason="duplicate")
    document = add(report, worker, "Sent brev")
    later = timezone.now() + datetime.timedelta(days=2 * 365)
    Document.history.filter(id=document.pk).update(history_date=later)

    due = {f.person_id for f in retention_run(at=timezone.now() + AFTER_FIVE_YEARS).due}
    assert person.pk not in due
    due = {f.person_id for f in retention_run(at=later + AFTER_FIVE_YEARS, dry_run=True).due}
    assert person.pk in due
