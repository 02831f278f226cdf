"""Versioned open-data releases: immutable dated snapshots in the "releases" storage.

A release holds `projects.csv` and `tranches.csv` (UTF-8, sorted by stable id), a Frictionless
`datapackage.json` with each file's Table Schema, `sirano.xlsx` for people, a `CHANGELOG.md`
against the previous release and `SHA256SUMS`. It is built in a temporary local folder, stored
through the "releases" storage (`SHA256SUMS` last), and only then does the `latest` pointer move.
Rows stream from the database to the files; the changelog is a merge of two sorted files, so
memory stays flat.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.db.models.functions import Collate
from django.utils import timezone
from openpyxl import Workbook

from fileformats import csv as safe_csv
from fileformats import xlsx as safe_xlsx
from formatting import format_date, format_datetime, format_euros
from opendata.release_schema import PROJECT_COLUMNS, PROJECTS_SCHEMA, TRANCHE_COLUMNS, TRANCHES_SCHEMA, Column
from workflows import selectors
from workflows.models import Project, TrancheRequest
from workflows.visibility import PUBLIC_TRANCHE_STATES

RELEASE_NAME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(-\d{1,3})?$")
LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
LATEST = "latest"
CHUNK_SIZE = 2000

PROJECTS_CSV = "projects.csv"
TRANCHES_CSV = "tranches.csv"
XLSX = "sirano.xlsx"
DATAPACKAGE = "datapackage.json"
CHANGELOG = "CHANGELOG.md"
CHECKSUMS = "SHA256SUMS"
#: Every file of a release, in the order they are listed; nothing else is ever served.
RELEASE_FILES = (PROJECTS_CSV, TRANCHES_CSV, XLSX, DATAPACKAGE, CHANGELOG, CHECKSUMS)
CONTENT_TYPES = {
    PROJECTS_CSV: "text/csv; charset=utf-8",
    TRANCHES_CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DATAPACKAGE: "application/json",
    CHANGELOG: "text/markdown; charset=utf-8",
    CHECKSUMS: "text/plain; charset=utf-8",
}
LICENSE = {
    "name": "etalab-2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "title": "Licence Ouverte / Open Licence version 2.0",
}


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Release:
    name: str
    created: datetime.datetime
    files: list[ReleaseFile]

    @property
    def date(self) -> datetime.date:
        return datetime.date.fromisoformat(self.name[:10])


# -- reading releases -------------------------------------------------------------------


def release_storage() -> Storage:
    """Where releases live: a bucket prefix shared by every host, or RELEASES_ROOT for the demo."""
    return storages["releases"]


def latest_name() -> str | None:
    """The release `latest` points at: the name held by the `latest` pointer object.

    S3 has no symlink; one small object replaced in a single PUT (a rename on disk) is what every
    host reads, so `/donnees/latest/` resolves identically everywhere.
    """
    store = release_storage()
    try:
        with store.open(LATEST, "rb") as handle:
            name = handle.read(64).decode("ascii", "replace").strip()
    except FileNotFoundError:
        return None
    except IsADirectoryError:  # a `latest` symlink written before the pointer object
        name = Path(store.path(LATEST)).resolve().name
    return name if RELEASE_NAME_RE.match(name) else None


def release_name(name: str) -> str | None:
    """The published release `name` (or `latest`) designates, or None; refuses anything but a
    release name. Published means complete: `SHA256SUMS` is the last file written."""
    if name == LATEST:
        name = latest_name() or ""
    if not RELEASE_NAME_RE.match(name):
        return None
    return name if release_storage().exists(f"{name}/{CHECKSUMS}") else None


def open_release_file(name: str, filename: str):
    """A stored file of a release, opened for reading (the caller closes it)."""
    return release_storage().open(f"{name}/{filename}", "rb")


def read_checksums(name: str) -> dict[str, str]:
    sums = {}
    with open_release_file(name, CHECKSUMS) as handle:
        text = handle.read().decode("utf-8")
    for line in text.splitlines():
        digest, _sep, filename = line.partition("  ")
        sums[filename] = digest
    return sums


def load_release(name: str) -> Release | None:
    resolved = release_name(name)
    if resolved is None:
        return None
    store = release_storage()
    sums = read_checksums(resolved)
    present = set(store.listdir(resolved)[1])
    files = [
        ReleaseFile(n, store.size(f"{resolved}/{n}"), sums.get(n, "")) for n in RELEASE_FILES if n in present
    ]
    with open_release_file(resolved, DATAPACKAGE) as handle:
        meta = json.loads(handle.read().decode("utf-8"))
    return Release(resolved, datetime.datetime.fromisoformat(meta["created"]), files)


def _release_folders() -> list[str]:
    try:
        directories, _files = release_storage().listdir("")
    except FileNotFoundError:
        return []
    return [name for name in directories if RELEASE_NAME_RE.match(name)]


def list_releases() -> list[Release]:
    """Published releases, newest first."""
    releases = [load_release(n) for n in _release_folders()]
    return sorted((r for r in releases if r), key=lambda r: r.created, reverse=True)


# -- writing ----------------------------------------------------------------------------


def _binary_order(field: str):
    """Sort ids byte-wise on every database so files merge-join in Python's order."""
    return Collate(field, "C") if connection.vendor == "postgresql" else Collate(field, "BINARY")


