"""The files of a folder or a ZIP, read safely: every entry's size is bounded, ZIP bombs and
entry names that climb out of the archive (`../`, absolute paths) are refused with a French reason.

Nothing is ever extracted to disk under the names the archive gives: entries are read in memory
one at a time, so a forged name cannot write anywhere.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

#: uncompressed / compressed above this for one entry is a decompression bomb
MAX_RATIO = 200
#: system files of archivers and file managers, skipped silently
IGNORED_PARTS = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}


class SourceRefused(Exception):
    """The folder or archive as a whole cannot be read; the message is French."""


@dataclass
class SourceFile:
    """One file of the source: its path inside it, size, a reader, or why it is refused."""

    path: str
    size: int
    read: Callable[[], bytes] | None = None
    refused: str = ""


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(part in IGNORED_PARTS or part.startswith(".") or part.startswith("~$") for part in parts)


def _too_large(size: int, limit: int) -> str:
    return _("fichier trop volumineux (%(size)s Mo, maximum %(max)s Mo)") % {
        "size": f"{size / 2**20:.1f}".replace(".", ","),
        "max": limit // 2**20,
    }


def iter_folder(root: Path, *, max_file: int) -> Iterator[SourceFile]:
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(root)
        if _ignored(relative.parts):
            continue
        size = path.stat().st_size
        if size > max_file:
            yield SourceFile(str(relative.as_posix()), size, refused=_too_large(size, max_file))
            continue
        yield SourceFile(str(relative.as_posix()), size, read=path.read_bytes)


def _unsafe_name(name: str) -> bool:
    posix = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in posix.parts
        or any(not char.isprintable() for char in name)
    )


def iter_zip(path: Path, *, max_file: int, max_total: int) -> Iterator[SourceFile]:
    """Entries of a ZIP; the whole archive is refused when it declares more than `max_total`."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceRefused(_("Archive ZIP illisible ou endommagée (%(error)s).") % {"error": error})
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        declared = sum(info.file_size for info in infos)
        if declared > max_total:
            raise SourceRefused(
                _(
                    "Archive refusée : elle se décompresse en %(size)s Mo, au-delà de la limite de "
                    "%(max)s Mo (bombe de décompression ?)."
                )
                % {"size": declared // 2**20, "max": max_total // 2**20}
            )
        for info in sorted(infos, key=lambda i: i.filename):
            name = info.filename
            if _unsafe_name(name):
                yield SourceFile(
                    name,
                    info.file_size,
                    refused=_("nom de fichier refusé : chemin absolu ou remontant hors de l'archive"),
                )
                continue
            if _ignored(PurePosixPath(name).parts):
                continue
            if info.flag_bits & 0x1:
                yield SourceFile(name, info.file_size, refused=_("fichier chiffré dans l'archive"))
                continue
            if info.file_size > max_file:
                yield SourceFile(name, info.file_size, refused=_too_large(info.file_size, max_file))
                continue
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                yield SourceFile(
                    name,
                    info.file_size,
                    refused=_("taux de compression anormal (%(ratio)s:1) : bombe de décompression ?")
                    % {"ratio": info.file_size // info.compress_size},
                )
                continue
            yield SourceFile(name, info.file_size, read=_zip_reader(path, name, max_file))


def _zip_reader(path: Path, name: str, limit: int) -> Callable[[], bytes]:
    def read() -> bytes:
        # Sizes declared in the archive may lie: never inflate more than the limit. A lying header
        # or damaged data (bad CRC, truncated stream) refuses this entry alone; the run goes on.
        try:
            with zipfile.ZipFile(path) as archive, archive.open(name) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise SourceRefused(
                _("fichier endommagé dans l'archive (%(error)s) : en-tête ou contenu incohérent")
                % {"error": error}
            )
        if len(data) > limit:
            raise SourceRefused(_too_large(len(data), limit))
        return data

    return read


def open_source(path: Path) -> tuple[str, Iterator[SourceFile]]:
    """('folder' | 'zip', files) for a folder or a ZIP; SourceRefused otherwise."""
    max_file = settings.DOCUMENT_IMPORT_MAX_FILE
    if path.is_dir():
        return "folder", iter_folder(path, max_file=max_file)
    if not path.exists():
        raise SourceRefused(_("« %(path)s » n'existe pas.") % {"path": path})
    if not zipfile.is_zipfile(path):
        raise SourceRefused(_("« %(path)s » n'est ni un dossier ni une archive ZIP.") % {"path": path.name})
    return "zip", iter_zip(path, max_file=max_file, max_total=settings.DOCUMENT_IMPORT_MAX_ARCHIVE)
