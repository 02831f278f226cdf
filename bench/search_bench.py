"""Search latency on PostgreSQL: the project search (tsvector + GIN, trigram vocabulary) side by
side with a plain `icontains` search over the same fields, on the same seeded data.

    DATABASE_URL=postgres://… SECRET_KEY=bench .venv/bin/python bench/search_bench.py --projects 4000
    DATABASE_URL=postgres://… SECRET_KEY=bench .venv/bin/python bench/search_bench.py --projects 40000

Seeds the demo portfolio (`seed_portfolio`, bulk inserts that index as they go, at most 4,000
projects) then, above 4,000, bulk-creates copies of those projects (same texts, new ids, no
milestones: the search does not read them) and indexes them with `refresh_projects`, the path the
import takes. All inside a transaction rolled back at the end: the database is left as it was. Each query is timed as a
directory page needs it: the count of the matching set, then the first 20 ids in page order
(relevance for the search, year for `icontains`). Prints median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirano.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402

from demo.portfolio import seed_portfolio  # noqa: E402
from search.index import refresh_projects  # noqa: E402
from search.query import RELEVANCE, search_projects  # noqa: E402
from workflows.models import Project  # noqa: E402
from workflows.reference import ensure_reference_data  # noqa: E402

#: the fields the directory searched with `icontains` before issue 14
ICONTAINS_FIELDS = (
    "public_id",
    "acronym",
    "title",
    "summary",
    "investigator__last_name",
    "investigator__first_name",
    "establishment__name",
    "discipline__label",
)


def icontains(queryset, text: str):
    for word in text.split()[:8]:
        condition = Q()
        for field in ICONTAINS_FIELDS:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def queries() -> list[str]:
    sample = Project.objects.public().select_related("investigator").order_by("pk")[17]
    registration = Project.registrations.through.objects.values_list(
        "trialregistration__identifier", flat=True
    ).first()
    return [
        "étude",
        "essai randomisé",
        "cancers",
        "insufisance cardiaque",
        sample.acronym,
        sample.investigator.last_name,
        "Bretagne",
        registration or sample.public_id,
    ]


SEED_LIMIT = 4000
COPIED_FIELDS = (
    "call_id",
    "acronym",
    "title",
    "summary",
    "discipline_raw",
    "discipline_id",
    "establishment_id",
    "investigator_id",
    "award_amount",
    "status",
    "visibility",
    "selected_on",
)


def seed(projects: int) -> None:
    ensure_reference_data()
    seed_portfolio(
        projects=min(projects, SEED_LIMIT), rng=random.Random(2026), today=datetime.date(2026, 11, 1)
    )
    originals = list(Project.objects.select_related("call").order_by("pk"))
    copies = []
    for index in range(projects - len(originals)):
        original = originals[index % len(originals)]
        sequence = 10_000 * (1 + index // len(originals)) + original.sequence
        copy = Project(**{name: getattr(original, name) for name in COPIED_FIELDS})
        copy.sequence = sequence
        copy.public_id = Project.build_public_id(original.call, sequence)
        copies.append(copy)
    created = Project.objects.bulk_create(copies, batch_size=2000)
    refresh_projects(project.pk for project in created)


def timed(function, repeat: int) -> list[float]:
    function()  # warm the plan and the buffers
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def page(queryset, ordering: list[str]):
    def run():
        queryset.count()
        list(queryset.order_by(*ordering).values_list("pk", flat=True)[:20])

    return run


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL=postgres://…")
    with transaction.atomic():
        start = time.perf_counter()
        seed(args.projects)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        total = Project.objects.count()
        print(f"{total} projets (amorçage et indexation : {time.perf_counter() - start:.0f} s)")
        print(f"{'requête':<26} {'résultats':>9}  {'recherche méd/p95 ms':>21}  {'icontains méd/p95 ms':>21}")
        everything_search, everything_plain = [], []
        for text in queries():
            base = Project.objects.public()
            searched = search_projects(base, text)
            plain = icontains(base, text)
            fast = timed(page(searched, [f"-{RELEVANCE}", "-call__year", "public_id"]), args.repeat)
            slow = timed(page(plain, ["-call__year", "public_id"]), args.repeat)
            everything_search += fast
            everything_plain += slow
            print(
                f"{text[:26]:<26} {searched.count():>9}  "
                f"{statistics.median(fast):>10.1f} / {p95(fast):>8.1f}  "
                f"{statistics.median(slow):>10.1f} / {p95(slow):>8.1f}"
            )
        print(
            f"{'toutes requêtes':<26} {'':>9}  "
            f"{statistics.median(everything_search):>10.1f} / {p95(everything_search):>8.1f}  "
            f"{statistics.median(everything_plain):>10.1f} / {p95(everything_plain):>8.1f}"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
