"""Import benchmark: the admin's background import (dry run, then confirmed) of an N-row file.

    DATABASE_URL=postgres://… SECRET_KEY=bench .venv/bin/python bench/import_bench.py --rows 4000
        [--kind opendata|csv|xlsx] [--profile FILE] [--shapes N] [--keep-database] [--again]

Generates the file (`opendata`: the ministry's 14 columns, cp1252, ~300 establishments unknown
to the database, every tranche number; `csv`/`xlsx`: an agents' legacy spreadsheet), stores it
where the admin stores uploads, then runs `ingest.projects.tasks.run_project_import` on a queued
`ImportRun` exactly as the worker does: the dry run, then the confirmation of that dry run (which
commits, deferred foreign-key checks included); `--again` imports the same file once more, every
row then already held (the re-import of a stock file). Prints seconds, rows/s, the statements each
sent through Django (an `executemany` counts as one; a `COPY` is not a statement, the `nextval`
that reserves its ids is), the seconds spent in COMMIT and the CPU seconds of this process (the
figure least disturbed by other work on a shared machine).

It runs in a scratch database created beside DATABASE_URL's (`<name>_importbench` on
PostgreSQL, a temporary file with SQLite) and dropped at the end, so any
database can be named, even a populated one. `--profile FILE` writes a cProfile of the
confirmed import and prints its 25 heaviest functions.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import re
import resource
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirano.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from ingest.projects.services import upload_name, upload_storage  # noqa: E402
from ingest.projects.tasks import run_project_import  # noqa: E402
from tests.ingest.projects.builders import OPENDATA_HEADER, opendata_row, write_csv  # noqa: E402
from workflows.models import ImportRun, Region  # noqa: E402
from workflows.validators import luhn_ok  # noqa: E402

DEPARTMENTS = {
    "69": Region.ARA, "75": Region.IDF, "13": Region.PAC, "33": Region.NAQ, "59": Region.HDF,
    "35": Region.BRE, "86": Region.NAQ, "31": Region.OCC, "67": Region.GES, "44": Region.PDL,
    "06": Region.PAC, "21": Region.BFC, "37": Region.CVL, "76": Region.NOR, "974": Region.REU,
}  # fmt: skip
KINDS = ["CENTRE HOSPITALIER UNIVERSITAIRE DE", "CENTRE HOSPITALIER DE", "CH", "CHU", "INSTITUT"]
TYPES = ["CHUR", "CH", "CH", "CHUR", "CLCC"]
CALLS = ["PHRCN", "PHRCI", "PHRCK", "PREPS", "PHRIP", "PRME", "PRTS"]
FIRST = ["Jean", "Marie", "Anne", "Pierre", "Sophie", "Luc", "Claire", "Paul", "Julie", "Marc"]
DISCIPLINES = [
    "cardiologie", "Cancérologie", "médecine physique et réadaptation", "pharmacologie", "Neurologie",
    "Infectious diseases", "pédiatrie, néonatologie", "Santé publique - épidémiologie", "psychiatrie",
    "Oncologie (hors cancer du sein)", "gériatrie", "soins infirmiers", "Chirurgie orthopédique", "",
]  # fmt: skip
TRANCHES = ["1", "2", "2", "3", "3", "4", "5", "Aucune tranche"]
LEGACY_HEADER = ["AAP", "Année", "Acronyme", "Titre du projet", "Porteur (PI)", "N° FINESS", "Établissement",
                 "Montant alloué", "Date de notification", "N° registre", "Dernière tranche", "Commentaire"]  # fmt: skip


def finess(prefix: str, index: int) -> str:
    base = f"{prefix}{index:06d}"[:8]
    return next(base + d for d in "0123456789" if luhn_ok(base + d))


def establishments(count: int = 300) -> list[tuple[str, str, str, str]]:
    """(FINESS, name, type, region label) of `count` establishments the database does not hold."""
    found = []
    departments = list(DEPARTMENTS.items())
    for index in range(count):
        prefix, region = departments[index % len(departments)]
        kind = index % len(KINDS)
        found.append(
            (
                finess(prefix, 3000 + index),
                f"{KINDS[kind]} BENCHVILLE {index}",
                TYPES[kind],
                Region(region).label,
            )
        )
    return found


def opendata_rows(rows: int, rng: random.Random) -> list[list[str]]:
    places = establishments()
    people = [(f"NOM{i:05d}", rng.choice(FIRST)) for i in range(8000)]
    lines = [OPENDATA_HEADER]
    for index in range(rows):
        code, name, kind, region = rng.choice(places)
        last, first = rng.choice(people)
        registry = f"NCT{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.8 else ""
        lines.append(
            opendata_row(
                appel_a_projets=rng.choice(CALLS),
                annee_de_selection=str(rng.randint(2013, 2024)),
                region=region,
                nom_etablissement=name,
                finess=code,
                type_etablissement=kind,
                acronyme=f"BENCH{index:06d}",
                titre=f"Étude n° {index} de l’œsophage – évaluation médico-économique",
                discipline_principale=rng.choice(DISCIPLINES),
                nom_porteur=last,
                prenom_porteur=first,
                financement_total=f"{rng.randint(20_000, 2_000_000)},00",
                numero_registre_essais=registry,
                numero_tranche=rng.choice(TRANCHES),
            )
        )
    return lines


def legacy_rows(rows: int, rng: random.Random) -> list[list[str]]:
    places = establishments()
    people = [f"Pr {rng.choice(FIRST)} NOM{i:05d}" for i in range(8000)]
    lines = [["Tableau de suivi des projets — extraction DRCI"], [], LEGACY_HEADER]
    for index in range(rows):
        code, name, _kind, _region = rng.choice(places)
        year = rng.randint(2013, 2024)
        amount = rng.randint(20_000, 2_000_000)
        lines.append(
            [
                rng.choice(["PHRC-N", "PHRC I", "phrck", "PREPS", "PHRIP", "PRME", "PRTS"]),
                str(year),
                f"BENCH{index:06d}",
                f"Projet de recherche appliquée numéro {index} – évaluation médico-économique",
                rng.choice(people),
                code.lstrip("0") if rng.random() < 0.1 else code,
                name,
                f"{amount:,}".replace(",", "\u00a0") + ",00 €",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                f"NCT{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.8 else "",
                rng.choice(TRANCHES),
                "",
            ]
        )
    return lines


def generate(path: Path, rows: int, kind: str, seed: int = 7) -> None:
    rng = random.Random(seed)
    lines = opendata_rows(rows, rng) if kind == "opendata" else legacy_rows(rows, rng)
    if kind == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Projets")
        for line in lines:
            sheet.append(line)
        workbook.save(path)
    else:
        write_csv(path, lines)


class QueryCounter:
    """Counts statements sent through Django's cursors (cheaper than CaptureQueriesContext)."""

    def __init__(self, *, keep_shapes: bool = False) -> None:
        self.count = 0
        self.shapes: Counter[str] | None = Counter() if keep_shapes else None
        self.seconds: Counter[str] = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.shapes is None:
            return execute(sql, params, many, context)
        shape = re.sub(r"\d+|%s(, %s)*", "N", sql)[:160]
        self.shapes[shape] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[shape] += time.perf_counter() - started

    def print_shapes(self, top: int) -> None:
        print("   count  statement")
        for shape, count in self.shapes.most_common(top):
            print(f"{count:>8}  {shape}")
        print("  seconds  statement")
        for shape, seconds in self.seconds.most_common(top):
            print(f"{seconds:>9.2f}  {shape} ({self.shapes[shape]}×)")


