"""Uploads scanned by ClamAV when a daemon is configured: a tiny stand-in for
clamd speaks its INSTREAM protocol on a local port, so the real client
library and our handling of its answers are what is tested."""

import socketserver
import struct
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.documents.models import Document
from tests.conftest import sign_in, swedish
from tests.documents import samples
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db

# The standard anti-virus test string: every scanner flags it, it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd(socketserver.StreamRequestHandler):
    scanned = []

    def handle(self):
        command = self.rfile.readline()
        assert command == b"nINSTREAM\n"
        data = b""
        while True:
            (size,) = struct.unpack("!L", self.rfile.read(4))
            if size == 0:
                break
            data += self.rfile.read(size)
        FakeClamd.scanned.append(data)
        verdict = b"Eicar-Signature FOUND" if EICAR in data else b"OK"
        self.wfile.write(b"stream: " + verdict + b"\n")


@pytest.fixture
def clamd(settings):
    FakeClamd.scanned = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.DOCUMENT_SCANNER_ADDRESS = f"127.0.0.1:{server.server_address[1]}"
    yield FakeClamd
    server.shutdown()
    server.server_close()


def post(client, report, data):
    return client.post(
        reverse("casework:report-document-add", kwargs={"pk": report.pk}),
        {
            "title": "Brev från Kriminalvården",
            "document_type": "letter",
            "document_date": timezone.localdate().isoformat(),
            "file": upload(data, name="brev.txt", content_type="text/plain"),
        },
    )


def test_a_clean_upload_is_scanned_and_added(client, worker, report, clamd):
    sign_in(client, worker)
    response = post(client, report, samples.text())
    assert response.status_code == 302
    assert clamd.scanned == [samples.text()]
    assert Document.objects.count() == 1


def test_a_flagged_upload_is_refused_with_a_message(client, worker, report, clamd):
    sign_in(client, worker)
    response = post(client, report, b"Hej!\n" + EICAR + b"\n")
    assert response.status_code == 400
    page = response.content.decode()
    assert swedish("The virus scanner flagged this file, so it was not added.") in page
    assert 'value="Brev från Kriminalvården"' in page
    assert not Document.objects.exists()


def test_an_unreachable_scanner_refuses_rather_than_lets_through(client, worker, report, settings):
    settings.DOCUMENT_SCANNER_ADDRESS = "127.0.0.1:9"  # nothing listens there
    sign_in(client, worker)
    response = post(client, report, samples.text())
    assert response.status_code == 400
    assert (
        swedish(
            "The virus scanner could not check the file, so it was not added. "
            "Try again in a while; if it persists, tell your administrator."
        )
        in response.content.decode()
    )
    assert not Document.objects.exists()


def test_without_a_scanner_configured_nothing_is_scanned(client, worker, report, settings):
    settings.DOCUMENT_SCANNER_ADDRESS = ""
    sign_in(client, worker)
    assert post(client, report, b"Hej!\n" + EICAR + b"\n").status_code == 302
