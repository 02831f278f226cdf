"""Versioned open-data releases: immutable dated snapshots under `settings.RELEASES_ROOT`.

A release holds `projects.csv` and `tranches.csv` (UTF-8, sorted by stable id), a Frictionless
`datapackage.json` with each file's Table Schema, `sirano.xlsx` for people, a `CHANGELOG.md`
against the previous release and `SHA256SUMS`. It is built in a hidden directory, made
read-only, renamed into place, and only then does the `latest` link move. Rows stream from
the database to the files; the changelog is a merge of two sorted files, so memory stays flat.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models.functions import Collate
from django.utils import timezone
from openpyxl import Workbook

from fileformats import csv as safe_csv
from fileformats import xlsx as safe_xlsx
from formatting import format_datetime, format_euros
from reports.release_schema import PROJECT_COLUMNS, PROJECTS_SCHEMA, TRANCHE_COLUMNS, TRANCHES_SCHEMA, Column
from workflows import selectors
from workflows.models import Project, TrancheRequest
from workflows.visibility import PUBLIC_TRANCHE_STATES

RELEASE_NAME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(-\d{1,3})?$")
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
    path: Path
    created: datetime.datetime
    files: list[ReleaseFile]

    @property
    def date(self) -> datetime.date:
        return datetime.date.fromisoformat(self.name[:10])


# -- reading releases -------------------------------------------------------------------


def releases_root() -> Path:
    return Path(settings.RELEASES_ROOT)


def release_dir(name: str) -> Path | None:
    """The directory of release `name` (or `latest`), or None; refuses anything but a release name."""
    root = releases_root()
    if name == LATEST:
        link = root / LATEST
        if not link.is_symlink():
            return None
        name = os.readlink(link)
    if not RELEASE_NAME_RE.match(name):
        return None
    path = root / name
    return path if path.is_dir() else None


def latest_name() -> str | None:
    link = releases_root() / LATEST
    return os.readlink(link) if link.is_symlink() else None


def read_checksums(path: Path) -> dict[str, str]:
    sums = {}
    for line in (path / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, _sep, name = line.partition("  ")
        sums[name] = digest
    return sums


def load_release(name: str) -> Release | None:
    path = release_dir(name)
    if path is None or not (path / CHECKSUMS).exists():
        return None
    sums = read_checksums(path)
    files = [
        ReleaseFile(n, (path / n).stat().st_size, sums.get(n, ""))
        for n in RELEASE_FILES
        if (path / n).exists()
    ]
    meta = json.loads((path / DATAPACKAGE).read_text(encoding="utf-8"))
    return Release(path.name, path, datetime.datetime.fromisoformat(meta["created"]), files)


def list_releases() -> list[Release]:
    """Published releases, newest first."""
    root = releases_root()
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if p.is_dir() and RELEASE_NAME_RE.match(p.name)]
    releases = [load_release(n) for n in names]
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
        writer = safe_csv.writer(handle, lineterminator="\n")
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
    root = releases_root()
    if not (root / base).exists():
        return base
    n = 2
    while (root / f"{base}-{n}").exists():
        n += 1
    return f"{base}-{n}"


def _make_read_only(path: Path) -> None:
    for child in path.iterdir():
        child.chmod(0o444)
    path.chmod(0o555)


#: Called as `progress(done, total)` after each file of the release is written.
Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    return None


def publish_release(
    *,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
    progress: Progress | None = None,
) -> Release:
    """Write a new immutable snapshot from the database and point `latest` at it.

    All or nothing: the files are built in a hidden directory; any failure, up to and including
    the move of `latest`, removes the new directory, so no partial or unannounced release stays.
    """
    progress = progress or _no_progress
    total = len(RELEASE_FILES)
    root = releases_root()
    root.mkdir(parents=True, exist_ok=True)
    created = now or timezone.now()
    name = next_release_name(today or timezone.localdate())
    previous = latest_name()
    work = Path(tempfile.mkdtemp(prefix=f".building-{name}-", dir=root))
    final = root / name
    moved = False
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
        (work / DATAPACKAGE).write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        progress(4, total)
        previous_dir = release_dir(previous) if previous else None
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
        work.chmod(0o755)
        os.rename(work, final)
        moved = True
        _make_read_only(final)
        _point_latest(root, name)
    except BaseException:
        _remove_tree(final if moved else work)
        raise
    progress(total, total)
    return load_release(name)


def _remove_tree(path: Path) -> None:
    """Remove a (possibly read-only) directory we created."""
    if path.is_dir():
        path.chmod(0o755)
        for child in path.iterdir():
            child.chmod(0o644)
    shutil.rmtree(path, ignore_errors=True)


def _point_latest(root: Path, name: str) -> None:
    """Swap the `latest` symlink atomically (readers never see it missing)."""
    tmp = root / f".latest-{os.getpid()}"
    if tmp.is_symlink():
        tmp.unlink()
    os.symlink(name, tmp)
    os.replace(tmp, root / LATEST)


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


def _euros(value: str) -> str:
    return format_euros(Decimal(value), places=2)


class _Section:
    """Lines of one changelog section, spooled to disk so long diffs do not sit in memory."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.count = 0
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 — closed in copy_to

    def add(self, line: str) -> None:
        self.count += 1
        self.file.write(f"- {line}\n")

    def copy_to(self, out) -> None:
        out.write(f"\n## {self.title} ({self.count})\n\n")
        if not self.count:
            out.write("Aucun.\n")
        self.file.seek(0)
        shutil.copyfileobj(self.file, out)
        self.file.close()


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
        added = _Section("Nouveaux projets")
        removed = _Section("Projets retirés de la publication")
        amounts = _Section("Montants accordés modifiés")
        other = _Section("Autres changements de projets (avancement, statut, textes)")
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
                changed = [k for k in new if k != "award_amount" and old.get(k) != new[k]]
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
            elif old != new:
                changed = [k for k in new if old.get(k) != new[k]]
                t_changed.add(f"{new['project_public_id']} tranche {new['rank']} : {', '.join(changed)}")
        for section in (added, removed, amounts, other, t_added, t_removed, t_changed):
            section.copy_to(out)
