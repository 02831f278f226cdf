"""Active content in PDFs, found by walking the decoded object graph with pypdf (not by regex).

Every indirect object is visited: the ones the cross-reference table lists, the ones a rebuilt
table finds when the file has none, and the ones packed in object streams, whatever their
filters (Flate, ASCIIHex, ASCII85…). Names arrive decoded (`/J#61vaScript` is `/JavaScript`).
A file pypdf cannot read, or cannot decrypt with an empty password, cannot be vouched for and
is refused too.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from enum import Enum

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    read_object,
)

#: Dictionary keys that carry or trigger active content wherever they appear.
FORBIDDEN_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/RichMedia", "/XFA", "/Launch"}
)
#: Action types (`/S`) that run code, open programs, send data or leave the document.
FORBIDDEN_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/URI"})
#: Types and subtypes of objects that embed files or rich media.
FORBIDDEN_TYPES = frozenset({"/EmbeddedFile", "/RichMedia", "/Filespec"})
#: Objects visited (nested dictionaries and arrays included) before the file is judged a bomb.
MAX_NODES = 2_000_000


class Verdict(Enum):
    CLEAN = "clean"
    ACTIVE = "active"
    UNREADABLE = "unreadable"


class _Unreadable(Exception):
    pass


def _reader(data: bytes) -> PdfReader:
    """pypdf's reader; a file without a usable cross-reference table gets it rebuilt from its objects."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError):
        # `startxref 0` points nowhere, so pypdf rebuilds the table by scanning every `N G obj`.
        reader = PdfReader(io.BytesIO(data + b"\nstartxref\n0\n%%EOF\n"), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise _Unreadable
    return reader


def _indirect_objects(reader: PdfReader) -> Iterator:
    for generation, numbers in reader.xref.items():
        for number in numbers:
            yield reader.get_object(IndirectObject(number, generation, reader))
    for number in reader.xref_objStm:
        yield reader.get_object(IndirectObject(number, 0, reader))


def _packed_objects(stream: StreamObject, reader: PdfReader) -> Iterator:
    """Objects inside an object stream, read one after the other from its decoded data."""
    data = stream.get_data()
    first = stream.get("/First")
    buffer = io.BytesIO(data)
    buffer.seek(int(first) if isinstance(first, int) and 0 <= first < len(data) else 0)
    while True:
        while buffer.read(1).isspace():
            pass
        if buffer.tell() >= len(data):
            return
        buffer.seek(-1, io.SEEK_CUR)
        start = buffer.tell()
        try:
            yield read_object(buffer, reader)
        except PyPdfError:
            return
        if buffer.tell() <= start:
            return


def _is_forbidden(node: DictionaryObject) -> bool:
    if any(key in FORBIDDEN_KEYS for key in node):
        return True
    for key, forbidden in (
        ("/S", FORBIDDEN_ACTIONS),
        ("/Type", FORBIDDEN_TYPES),
        ("/Subtype", FORBIDDEN_TYPES),
    ):
        value = node.get(key)
        if isinstance(value, NameObject) and value in forbidden:
            # A file specification alone is harmless; an embedded one (`/EF`) is not.
            if value == "/Filespec" and "/EF" not in node:
                continue
            return True
    return False


def _walk(roots: Iterator, reader: PdfReader) -> bool:
    """True when any object reachable without following references is forbidden."""
    pending = list(roots)
    visited = 0
    while pending:
        node = pending.pop()
        visited += 1
        if visited > MAX_NODES:
            raise _Unreadable
        if isinstance(node, DictionaryObject):
            if _is_forbidden(node):
                return True
            if isinstance(node, StreamObject) and node.get("/Type") == "/ObjStm":
                pending.extend(_packed_objects(node, reader))
            pending.extend(value for value in node.values() if not isinstance(value, IndirectObject))
        elif isinstance(node, ArrayObject):
            pending.extend(value for value in node if not isinstance(value, IndirectObject))
    return False


def inspect_pdf(data: bytes) -> Verdict:
    """CLEAN, ACTIVE (a forbidden action, embedded file, rich media, XFA form, /AA) or UNREADABLE."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # pypdf warns about every repair; the verdict says enough
    try:
        reader = _reader(data)
        objects = list(_indirect_objects(reader))
        if not objects:
            return Verdict.UNREADABLE
        roots = [reader.trailer, *objects]
        return Verdict.ACTIVE if _walk(iter(roots), reader) else Verdict.CLEAN
    except (_Unreadable, PyPdfError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return Verdict.UNREADABLE
    finally:
        logger.setLevel(level)