def release_projects():
    return selectors.public_projects().order_by(_binary_order("public_id"))


def release_tranches():
    return (
        TrancheRequest.objects.filter(
            status__in=PUBLIC_TRANCHE_STATES, milestone__project__in=Project.objects.public()
        )
        .select_related("milestone__project")
        .order_by(_binary_order("milestone__project__public_id"), "milestone__rank")
    )


def _rows(queryset, columns: list[Column]) -> Iterator[list]:
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [column.get(obj) for column in columns]


def _xlsx_value(value, column: Column):
    if value in ("", None):
        return None
    if column.type == "number":
        return float(Decimal(value))
    if column.type == "date":
        return datetime.date.fromisoformat(value)
    if column.type == "boolean":
        return value == "true"
    return value


def _write_table(path: Path, sheet, columns: list[Column], rows: Iterable[list]) -> int:
    """One pass: each row goes to the CSV and to the write-only worksheet."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = safe_csv.writer(handle)
        writer.writerow([c.name for c in columns])
        sheet.append([c.name for c in columns])
        for row in rows:
            writer.writerow(row)
            safe_xlsx.append(sheet, [_xlsx_value(v, c) for v, c in zip(row, columns, strict=True)])
            count += 1
    return count


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _datapackage(name: str, created: datetime.datetime, work: Path) -> dict:
    def resource(resource_name: str, filename: str, title: str, schema: dict) -> dict:
        return {
            "name": resource_name,
            "path": filename,
            "title": title,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": (work / filename).stat().st_size,
            "hash": f"sha256:{sha256_of(work / filename)}",
            "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
            "schema": schema,
        }

    return {
        "name": "sirano-projets-recherche-dgos",
        "title": "SIRANo : projets de recherche appliquée en santé financés par la DGOS",
        "description": (
            "Projets sélectionnés aux appels à projets de la DGOS (PHRC, PREPS, PHRIP, PRME, PRT…), "
            "leurs financements et les tranches déléguées. Une ligne par projet publié."
        ),
        "version": name,
        "created": created.isoformat(),
        "licenses": [LICENSE],
        "sources": [{"title": "SIRANo — DGOS", "path": settings.SITE_URL}],
        "resources": [
            resource("projects", PROJECTS_CSV, "Projets", PROJECTS_SCHEMA),
            resource("tranches", TRANCHES_CSV, "Tranches déléguées ou versées", TRANCHES_SCHEMA),
        ],
    }


def next_release_name(day: datetime.date) -> str:
    base = day.isoformat()
    taken = set(_release_folders())
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


#: Called as `progress(done, total)` after each file of the release is written.
Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    return None


def _download_previous(name: str, folder: Path) -> Path:
    """The previous release's CSVs as local files, for the streaming merge of the changelog."""
    target = folder / name
    target.mkdir()
    for filename in (PROJECTS_CSV, TRANCHES_CSV):
        with open_release_file(name, filename) as source, open(target / filename, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
    return target


def publish_release(
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    progress: Progress | None = None,
) -> Release:
    """Write a new immutable snapshot from the database and point `latest` at it.

    All or nothing: the files are built in a temporary local folder, then stored with
    `SHA256SUMS` last (a release without it is not published) and only then does the `latest`
    pointer move; any failure up to and including that move removes what was stored.
    """
    progress = progress or _no_progress
    total = len(RELEASE_FILES)
    store = release_storage()
    created = now or timezone.now()
    name = next_release_name(today or timezone.localdate())
    previous = latest_name()
    stored: list[str] = []
    with tempfile.TemporaryDirectory(prefix=f"sirano-release-{name}-") as folder:
        work = Path(folder) / name
        work.mkdir()
        try:
            workbook = Workbook(write_only=True)
            n_projects = _write_table(
                work / PROJECTS_CSV,
                workbook.create_sheet("projets"),
                PROJECT_COLUMNS,
                _rows(release_projects(), PROJECT_COLUMNS),
            )
            progress(1, total)
            n_tranches = _write_table(
                work / TRANCHES_CSV,
                workbook.create_sheet("tranches"),
                TRANCHE_COLUMNS,
                _rows(release_tranches(), TRANCHE_COLUMNS),
            )
            progress(2, total)
            workbook.save(work / XLSX)
            progress(3, total)
            package = _datapackage(name, created, work)
            (work / DATAPACKAGE).write_text(
                json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            progress(4, total)
            previous_dir = _download_previous(previous, Path(folder)) if previous else None
            write_changelog(
                work / CHANGELOG,
                name=name,
                created=created,
                previous=previous_dir,
                current=work,
                counts=(n_projects, n_tranches),
            )
            progress(5, total)
            lines = [f"{sha256_of(work / f)}  {f}" for f in RELEASE_FILES if f != CHECKSUMS]
            (work / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")
            for filename in RELEASE_FILES:  # SHA256SUMS, last, marks the release complete
                with open(work / filename, "rb") as handle:
                    stored.append(store.save(f"{name}/{filename}", File(handle)))
            _point_latest(name)
        except BaseException:
            for stored_name in stored:
                store.delete(stored_name)
            with contextlib.suppress(OSError):  # the emptied folder on disk (no-op on S3)
                store.delete(name)
            raise
    progress(total, total)
    return load_release(name)


def _point_latest(name: str) -> None:
    """Replace the `latest` pointer in one write (readers see the old name or the new one)."""
    store = release_storage()
    store.save(LATEST, ContentFile(f"{name}\n".encode("ascii")))


# -- changelog --------------------------------------------------------------------------


def _keyed(path: Path, key: list[str]) -> Iterator[tuple[tuple, dict]]:
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield tuple(int(row[k]) if k == "rank" else row[k] for k in key), row


def merge_diff(old: Path, new: Path, key: list[str]) -> Iterator[tuple[str, dict | None, dict | None]]:
    """Yield ("added" | "removed" | "same", old_row, new_row) walking two files sorted by `key`."""
    old_rows, new_rows = _keyed(old, key), _keyed(new, key)
    a, b = next(old_rows, None), next(new_rows, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            yield "removed", a[1], None
            a = next(old_rows, None)
        elif a is None or b[0] < a[0]:
            yield "added", None, b[1]
            b = next(new_rows, None)
        else:
            yield "same", a[1], b[1]
            a, b = next(old_rows, None), next(new_rows, None)


def _day(value: str) -> str:
    return format_date(datetime.date.fromisoformat(value))


def _euros(value: str) -> str:
    return format_euros(Decimal(value), places=2)


class _Section:
    """Lines of one changelog section, spooled to disk so long diffs do not sit in memory."""

    def __init__(self, title: str, *, optional: bool = False) -> None:
        self.title = title
        self.optional = optional  # left out of the changelog when empty
        self.count = 0
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 — closed in copy_to

    def add(self, line: str) -> None:
        """One list item: line breaks typed in a title stay inside it."""
        self.count += 1
        self.file.write(f"- {LINE_BREAKS.sub(' ', line)}\n")

    def copy_to(self, out) -> None:
        if self.optional and not self.count:
            self.file.close()
            return
        out.write(f"\n## {self.title} ({self.count})\n\n")
        if not self.count:
            out.write("Aucun.\n")
        self.file.seek(0)
        shutil.copyfileobj(self.file, out)
        self.file.close()


def _new_columns(old: Path, new: Path) -> list[str]:
    """Columns of `new`'s header that `old` lacked: announced once, not as a change of every row."""
    with open(old, encoding="utf-8", newline="") as a, open(new, encoding="utf-8", newline="") as b:
        before = set(next(csv.reader(a), []))
        return [name for name in next(csv.reader(b), []) if name not in before]


def write_changelog(
    path: Path,
    *,
    name: str,
    created: datetime.datetime,
    previous: Path | None,
    current: Path,
    counts: tuple[int, int],
) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"# Publication {name}\n\n")
        out.write(f"Publiée le {format_datetime(timezone.localtime(created))}. ")
        out.write(f"{counts[0]} projets publiés, {counts[1]} tranches déléguées ou versées.\n")
        if previous is None:
            out.write("\nPremière publication : pas de version précédente à comparer.\n")
            return
        out.write(f"\nChangements depuis la publication {previous.name}.\n")
        new_columns = {
            name: _new_columns(previous / name, current / name) for name in (PROJECTS_CSV, TRANCHES_CSV)
        }
        for name, columns in new_columns.items():
            if columns:
                out.write(f"\n{name} — Nouvelles colonnes : {', '.join(columns)}.\n")
        added = _Section("Nouveaux projets")
        removed = _Section("Projets retirés de la publication")
        amounts = _Section("Montants accordés modifiés")
        other = _Section("Autres changements de projets (avancement, statut, textes)")
        # A day the source never gave (a 1st of January made up from the year) is withdrawn, not
        # changed: said apart so a reuser knows `year` is what is known.
        unknown_days = _Section(
            "Dates de sélection retirées : la source ne donne que l'année (voir year)", optional=True
        )
        for kind, old, new in merge_diff(previous / PROJECTS_CSV, current / PROJECTS_CSV, ["public_id"]):
            if kind == "added":
                added.add(
                    f"{new['public_id']} {new['acronym']} — {new['establishment']}, {_euros(new['award_amount'])}"
                )
            elif kind == "removed":
                removed.add(f"{old['public_id']} {old['acronym']}")
            elif old != new:
                if old["award_amount"] != new["award_amount"]:
                    amounts.add(
                        f"{new['public_id']} {new['acronym']} : {_euros(old['award_amount'])} → {_euros(new['award_amount'])}"
                    )
                if old.get("selected_on") and not new.get("selected_on"):
                    unknown_days.add(
                        f"{new['public_id']} : {new['year']} (au lieu du {_day(old['selected_on'])})"
                    )
                changed = [k for k in new if k != "award_amount" and k in old and old[k] != new[k]]
                if changed:
                    other.add(f"{new['public_id']} : {', '.join(changed)}")
        t_added = _Section("Nouvelles tranches déléguées ou versées")
        t_removed = _Section("Tranches retirées")
        t_changed = _Section("Tranches modifiées (état, montant, dates)")
        key = ["project_public_id", "rank"]
        for kind, old, new in merge_diff(previous / TRANCHES_CSV, current / TRANCHES_CSV, key):
            if kind == "added":
                t_added.add(
                    f"{new['project_public_id']} tranche {new['rank']} : {_euros(new['amount'])} ({new['status']})"
                )
            elif kind == "removed":
                t_removed.add(f"{old['project_public_id']} tranche {old['rank']}")
            elif any(k in old and old[k] != v for k, v in new.items()):
                changed = [k for k in new if k in old and old[k] != new[k]]
                t_changed.add(f"{new['project_public_id']} tranche {new['rank']} : {', '.join(changed)}")
        for section in (added, removed, amounts, unknown_days, other, t_added, t_removed, t_changed):
            section.copy_to(out)
