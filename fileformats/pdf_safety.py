"""Active content in PDFs, found by walking the decoded object graph with pypdf (not by regex).

Every indirect object is visited: the ones the cross-reference table lists, the ones a rebuilt
table finds when the file has none, and the ones packed in object streams, whatever their
filters (Flate, ASCIIHex, ASCII85…). Names arrive decoded (`/J#61vaScript` is `/JavaScript`).
A file pypdf cannot read, or cannot decrypt with an empty password, cannot be vouched for and
is refused too; so is a stream in a filter outside the standard ones, or in JBIG2 (whose decoders
have been exploited), whether the walk needs to decode it or not.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from enum import Enum

from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    read_object,
)

#: Dictionary keys that carry or trigger active content wherever they appear.
FORBIDDEN_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/AA",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/RichMedia",
        "/XFA",
        "/Launch",
        "/OnInstantiate",  # JavaScript run when a 3D annotation's artwork is instantiated
    }
)
#: Action types (`/S`) that run code, open programs, send data, fetch files or leave the document.
FORBIDDEN_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/URI",
        "/GoToR",  # another (remote: `\\host\share`) document
        "/GoToE",
        "/Rendition",  # plays a media clip, possibly from a remote path
        "/Movie",
        "/Sound",
        "/GoTo3DView",
    }
)
#: Types and subtypes of objects that embed files, rich media or 3D artwork (with its scripts).
FORBIDDEN_TYPES = frozenset({"/EmbeddedFile", "/RichMedia", "/Filespec", "/3D"})
#: File-specification keys whose string may name a network path (`\\host\share`, `//host/share`).
FILE_KEYS = frozenset({"/F", "/UF", "/DOS", "/Unix", "/Mac"})
#: The standard stream filters (full names and inline-image abbreviations), JBIG2 aside.
KNOWN_FILTERS = frozenset(
    {
        "/FlateDecode",
        "/Fl",
        "/LZWDecode",
        "/LZW",
        "/ASCIIHexDecode",
        "/AHx",
        "/ASCII85Decode",
        "/A85",
        "/RunLengthDecode",
        "/RL",
        "/CCITTFaxDecode",
        "/CCF",
        "/DCTDecode",
        "/DCT",
        "/JPXDecode",
        "/Crypt",
    }
)
#: Objects visited (nested dictionaries and arrays included) before the file is judged a bomb.
MAX_NODES = 2_000_000


class Verdict(Enum):
    CLEAN = "clean"
    ACTIVE = "active"
    UNREADABLE = "unreadable"
    UNSUPPORTED = "unsupported"  # a stream in an unknown filter or in JBIG2


class _Unreadable(Exception):
    pass


class _Unsupported(Exception):
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
        container = reader.xref_objStm[number]
        # The object stream holding it is judged before pypdf decodes it.
        stream_number = container[0] if isinstance(container, tuple) else None
        if stream_number is not None:
            stream = reader.get_object(IndirectObject(stream_number, 0, reader))
            if isinstance(stream, StreamObject):
                _check_filters(stream)
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


def _is_network_path(value) -> bool:
    if isinstance(value, ByteStringObject):
        value = bytes(value).decode("latin-1")
    return isinstance(value, str) and value.replace("\\", "/").startswith("//")


def _check_filters(stream: StreamObject) -> None:
    """Raise `_Unsupported` for a stream whose filters are not all standard ones."""
    filters = stream.get("/Filter")
    names = filters if isinstance(filters, ArrayObject) else [filters] if filters is not None else []
    if any(not isinstance(name, NameObject) or name not in KNOWN_FILTERS for name in names):
        raise _Unsupported


def _is_forbidden(node: DictionaryObject) -> bool:
    if any(key in FORBIDDEN_KEYS for key in node):
        return True
    if any(key in FILE_KEYS and _is_network_path(node[key]) for key in node):
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
            if isinstance(node, StreamObject):
                _check_filters(node)
            if isinstance(node, StreamObject) and node.get("/Type") == "/ObjStm":
                pending.extend(_packed_objects(node, reader))
            pending.extend(value for value in node.values() if not isinstance(value, IndirectObject))
        elif isinstance(node, ArrayObject):
            pending.extend(value for value in node if not isinstance(value, IndirectObject))
    return False


def inspect_pdf(data: bytes) -> Verdict:
    """CLEAN, ACTIVE (a forbidden action, embedded file, rich media, 3D, XFA form, /AA, network
    path), UNSUPPORTED (an unknown or JBIG2 stream filter) or UNREADABLE; never raises."""
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
    except (_Unsupported, NotImplementedError, DependencyError):
        # pypdf raises these for a filter it cannot decode (JBIG2 needs a decoder program).
        return Verdict.UNSUPPORTED
    except (_Unreadable, PyPdfError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return Verdict.UNREADABLE
    finally:
        logger.setLevel(level)
