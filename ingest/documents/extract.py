"""Text of a legacy document (PDF, DOCX, XLSX, ODT, plain text), by content, never by extension.

`extract` returns (kind, text) or raises `DocumentRefused` with a French reason: encrypted,
malformed, active content, decompression bomb inside an office file, unsupported type.
"""

from __future__ import annotations

import io
import logging
import zipfile

import docx
import openpyxl
from django.utils.translation import gettext as _
from odf import teletype
from odf import text as odf_text
from odf.opendocument import load as load_odf
from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError

from fileformats.pdf_safety import Verdict, inspect_pdf
from workflows.documents import ALLOWED, detect_kind

#: text kept per document (agents search it; the file itself stays whole)
MAX_TEXT = 1_000_000
MAX_PDF_PAGES = 1000
MAX_SHEET_ROWS = 20_000
#: what the parts of one DOCX/XLSX/ODT may inflate to
MAX_OFFICE_INFLATED = 200 * 2**20
TEXT_SUFFIXES = (".txt", ".text", ".md")

logging.getLogger("pypdf").setLevel(logging.ERROR)  # malformed PDFs are reported, not logged


class DocumentRefused(Exception):
    """The file cannot be imported; the message is French and says why."""


def content_type(kind: str) -> str:
    return "text/plain" if kind == "txt" else ALLOWED[kind]


def extract(name: str, data: bytes) -> tuple[str, str]:
    if not data:
        raise DocumentRefused(_("fichier vide"))
    kind = detect_kind(io.BytesIO(data))
    if kind is None and name.lower().endswith(TEXT_SUFFIXES):
        kind = "txt"
    if kind is None or kind in ("png", "jpg"):
        raise DocumentRefused(
            _("type de fichier non pris en charge (attendu : PDF, DOCX, XLSX, ODT ou texte)")
        )
    text = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "odt": _odt, "txt": _txt}[kind](data)
    return kind, text[:MAX_TEXT]


def _pdf(data: bytes) -> str:
    verdict = inspect_pdf(data)
    if verdict is Verdict.ACTIVE:
        raise DocumentRefused(_("PDF refusé : il contient du contenu actif (JavaScript, fichier incorporé)"))
    if verdict is Verdict.UNSUPPORTED:
        raise DocumentRefused(
            _("PDF refusé : image ou données dans un format non pris en charge (JBIG2 ou encodage inconnu)")
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentRefused(
                _("PDF chiffré (protégé par un mot de passe) : impossible d'en lire le texte")
            )
        if len(reader.pages) == 0:
            raise DocumentRefused(_("PDF sans aucune page lisible (fichier endommagé ?)"))
        parts, size = [], 0
        for index, page in enumerate(reader.pages):
            if index >= MAX_PDF_PAGES or size >= MAX_TEXT:
                break
            chunk = page.extract_text() or ""
            parts.append(chunk)
            size += len(chunk)
        return "\n".join(parts)
    except DocumentRefused:
        raise
    except (
        PyPdfError,
        DependencyError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
    ) as error:
        raise DocumentRefused(_("PDF illisible ou endommagé (%(error)s)") % {"error": type(error).__name__})
    except NotImplementedError:
        raise DocumentRefused(_("PDF chiffré avec un algorithme non pris en charge"))


def _check_office_zip(data: bytes, label: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_OFFICE_INFLATED:
                raise DocumentRefused(
                    _("%(label)s refusé : son contenu décompressé dépasse %(max)s Mo")
                    % {"label": label, "max": MAX_OFFICE_INFLATED // 2**20}
                )
    except zipfile.BadZipFile:
        raise DocumentRefused(_("%(label)s illisible ou endommagé") % {"label": label})


def _docx(data: bytes) -> str:
    _check_office_zip(data, _("Document Word"))
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a damaged file
        raise DocumentRefused(
            _("Document Word illisible ou endommagé (%(error)s)") % {"error": type(error).__name__}
        )
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ; ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _xlsx(data: bytes) -> str:
    _check_office_zip(data, _("Classeur Excel"))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise DocumentRefused(
            _("Classeur Excel illisible ou endommagé (%(error)s)") % {"error": type(error).__name__}
        )
    lines, size = [], 0
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for index, row in enumerate(sheet.iter_rows(values_only=True)):
                if index >= MAX_SHEET_ROWS or size >= MAX_TEXT:
                    break
                line = " ; ".join(str(value) for value in row if value is not None)
                if line:
                    lines.append(line)
                    size += len(line)
    finally:
        workbook.close()
    return "\n".join(lines)


def _odt(data: bytes) -> str:
    _check_office_zip(data, _("Document ODT"))
    try:
        document = load_odf(io.BytesIO(data))
        elements = document.getElementsByType(odf_text.H) + document.getElementsByType(odf_text.P)
        return "\n".join(teletype.extractText(element) for element in elements)
    except Exception as error:  # odfpy raises many kinds on a damaged file
        raise DocumentRefused(
            _("Document ODT illisible ou endommagé (%(error)s)") % {"error": type(error).__name__}
        )


def _txt(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise DocumentRefused(_("fichier binaire : ce n'est pas un texte"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
