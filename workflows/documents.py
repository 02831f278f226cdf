"""Checks on uploaded evidence: type by content (never by extension), size, safe name, digest.

`inspect_upload` either returns what may be stored or raises a French `ValidationError`
saying why; nothing is written before it passes.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

from fileformats.pdf_safety import Verdict, inspect_pdf

ALLOWED = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}
ALLOWED_LABEL = "PDF, ODT, DOCX, XLSX, PNG, JPEG"


@dataclass(frozen=True)
class InspectedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    file: File


def _detect_zip_kind(head: bytes, stream) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "ignore").strip()
                if mimetype == ALLOWED["odt"]:
                    return "odt"
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return "docx"
            if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def detect_kind(stream) -> str | None:
    """Return the allowed kind of the file from its bytes, or None."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        kind = _detect_zip_kind(head, stream)
        stream.seek(0)
        return kind
    return None


def sanitise_filename(raw: str, kind: str) -> str:
    """Keep only a safe base name (no path, no control characters) with the detected extension."""
    base = PureWindowsPath(PurePosixPath(raw or "").name).name
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-._")[:100] or "justificatif"
    return f"{stem}.{kind}"


def check_client_name(raw: str) -> None:
    """Refuse a name that carries a path or control characters instead of silently renaming it.

    Browsers send a bare file name; a path (`../`, `C:\\`) or a control character means a forged
    request, so the file is refused. `raw_name` is the name as the client sent it, kept by
    `web.uploads.RawNameUploadHandler` before Django strips the path.
    """
    parts = re.split(r"[/\\]", raw or "")
    if len(parts) > 1 or ".." in parts or any(not char.isprintable() for char in raw or ""):
        raise ValidationError(
            _(
                "Le nom du fichier contient un chemin ou des caractères interdits (« / », « \\ », "
                "« .. » ou caractères de contrôle). Renommez le fichier puis déposez-le à nouveau."
            ),
            code="name",
        )


def inspect_upload(uploaded) -> InspectedUpload:
    """Validate one uploaded file; raise ValidationError (French) when it is refused."""
    check_client_name(getattr(uploaded, "raw_name", None) or getattr(uploaded, "name", "") or "")
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(max)s Mo (il fait %(size)s Mo).")
            % {
                "max": settings.MAX_UPLOAD_SIZE // (1024 * 1024),
                "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
            },
            code="too_large",
        )
    uploaded.seek(0)
    kind = detect_kind(uploaded)
    if kind is None:
        raise ValidationError(
            _(
                "Ce type de fichier n'est pas accepté : seuls les formats %(formats)s le sont "
                "(le contenu du fichier a été vérifié, pas seulement son extension)."
            )
            % {"formats": ALLOWED_LABEL},
            code="type",
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    pdf_bytes = bytearray()
    for chunk in (
        uploaded.chunks() if hasattr(uploaded, "chunks") else iter(lambda: uploaded.read(65536), b"")
    ):
        digest.update(chunk)
        if kind == "pdf":
            pdf_bytes += chunk
    verdict = inspect_pdf(bytes(pdf_bytes)) if kind == "pdf" else Verdict.CLEAN
    if verdict is Verdict.ACTIVE:
        raise ValidationError(
            _(
                "Ce PDF contient du contenu actif (JavaScript, lancement ou fichier incorporé) "
                "et ne peut pas être accepté. Exportez-le à nouveau en PDF simple."
            ),
            code="pdf_active",
        )
    if verdict is Verdict.UNSUPPORTED:
        raise ValidationError(
            _(
                "Ce PDF contient une image ou des données dans un format non pris en charge "
                "(JBIG2 ou encodage inconnu) : son contenu ne peut pas être vérifié. "
                "Exportez-le à nouveau en PDF simple."
            ),
            code="pdf_unsupported",
        )
    if verdict is Verdict.UNREADABLE:
        raise ValidationError(
            _(
                "Ce PDF est endommagé, chiffré ou illisible : son contenu ne peut pas être vérifié. "
                "Exportez-le à nouveau en PDF simple, sans mot de passe."
            ),
            code="pdf_unreadable",
        )
    uploaded.seek(0)
    name = sanitise_filename(getattr(uploaded, "name", ""), kind)
    return InspectedUpload(
        name=name,
        content_type=ALLOWED[kind],
        size=size,
        sha256=digest.hexdigest(),
        file=uploaded if isinstance(uploaded, File) else File(io.BytesIO(uploaded.read()), name=name),
    )
