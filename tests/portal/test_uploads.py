"""Refused uploads get a French reason tied to the field and leave nothing behind (no row, no file);
accepted ones are stored privately with their SHA-256 and served only as attachments."""

from __future__ import annotations

import hashlib
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.portal.conftest import PDF, pdf_upload, stored_files
from workflows.documents import inspect_upload
from workflows.models import AuditEvent, EvidenceDocument, EvidenceType

MB = 1024 * 1024
JS_PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog /OpenAction 2 0 R >>endobj\n2 0 obj<< /S /JavaScript /JS (app.alert(1)) >>endobj\n%%EOF\n"
HIDDEN_JS_PDF = (
    b"%PDF-1.5\n1 0 obj<< /Type /ObjStm /Filter /FlateDecode /Length 40 >>stream\n"
    + zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    + b"\nendstream endobj\n%%EOF\n"
)
ESCAPED_JS_PDF = b"%PDF-1.4\n1 0 obj<< /S /J#61vaScript /JS (x) >>endobj\n%%EOF\n"

REFUSED = {
    "exe renamed .pdf": (SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00" + b"\x00" * 200), "type de fichier"),
    "html renamed .pdf": (
        SimpleUploadedFile("rapport.pdf", b"<html><script>alert(1)</script></html>"),
        "type de fichier",
    ),
    "zip that is no office file": (
        SimpleUploadedFile("a.docx", b"PK\x03\x04" + b"\x00" * 100),
        "type de fichier",
    ),
    "21 MB": (pdf_upload("gros.pdf", PDF + b"0" * (21 * MB)), "taille maximale de 20 Mo"),
    "empty": (SimpleUploadedFile("vide.pdf", b""), "Le fichier est vide"),
    "pdf with javascript": (pdf_upload("js.pdf", JS_PDF), "contenu actif"),
    "pdf with javascript in a compressed stream": (pdf_upload("objstm.pdf", HIDDEN_JS_PDF), "contenu actif"),
    "pdf with an escaped /JavaScript name": (pdf_upload("esc.pdf", ESCAPED_JS_PDF), "contenu actif"),
}


def _raw_name(upload, name):
    upload.raw_name = name
    return upload


@pytest.mark.parametrize("label", list(REFUSED))
def test_inspect_upload_refuses(label):
    upload, message = REFUSED[label]
    upload.seek(0)
    with pytest.raises(ValidationError) as refused:
        inspect_upload(upload)
    assert message in refused.value.messages[0]


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/x.pdf", "..\\..\\windows\\x.pdf", "/tmp/x.pdf", "a\x00.pdf"]
)
def test_inspect_upload_refuses_paths_in_names(name):
    with pytest.raises(ValidationError) as refused:
        inspect_upload(_raw_name(pdf_upload(), name))
    assert "chemin ou des caractères interdits" in refused.value.messages[0]


def test_inspect_upload_sanitises_and_hashes():
    inspected = inspect_upload(pdf_upload("Rapport d'inclusion été 2024 (v2).PDF"))
    assert inspected.name == "Rapport-d-inclusion-ete-2024-v2.pdf"
    assert inspected.content_type == "application/pdf"
    assert inspected.sha256 == hashlib.sha256(PDF).hexdigest()


def _count(private_root):
    return (
        EvidenceDocument.objects.count(),
        AuditEvent.objects.filter(action="attach_evidence").count(),
        len(stored_files(private_root)),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("label", list(REFUSED))
def test_refused_upload_through_the_page_stores_nothing(client_a, draft_a, private_root, label):
    upload, message = REFUSED[label]
    upload.seek(0)
    before = _count(private_root)
    response = client_a.post(
        reverse("portal:request_upload", args=[draft_a.pk]),
        {"evidence_type": EvidenceType.objects.get(code="regulatory-opinion").pk, "file": upload},
    )
    assert response.status_code == 200
    form = response.context["upload_form"]
    assert any(message in error for error in form.errors["file"])
    # The message is tied to the field for assistive technologies.
    assert b'aria-describedby="id_file-desc-error"' in response.content
    assert _count(private_root) == before


@pytest.mark.django_db
def test_path_traversal_name_sent_raw_is_refused(client_a, draft_a, private_root):
    """Django strips the path while parsing; the raw-name handler keeps it so the file is refused."""
    boundary = "sirano-boundary"
    evidence = EvidenceType.objects.get(code="regulatory-opinion").pk
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence_type"\r\n\r\n{evidence}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="../../../etc/cron.d/evil.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    before = _count(private_root)
    response = client_a.generic(
        "POST",
        reverse("portal:request_upload", args=[draft_a.pk]),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 200
    assert any("chemin" in error for error in response.context["upload_form"].errors["file"])
    assert _count(private_root) == before


@pytest.mark.django_db
def test_accepted_upload_is_private_hashed_and_served_as_attachment(
    client, client_a, draft_a, member_b, private_root
):
    content = PDF + b"% preuve\n"
    response = client_a.post(
        reverse("portal:request_upload", args=[draft_a.pk]),
        {
            "evidence_type": EvidenceType.objects.get(code="regulatory-opinion").pk,
            "file": pdf_upload("Avis CPP signé.pdf", content),
        },
    )
    assert response.status_code == 302, response.context["upload_form"].errors
    document = EvidenceDocument.objects.get(original_name="Avis-CPP-signe.pdf")
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    path = private_root / document.file.name
    assert path.read_bytes() == content
    assert str(private_root) in str(document.file.path)

    download = client_a.get(reverse("portal:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="Avis-CPP-signe.pdf"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == content

    client.force_login(member_b)
    assert client.get(reverse("portal:document_download", args=[document.pk])).status_code == 404


def test_private_storage_is_outside_web_roots(settings):
    from workflows.models.tranches import private_storage

    location = str(private_storage().location)
    for web_root in (settings.STATIC_ROOT, settings.MEDIA_ROOT):
        assert not location.startswith(str(web_root))
