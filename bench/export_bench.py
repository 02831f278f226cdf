"""Time and peak memory of the open-data exports for 40,000 projects, against a raw floor.

    .venv/bin/python bench/export_bench.py [--projects 40000] [--workdir /tmp/sirano-bench]

Seeds (once) a SQLite database with `seed_portfolio`, then measures:
  * `sirano.csv` through `opendata.compat_csv.iter_csv_bytes()` (values_list rows);
  * a full release (`opendata.releases.publish_release`: CSV + XLSX + datapackage + CHANGELOG
    + SHA256SUMS), first and second (the second merges a CHANGELOG against the first);
  * the floor: one hand-written SQL query per file through `sqlite3` + `csv`, same rows.
Each is run once for wall time, then once under tracemalloc for the peak of Python
allocations (what would grow with the row count if anything were held in memory).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import resource
import shutil
import sqlite3
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(workdir: Path) -> Path:
    db = workdir / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["SIRANO_VAR_DIR"] = str(workdir / "var")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    os.environ["DEBUG"] = "false"
    os.environ["AXES_ENABLED"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirano.settings")
    import django

    django.setup()
    return db


def seed(n: int) -> None:
    from django.core.management import call_command

    from demo.portfolio import seed_portfolio
    from workflows.models import Project
    from workflows.reference import ensure_reference_data

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    ensure_reference_data()
    have = Project.objects.count()
    if have < n:
        start = time.perf_counter()
        seed_portfolio(projects=n, rng=random.Random(2026), today=datetime.date(2026, 6, 1))
        print(f"seeded {Project.objects.count()} projects in {time.perf_counter() - start:.1f} s")


def measure(label: str, fn) -> None:
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<44} {elapsed:8.2f} s   peak Python heap {peak / 2**20:8.2f} MiB   {result}")


# -- SIRANo code paths ------------------------------------------------------------------


def sirano_csv(out: Path):
    from opendata.compat_csv import iter_csv_bytes

    rows = -1
    with open(out, "wb") as handle:
        for chunk in iter_csv_bytes():
            handle.write(chunk)
            rows += 1
    return f"{rows} rows, {out.stat().st_size / 2**20:.1f} MiB"


def release(root: Path):
    from django.conf import settings

    from opendata.releases import publish_release

    settings.RELEASES_ROOT = root
    published = publish_release()
    size = sum(f.size for f in published.files)
    return f"{published.name}, {size / 2**20:.1f} MiB in {len(published.files)} files"


# -- floor: sqlite3 + csv ---------------------------------------------------------------

COMPAT_SQL = """
SELECT c.code, c.year, e.region, e.name, e.finess, e.type, p.acronym, p.title,
       COALESCE(NULLIF(p.discipline_raw, ''), d.label, ''), i.last_name, i.first_name, p.award_amount,
       (SELECT group_concat(identifier, ', ') FROM (
            SELECT r.identifier FROM workflows_project_registrations pr
            JOIN workflows_trialregistration r ON r.id = pr.trialregistration_id
            WHERE pr.project_id = p.id ORDER BY r.identifier)),
       COALESCE((
            SELECT MAX(m.rank) FROM workflows_projectmilestone m
            JOIN workflows_trancherequest t ON t.milestone_id = m.id
            WHERE m.project_id = p.id AND t.status IN ('delegated', 'paid')), 0)
FROM workflows_project p
JOIN workflows_call c ON c.id = p.call_id
JOIN workflows_establishment e ON e.id = p.establishment_id
JOIN workflows_investigator i ON i.id = p.investigator_id
LEFT JOIN workflows_discipline d ON d.id = p.discipline_id
WHERE p.visibility = 'public'
ORDER BY c.year, c.code, p.public_id
"""

PROJECTS_SQL = """
SELECT p.public_id, pg.code, c.code, c.year, p.acronym, p.title, p.summary, d.code, d.label,
       e.finess, e.name, e.type, e.region, i.last_name, i.first_name, p.award_amount, p.status,
       p.selected_on, p.results_url, p.results_posted_on,
       (SELECT group_concat(r.registry || ':' || r.identifier, '|') FROM workflows_project_registrations pr
            JOIN workflows_trialregistration r ON r.id = pr.trialregistration_id WHERE pr.project_id = p.id)
FROM workflows_project p
JOIN workflows_call c ON c.id = p.call_id
JOIN workflows_programme pg ON pg.id = c.programme_id
JOIN workflows_establishment e ON e.id = p.establishment_id
JOIN workflows_investigator i ON i.id = p.investigator_id
LEFT JOIN workflows_discipline d ON d.id = p.discipline_id
WHERE p.visibility = 'public'
ORDER BY p.public_id
"""


def floor_compat(db: Path, out: Path):
    from workflows.models import Region  # labels only: the floor reads no model

    labels = dict(Region.choices)
    connection = sqlite3.connect(db)
    rows = 0
    with open(out, "w", encoding="cp1252", errors="replace", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        for row in connection.execute(COMPAT_SQL):
            row = list(row)
            row[2] = labels[row[2]]
            row[11] = f"{float(row[11]):.2f}".replace(".", ",")
            row[13] = row[13] or "Aucune tranche"
            writer.writerow(row)
            rows += 1
    connection.close()
    return f"{rows} rows, {out.stat().st_size / 2**20:.1f} MiB"


def floor_projects(db: Path, out: Path):
    connection = sqlite3.connect(db)
    rows = 0
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in connection.execute(PROJECTS_SQL):
            writer.writerow(row)
            rows += 1
    connection.close()
    return f"{rows} rows, {out.stat().st_size / 2**20:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=40_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sirano-bench"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = setup(args.workdir)
    seed(args.projects)
    out = args.workdir / "out"
    if out.exists():  # earlier releases are read-only snapshots: make them writable to clear them
        for path in [out, *out.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(out)
    out.mkdir()

    from workflows.models import Project

    print(f"{Project.objects.public().count()} public projects of {Project.objects.count()} (SQLite {db})")
    print(f"{'export':<44} {'time':>10}   {'memory':>30}")
    measure("floor sqlite3+csv  sirano.csv (14 cols)", lambda: floor_compat(db, out / "floor-sirano.csv"))
    measure("SIRANo             sirano.csv", lambda: sirano_csv(out / "sirano.csv"))
    measure("floor sqlite3+csv  projects.csv", lambda: floor_projects(db, out / "floor-projects.csv"))
    measure("SIRANo  release (1st, no CHANGELOG diff)", lambda: release(out / "releases-a"))
    # Two more releases in the same root: each merges a CHANGELOG against the previous one.
    release(out / "releases-b")
    measure("SIRANo  release (with CHANGELOG merge)", lambda: release(out / "releases-b"))
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS over the whole run: {peak_rss:.0f} MiB")


if __name__ == "__main__":
    main()
