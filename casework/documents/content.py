"""What an uploaded file is, decided from its bytes: never from its name or
the browser's claim.

The signatures come from ``filetype``; the office formats, which are zip
archives like any other, are confirmed from the archive's own table of
contents (a zip that merely starts like one is refused). Plain text has no
signature: it is accepted when it is UTF-8 without control characters and
does not look like markup a browser would run (the WHATWG sniffing rules'
HTML, XML and SVG openings), so an HTML page renamed ``.pdf`` or ``.txt``
is refused as what it is.
"""

import codecs
import re
import zipfile
from dataclasses import dataclass

import filetype

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Format:
    name: str  # shown to the user
    mime: str
    extension: str
    previewable: bool = False


PDF = Format("PDF", "application/pdf", "pdf", previewable=True)
JPEG = Format("JPEG", "image/jpeg", "jpg", previewable=True)
PNG = Format("PNG", "image/png", "png", previewable=True)
HEIC = Format("HEIC", "image/heic", "heic")
DOCX = Format(
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
)
XLSX = Format(
    "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
)
ODT = Format("OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", "odt")
TEXT = Format("Text", "text/plain", "txt")

ACCEPTED = (PDF, JPEG, PNG, HEIC, DOCX, XLSX, ODT, TEXT)
BY_MIME = {format.mime: format for format in ACCEPTED}
PREVIEWABLE = frozenset(format.mime for format in ACCEPTED if format.previewable)

_SIGNATURES = {"application/pdf": PDF, "image/jpeg": JPEG, "image/png": PNG, "image/heic": HEIC}
_OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": XLSX,
    "application/vnd.oasis.opendocument.text": ODT,
}
# The archive member that makes each office format what it is.
_OFFICE_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", ODT: "content.xml"}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# Openings a browser would take for markup (WHATWG MIME sniffing, 7.1), and
# script anywhere in the first bytes.
_MARKUP = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<head|<script|<iframe|<h1|<div|<font|<table|<a[\s>]"
    rb"|<style|<title|<b[\s>]|<body|<br|<p[\s>]|<!--|<\?xml|<svg)"
    rb"|<script|<svg|javascript:",
    re.IGNORECASE,
)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def format_of(fileobj):
    """The accepted Format of ``fileobj`` (a seekable binary file), or None.

    Reads the first bytes and, for zip archives, the table of contents; the
    file is left at its start.
    """
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    if not head:
        return None
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime in _SIGNATURES:
            return _SIGNATURES[kind.mime]
        if kind.mime in _OFFICE:
            return _office_format(fileobj, _OFFICE[kind.mime])
        return None
    return TEXT if _is_plain_text(fileobj) else None


def _office_format(fileobj, claimed):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if _OFFICE_PART[claimed] not in names:
                return None
            if claimed is ODT and archive.read("mimetype").strip() != _ODT_MIMETYPE:
                return None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None
    finally:
        fileobj.seek(0)
    return claimed


def _is_plain_text(fileobj):
    """UTF-8 all through, no control characters, no markup at the start."""
    if _MARKUP.search(fileobj.read(SNIFF_BYTES)):
        fileobj.seek(0)
        return False
    fileobj.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fileobj.read(64 * 1024):
            if _CONTROL.search(chunk):
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        fileobj.seek(0)
    return True
