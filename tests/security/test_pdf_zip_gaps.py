"""Issue 25 §5: remote actions, 3D JavaScript, unknown or JBIG2 stream filters are refused with a
French message (never a 500); a ZIP entry whose header lies is refused alone, the run goes on."""

from __future__ import annotations

import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError

from fileformats.pdf_safety import Verdict, inspect_pdf
from ingest.documents.extract import DocumentRefused, extract
from ingest.documents.services import import_documents
from tests.security.test_pdf_active_content import _document, _pdf, upload
from workflows.documents import inspect_upload
from workflows.models import DocumentImportRun

UNC = b"(\\\\\\\\attacker\\\\share\\\\x.pdf)"  # the PDF string \\attacker\share\x.pdf
PAGE_WITH_ANNOT = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>"

ACTIVE_CASES = {
    "GoToR to a UNC path": _document(b"/OpenAction << /S /GoToR /F " + UNC + b" /D [0 /Fit] >>"),
    "GoToE to a UNC path": _document(b"/OpenAction << /S /GoToE /F " + UNC + b" >>"),
    "Rendition of a UNC media": _document(
        b"/OpenAction << /S /Rendition /OP 0 /R << /S /MR /C << /S /MCD /D << /F " + UNC + b" >> >> >> >>"
    ),
    "link to a UNC file spec": _document(
        page=PAGE_WITH_ANNOT,
        extra={
            4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /F << /F " + UNC + b" >> >> >>"
        },
    ),
    "3D annotation with OnInstantiate JavaScript": _document(
        page=PAGE_WITH_ANNOT,
        extra={
            4: b"<< /Type /Annot /Subtype /3D /Rect [0 0 9 9] /3DD 5 0 R >>",
            5: b"<< /Type /3D /Subtype /U3D /OnInstantiate 6 0 R /Length 0 >>\nstream\n\nendstream",
            6: b"<< /Length 12 >>\nstream\napp.alert(1)\nendstream",
        },
    ),
}


@pytest.mark.parametrize("name", list(ACTIVE_CASES))
def test_remote_and_3d_actions_are_refused(name):
    content = ACTIVE_CASES[name]
    assert inspect_pdf(content) is Verdict.ACTIVE
    with pytest.raises(ValidationError, match="contenu actif") as caught:
        inspect_upload(upload(content))
    assert caught.value.code == "pdf_active"


def _objstm_with_filter(name: bytes) -> bytes:
    """An object stream whose filter is `name` (same length as ASCIIHexDecode, offsets kept)."""
    content = _pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        },
        packed={4: b"<< /S /GoTo /D [3 0 R /Fit] >>"},
        encoding="ASCIIHexDecode",
    )
    replacement = name.ljust(len(b"/ASCIIHexDecode"))
    assert b"/ASCIIHexDecode" in content
    return content.replace(b"/ASCIIHexDecode", replacement)


JBIG2_IMAGE = _document(
    page=b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> >>",
    extra={
        4: b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /BitsPerComponent 1 "
        b"/Filter /JBIG2Decode /Length 4 >>\nstream\n\x00\x00\x00\x00\nendstream"
    },
)

UNSUPPORTED_CASES = {
    "object stream with an unknown filter": _objstm_with_filter(b"/FooDecode"),
    "object stream in JBIG2": _objstm_with_filter(b"/JBIG2Decode"),
    "JBIG2 image": JBIG2_IMAGE,
    "image with an unknown filter": JBIG2_IMAGE.replace(b"/JBIG2Decode", b"/Foo2Decode "),
}


@pytest.mark.parametrize("name", list(UNSUPPORTED_CASES))
def test_unknown_and_jbig2_filters_are_refused_in_french(name):
    content = UNSUPPORTED_CASES[name]
    assert inspect_pdf(content) is Verdict.UNSUPPORTED
    with pytest.raises(ValidationError, match="format non pris en charge") as caught:
        inspect_upload(upload(content))
    assert caught.value.code == "pdf_unsupported"
    with pytest.raises(DocumentRefused, match="format non pris en charge"):
        extract("ancien.pdf", content)


def _lying_zip(path, entries: dict[str, bytes], liar: str) -> None:
    """A ZIP whose central directory declares a smaller uncompressed size for `liar`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    raw = bytearray(path.read_bytes())
    position = 0
    while True:
        position = raw.find(b"PK\x01\x02", position)
        assert position >= 0
        name_length = struct.unpack_from("<H", raw, position + 28)[0]
        if raw[position + 46 : position + 46 + name_length].decode() == liar:
            declared = struct.unpack_from("<I", raw, position + 24)[0]
            struct.pack_into("<I", raw, position + 24, declared // 2)
            break
        position += 4
    path.write_bytes(bytes(raw))


@pytest.mark.django_db
def test_a_zip_entry_with_a_lying_header_is_refused_alone(tmp_path, project_a):
    path = tmp_path / "anciens.zip"
    good = f"Rapport final du projet {project_a.public_id}".encode()
    _lying_zip(
        path,
        {"bon.txt": good, "menteur.txt": b"Rapport intermediaire " * 40, "suite.txt": good + b" (copie)"},
        liar="menteur.txt",
    )
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile, match="CRC"):
        archive.read("menteur.txt")  # the lie is real

    run = import_documents(path=path)

    assert run.status == DocumentImportRun.Status.DONE
    refused = {entry["file"]: entry["reason"] for entry in run.report["refused"]}
    assert set(refused) == {"menteur.txt"}
    assert "endommagé" in refused["menteur.txt"]
    assert run.done == 3
