"""A 50 MB scan goes in and comes out without being held in memory: the
upload is streamed from a file through the real view (Django's parser
spools it to disk), sealed a chunk at a time, and the download streamed
back. Peak memory of the test process is measured with tracemalloc."""

import os
import tracemalloc

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.documents.models import Document
from tests.conftest import sign_in
from tests.documents import samples

pytestmark = pytest.mark.django_db

SIZE = 50 * 1024 * 1024
BOUNDARY = "trygg-boundary-7d3c"
# Generous against the chunk sizes involved (64 KiB seal, 64 KiB parser,
# 8 KiB streaming): a document held whole would need SIZE.
PEAK_BOUND = 8 * 1024 * 1024


def multipart_body_file(path, report_fields):
    """The request body on disk, with a PDF of SIZE bytes as its file part."""
    with open(path, "wb") as body:
        for name, value in report_fields.items():
            body.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        body.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        head = samples.pdf()
        body.write(head)
        block = os.urandom(1024 * 1024)
        written = len(head)
        while written < SIZE:
            part = block[: SIZE - written]
            body.write(part)
            written += len(part)
        body.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return os.path.getsize(path)


def test_a_50_mb_document_goes_in_and_out_within_a_memory_bound(
    client, worker, report, settings, tmp_path
):
    settings.DOCUMENT_MAX_BYTES = 60 * 1024 * 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    sign_in(client, worker)
    body_path = tmp_path / "body"
    length = multipart_body_file(
        body_path,
        {
            "title": "Inskannad utredning",
            "document_type": "assessment",
            "document_date": timezone.localdate().isoformat(),
        },
    )
    url = reverse("casework:report-document-add", kwargs={"pk": report.pk})

    tracemalloc.start()
    try:
        with open(body_path, "rb") as body:
            response = client.request(
                REQUEST_METHOD="POST",
                PATH_INFO=url,
                CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
                CONTENT_LENGTH=str(length),
                **{"wsgi.input": body},
            )
        _, upload_peak = tracemalloc.get_traced_memory()
        assert response.status_code == 302, response.content[:500]
        document = Document.objects.get()
        assert document.size == SIZE

        tracemalloc.reset_peak()
        download = client.get(
            reverse(
                "casework:report-document-download",
                kwargs={"pk": report.pk, "document_pk": document.pk},
            )
        )
        received = 0
        first = b""
        for chunk in download.streaming_content:
            if not first:
                first = chunk[:8]
            received += len(chunk)
        _, download_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert received == SIZE and first == samples.pdf()[:8]
    assert upload_peak < PEAK_BOUND, f"upload peak {upload_peak / 2**20:.1f} MiB"
    assert download_peak < PEAK_BOUND, f"download peak {download_peak / 2**20:.1f} MiB"
