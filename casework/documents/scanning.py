"""Scanning uploads with ClamAV, when a daemon is configured
(DOCUMENT_SCANNER_ADDRESS), through the clamav-client library.

A scanner that cannot be reached refuses the upload rather than letting it
through unscanned: once the municipality has asked for scanning, a file
that was not scanned is not accepted.
"""

import logging
import tempfile

from clamav_client.scanner import get_scanner
from django.conf import settings

logger = logging.getLogger(__name__)


CLEAN, FLAGGED, UNAVAILABLE = "clean", "flagged", "unavailable"


def scan_verdict(upload):
    """CLEAN, FLAGGED or UNAVAILABLE for ``upload``; CLEAN when no scanner is set up."""
    address = settings.DOCUMENT_SCANNER_ADDRESS
    if not address:
        return CLEAN
    scanner = get_scanner({"backend": "clamd", "address": address, "stream": True})
    if hasattr(upload, "temporary_file_path"):
        result = scanner.scan(upload.temporary_file_path())
    else:
        with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as copy:
            upload.seek(0)
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.flush()
            result = scanner.scan(copy.name)
    upload.seek(0)
    if result.state == "FOUND":
        # The signature's name, never the file's: the log holds no content.
        logger.warning("document upload refused by the scanner: %s", result.details)
        return FLAGGED
    if result.state != "OK":
        logger.error("document scanner unavailable or failed: %s", result.details)
        return UNAVAILABLE
    return CLEAN
