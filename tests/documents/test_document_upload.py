"""Adding a document to a report through its page: every accepted kind comes
back byte for byte; anything else is refused with a message in Swedish and
what the user typed is kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from casework.documents.models import Document
from tests.conftest import sign_in, swedish
from tests.documents import samples

pytestmark = pytest.mark.django_db


def add_url(report):
    return reverse("casework:report-document-add", kwargs={"pk": report.pk})


def form_data(data, name, **fields):
    from tests.documents.conftest import upload

    return {
        "title": "Polisens underrättelse",
        "document_type": "police_notification",
        "document_date": timezone.localdate().isoformat(),
        "file": upload(data, name=name),
        **fields,
    }


@pytest.mark.parametrize("kind", sorted(samples.ACCEPTED))
def test_each_accepted_kind_goes_in_and_comes_back_unchanged(client, worker, report, kind):
    make, mime = samples.ACCEPTED[kind]
    data = make()
    sign_in(client, worker)
    # The name says nothing true: the content decides the kind.
    response = client.post(add_url(report), form_data(data, f"scan.{kind}.bin"))
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert document.content_type == mime and document.size == len(data)
    download = client.get(
        reverse(
            "casework:report-document-download",
            kwargs={"pk": report.pk, "document_pk": document.pk},
        )
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == mime
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"].startswith("sandbox")


def test_the_upload_and_the_download_are_in_the_access_log(client, worker, report):
    sign_in(client, worker)
    client.post(add_url(report), form_data(samples.pdf(), "a.pdf"))
    document = Document.objects.get()
    client.get(
        reverse(
            "casework:report-document-download",
            kwargs={"pk": report.pk, "document_pk": document.pk},
        )
    )
    events = AccessEvent.objects.filter(object_type="casework.document", object_id=document.pk)
    assert set(events.values_list("action", "detail")) == {
        ("create", "document:police_notification"),
        ("view", "document_download"),
    }
    assert all(event.person_ref == report.person_id for event in events)


def refused_message(key):
    limit = "25,0\xa0MB"
    return {
        "executable": swedish(
            "This kind of file cannot be added. Allowed: %(formats)s. "
            "The kind is read from the file's content, not from its name.",
            formats="PDF, JPEG, PNG, HEIC, Word (DOCX), Excel (XLSX), OpenDocument (ODT), Text",
        ),
        "empty": swedish("The file is empty."),
        "over_size": swedish(
            "The file is %(size)s; the largest allowed is %(limit)s.", size="", limit=limit
        ).split(";")[1],
    }[key]


@pytest.mark.parametrize(
    "data, name, message",
    [
        pytest.param(samples.executable(), "kallelse.pdf", "executable", id="disguised-exe"),
        pytest.param(samples.html(), "beslut.pdf", "executable", id="html-as-pdf"),
        pytest.param(samples.svg(), "bild.png", "executable", id="svg-as-png"),
        pytest.param(samples.plain_zip(), "avtal.docx", "executable", id="zip-as-docx"),
        pytest.param(b"", "tom.pdf", "empty", id="empty"),
    ],
)
def test_it_refuses_what_is_not_on_the_list_and_keeps_what_was_typed(
    client, worker, report, data, name, message
):
    sign_in(client, worker)
    response = client.post(
        add_url(report),
        form_data(data, name, title="Kallelse till möte", document_type="letter"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert refused_message(message) in page
    assert 'value="Kallelse till möte"' in page
    assert '<option value="letter" selected>' in page
    assert not Document.objects.exists()


def test_it_refuses_a_file_over_the_limit(client, worker, report, settings):
    settings.DOCUMENT_MAX_BYTES = 25 * 1024 * 1024
    sign_in(client, worker)
    big = samples.pdf() + b"\0" * (25 * 1024 * 1024)
    response = client.post(add_url(report), form_data(big, "stor.pdf"))
    assert response.status_code == 400
    assert refused_message("over_size") in response.content.decode()
    assert not Document.objects.exists()


def test_it_asks_for_a_title_a_type_and_a_date_not_in_the_future(client, worker, report):
    sign_in(client, worker)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        add_url(report), form_data(samples.pdf(), "a.pdf", document_date=tomorrow)
    )
    assert response.status_code == 400
    assert swedish("The date cannot be in the future.") in response.content.decode()
    response = client.post(add_url(report), form_data(samples.pdf(), "a.pdf", title=""))
    assert response.status_code == 400
    # A type the report's programme does not take is not offered, nor accepted.
    response = client.post(
        add_url(report), form_data(samples.pdf(), "a.pdf", document_type="minutes")
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_the_document_shows_in_the_reports_timeline(client, worker, report):
    sign_in(client, worker)
    client.post(add_url(report), form_data(samples.pdf(), "a.pdf"))
    document = Document.objects.get()
    page = client.get(reverse("casework:report-detail", kwargs={"pk": report.pk}))
    html = page.content.decode()
    assert "Polisens underrättelse" in html
    assert (
        reverse(
            "casework:report-document-preview",
            kwargs={"pk": report.pk, "document_pk": document.pk},
        )
        in html
    )


def test_a_preview_is_drawn_from_the_decrypted_stream_and_cannot_run(client, worker, report):
    sign_in(client, worker)
    client.post(add_url(report), form_data(samples.png(), "bild.png"))
    document = Document.objects.get()
    kwargs = {"pk": report.pk, "document_pk": document.pk}
    page = client.get(reverse("casework:report-document-preview", kwargs=kwargs))
    assert page.status_code == 200
    content_url = reverse("casework:report-document-content", kwargs=kwargs)
    assert f'src="{content_url}"' in page.content.decode()
    shown = client.get(content_url)
    assert b"".join(shown.streaming_content) == samples.png()
    assert shown["Content-Disposition"].startswith("inline;")
    assert "sandbox" in shown["Content-Security-Policy"]
    assert shown["X-Content-Type-Options"] == "nosniff"
    events = AccessEvent.objects.filter(object_type="casework.document", detail="document_preview")
    assert events.count() == 1


def test_a_document_that_cannot_be_previewed_has_no_preview(client, worker, report):
    sign_in(client, worker)
    client.post(add_url(report), form_data(samples.docx(), "avtal.docx", document_type="decision"))
    document = Document.objects.get()
    kwargs = {"pk": report.pk, "document_pk": document.pk}
    assert (
        client.get(reverse("casework:report-document-preview", kwargs=kwargs)).status_code == 404
    )
    assert (
        client.get(reverse("casework:report-document-content", kwargs=kwargs)).status_code == 404
    )


def test_a_pdf_preview_may_be_framed_only_by_the_app_itself(client, worker, report):
    sign_in(client, worker)
    client.post(add_url(report), form_data(samples.pdf(), "beslut.pdf"))
    document = Document.objects.get()
    kwargs = {"pk": report.pk, "document_pk": document.pk}
    page = client.get(reverse("casework:report-document-preview", kwargs=kwargs))
    content_url = reverse("casework:report-document-content", kwargs=kwargs)
    assert f'<iframe class="document-preview document-preview--pdf" src="{content_url}"' in (
        page.content.decode()
    )
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    shown = client.get(content_url)
    assert shown["Content-Type"] == "application/pdf"
    assert shown["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in shown["Content-Security-Policy"]
    assert "default-src 'none'" in shown["Content-Security-Policy"]