class CommitTimer:
    """Seconds spent in COMMIT (PostgreSQL checks the deferred foreign keys there)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self):
        self.original = connection._commit

        def timed():
            started = time.perf_counter()
            try:
                return self.original()
            finally:
                self.seconds += time.perf_counter() - started

        connection._commit = timed
        return self

    def __exit__(self, *exc) -> None:
        connection._commit = self.original


def run_task(
    *,
    token: str,
    kind: str,
    user,
    dry_run: bool,
    confirmed_from: int | None,
    profile: Path | None = None,
    shapes: int = 0,
):
    """Queue a run as the admin does, then execute the worker's task; (run, seconds, queries)."""
    upload = {"file": token, "mapping": "", "format": "auto"}
    report = {"upload": upload, **({"confirmed_from": confirmed_from} if confirmed_from else {})}
    run = ImportRun.objects.create(
        status=ImportRun.Status.QUEUED, dry_run=dry_run, file_name=f"bench.{kind}", actor=user, report=report
    )
    counter = QueryCounter(keep_shapes=bool(shapes))
    commits = CommitTimer()
    profiler = cProfile.Profile() if profile else None
    with connection.execute_wrapper(counter), commits:
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        run_project_import.call(run.pk)
        if profiler:
            profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler:
        profiler.dump_stats(profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    if shapes:
        print(f"most frequent statements ({'dry run' if dry_run else 'confirmed import'}):")
        counter.print_shapes(shapes)
    run.refresh_from_db()
    return run, elapsed, cpu, counter.count, commits.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_000)
    parser.add_argument("--kind", choices=["opendata", "csv", "xlsx"], default="opendata")
    parser.add_argument("--profile", type=Path, help="cProfile output of the confirmed import")
    parser.add_argument(
        "--shapes", type=int, default=0, help="print the N most frequent and the N slowest statements"
    )
    parser.add_argument("--keep-database", action="store_true", help="do not drop the scratch database")
    parser.add_argument(
        "--again", action="store_true", help="then import the same file once more (every row already held)"
    )
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    original, scratch = database["NAME"], None
    if connection.vendor == "sqlite":
        scratch = Path(tempfile.mkdtemp()) / "import-bench.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(scratch)
    else:  # never the test database pytest may be using at the same time
        database.setdefault("TEST", {})["NAME"] = f"{original}_importbench"
    started = time.perf_counter()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"scratch database {name} ({connection.vendor}) migrated in {time.perf_counter() - started:.1f} s")
    try:
        user = get_user_model().objects.create_user(username="bench-agent", password=uuid.uuid4().hex)
        token = f"{uuid.uuid4().hex}.{'xlsx' if args.kind == 'xlsx' else 'csv'}"
        path = Path(upload_storage().path(upload_name(token)))  # the demo's local storage
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(path, args.rows, args.kind)
        print(
            f"generated {args.rows} rows ({args.kind}, {path.stat().st_size / 2**20:.1f} MiB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        dry, *dry_figures = run_task(
            token=token, kind=args.kind, user=user, dry_run=True, confirmed_from=None, shapes=args.shapes
        )
        real, *real_figures = run_task(
            token=token,
            kind=args.kind,
            user=user,
            dry_run=False,
            confirmed_from=dry.pk,
            profile=args.profile,
            shapes=args.shapes,
        )
        results = [("dry run", dry, dry_figures), ("confirmed import", real, real_figures)]
        if args.again:
            generate(path, args.rows, args.kind)  # the same rows (seeded); the import removed the upload
            again, *again_figures = run_task(
                token=token, kind=args.kind, user=user, dry_run=False, confirmed_from=None, shapes=args.shapes
            )
            results.append(("again", again, again_figures))
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for label, run, (seconds, cpu, queries, commit) in results:
            rate = f"{args.rows / seconds:,.0f}".replace(",", " ")
            print(
                f"{label:>16}: {run.status} created={run.created_count} updated={run.updated_count} "
                f"unchanged={run.unchanged_count} rejected={run.rejected_count} "
                f"historical tranches={(run.report or {}).get('historical_tranches')} "
                f"in {seconds:.1f} s, {rate} rows/s, {queries} queries, COMMITs {commit:.1f} s, "
                f"Python CPU {cpu:.1f} s"
            )
        print(f"peak RSS: {rss_after:.0f} MiB (+{rss_after - rss_before:.0f} MiB during the imports)")
        path.unlink(missing_ok=True)
    finally:
        if args.keep_database:
            print(f"scratch database kept: {name}")
        else:
            connection.creation.destroy_test_db(original, verbosity=0)
            if scratch:
                scratch.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
