"""Import benchmark: generate a legacy spreadsheet of N rows, import it, print rows/s and memory.

    DATABASE_URL=postgres://… SECRET_KEY=bench .venv/bin/python bench/import_bench.py [--rows 40000]
        [--kind csv|xlsx] [--keep] [--memory-check]

The file looks like the agents' legacy spreadsheets: title lines above a French header, `AAP`
and `N° FINESS` abbreviations, one-cell investigators, `dd/mm/yyyy` dates, `1 234 567,89 €`
amounts, cp1252. The import runs inside a transaction rolled back at the end (unless --keep),
so the database is left as it was. --memory-check imports 5,000 then 20,000 rows under
tracemalloc and prints both peaks: flat memory means the two are close.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirano.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from workflows.ingest.services import import_projects_file  # noqa: E402
from workflows.validators import luhn_ok  # noqa: E402

DEPARTMENTS = ["69", "75", "13", "33", "59", "35", "86", "31", "67", "44", "06", "01", "9702"]
CALLS = ["PHRC-N", "PHRC I", "phrck", "PREPS", "PHRIP", "PRME", "PRTS"]
FIRST = ["Jean", "Marie", "Anne", "Pierre", "Sophie", "Luc", "Claire", "Paul", "Julie", "Marc"]
HEADER = ["AAP", "Année", "Acronyme", "Titre du projet", "Porteur (PI)", "N° FINESS", "Établissement",
          "Montant alloué", "Date de notification", "N° registre", "Dernière tranche", "Commentaire"]  # fmt: skip


def finess(prefix: str, index: int) -> str:
    base = f"{prefix}{index:06d}"[:8]
    return next(base + d for d in "0123456789" if luhn_ok(base + d))


def generate(path: Path, rows: int, kind: str, seed: int = 7) -> None:
    rng = random.Random(seed)
    establishments = [
        (finess(DEPARTMENTS[i % len(DEPARTMENTS)], 1000 + i), f"CENTRE HOSPITALIER BENCH {i}")
        for i in range(300)
    ]
    people = [f"Pr {rng.choice(FIRST)} NOM{i:05d}" for i in range(8000)]

    def lines():
        yield ["Tableau de suivi des projets — extraction DRCI"]
        yield []
        yield HEADER
        for index in range(rows):
            code, name = rng.choice(establishments)
            year = rng.randint(2010, 2024)
            amount = rng.randint(20_000, 2_000_000)
            yield [
                rng.choice(CALLS),
                str(year),
                f"BENCH{index:06d}",
                f"Projet de recherche appliquée numéro {index} – évaluation médico-économique",
                rng.choice(people),
                code.lstrip("0") if rng.random() < 0.1 else code,
                name,
                f"{amount:,}".replace(",", "\u00a0") + ",00 €",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{year}",
                f"NCT{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.8 else "",
                rng.choice(["1", "2", "3", "4", "5", "Aucune tranche"]),
                "",
            ]

    if kind == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Projets")
        for line in lines():
            sheet.append(line)
        workbook.save(path)
    else:
        with path.open("w", encoding="cp1252", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(lines())


def prepare_calls() -> None:
    """Create the bench's calls with their schedules' evidence types linked (as in production)."""
    from workflows.models import EvidenceType, MilestoneTemplate
    from workflows.reference import DEFAULT_SCHEDULE, ensure_reference_data, get_or_create_call

    ensure_reference_data()
    through = MilestoneTemplate.evidence_types.through
    evidence = {e.code: e.pk for e in EvidenceType.objects.all()}
    codes = {rank: codes for rank, _label, codes, *_rest in DEFAULT_SCHEDULE}
    for code in ("PHRCN", "PHRCI", "PHRCK", "PREPS", "PHRIP", "PRME", "PRTS"):
        for year in range(2010, 2025):
            for template in get_or_create_call(code, year).current_schedule().milestone_templates.all():
                if not through.objects.filter(milestonetemplate_id=template.pk).exists():
                    through.objects.bulk_create(
                        [
                            through(milestonetemplate_id=template.pk, evidencetype_id=evidence[c])
                            for c in codes[template.rank]
                        ]
                    )


def run_import(path: Path, *, keep: bool, passes: int = 1) -> list[tuple[str, float]]:
    """Import `passes` times in one transaction (rolled back unless keep); (summary, seconds) each."""
    results = []
    with transaction.atomic():
        prepare_calls()
        for _pass in range(passes):
            started = time.perf_counter()
            _run, outcome = import_projects_file(path=path)
            results.append((outcome.summary(), time.perf_counter() - started))
        if not keep:
            transaction.set_rollback(True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--kind", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--keep", action="store_true", help="commit the imported rows")
    parser.add_argument("--memory-check", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"legacy.{args.kind}"
        started = time.perf_counter()
        generate(path, args.rows, args.kind)
        print(
            f"generated {args.rows} rows ({args.kind}, {path.stat().st_size / 2**20:.1f} MiB) in {time.perf_counter() - started:.1f} s"
        )

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results = run_import(path, keep=args.keep, passes=2)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for label, (summary, elapsed) in zip(("first import", "re-import"), results, strict=True):
            rate = f"{args.rows / elapsed:,.0f}".replace(",", " ")
            print(f"{label}: {summary} in {elapsed:.1f} s, {rate} rows/s")
        print(
            f"peak RSS: {rss_after:.0f} MiB (before import {rss_before:.0f} MiB, +{rss_after - rss_before:.0f} MiB)"
        )

        if args.memory_check:
            for rows in (5_000, 20_000):
                small = Path(folder) / f"mem{rows}.{args.kind}"
                generate(small, rows, args.kind, seed=rows)
                tracemalloc.start()
                run_import(small, keep=False)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                print(f"tracemalloc peak for {rows:>6} rows: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
