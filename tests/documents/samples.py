"""Small but real files of every accepted kind, and the disguises to refuse."""

import io
import struct
import zipfile
import zlib

import openpyxl

SECRET = "Hemligt innehåll om Ilona Skolfrånvarosson"


def pdf():
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        f"% {SECRET}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body.encode()


def png():
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    text = chunk(b"tEXt", b"Comment\x00" + SECRET.encode("latin-1", "replace"))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + text
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def jpeg():
    comment = SECRET.encode()
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + b"\xff\xfe"
        + struct.pack(">H", len(comment) + 2)
        + comment
        + b"\xff\xd9"
    )


def heic():
    ftyp = b"ftypheic\x00\x00\x00\x00mif1heic"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\x00\x00\x00\x10mdat" + SECRET.encode()[:8]


def _zip(members, *, first=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, first
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx():
    return _zip(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": f"<w:document><w:t>{SECRET}</w:t></w:document>",
        }
    )


def xlsx():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = SECRET
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt():
    return _zip(
        {"content.xml": f"<office:document-content>{SECRET}</office:document-content>"},
        first=("mimetype", "application/vnd.oasis.opendocument.text"),
    )


def text():
    return f"Anteckning från mötet.\n{SECRET}\nÅtgärd: ringa hem.\n".encode()


ACCEPTED = {
    "pdf": (pdf, "application/pdf"),
    "png": (png, "image/png"),
    "jpg": (jpeg, "image/jpeg"),
    "heic": (heic, "image/heic"),
    "docx": (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": (odt, "application/vnd.oasis.opendocument.text"),
    "txt": (text, "text/plain"),
}


def executable():
    """A Windows program (MZ/PE header), as it would be renamed to look like a PDF."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 44
        + b"PE\x00\x00"
    )


def html():
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg():
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def plain_zip():
    return _zip({"[Content_Types].xml": "<Types/>", "evil.exe": "MZ"})


def elf():
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 60
