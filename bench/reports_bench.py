"""Benchmark of the indicators: cold build of every indicator for 4,000 then 40,000 projects, and
the warm `/indicateurs/` page. Prints figures; it is not a test.

    DATABASE_URL=postgres://sirano:sirano@127.0.0.1:5432/sirano_reports \\
        .venv/bin/python bench/reports_bench.py [--reset]

`--reset` empties the database first (drops its `public` schema; refused unless the database
name contains "reports" or "bench"), so that both sizes are measured; without it, a size the
database already exceeds is skipped.

The database is migrated and filled as needed (idempotent): `seed_portfolio` projects, then
tranche requests in every state with their audit events, written with bulk inserts, for each
reached milestone that the historical stock does not already cover.
Targets on the 2-core machine: cold build of 40,000 projects < 10 s; warm page < 100 ms.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirano.settings")
os.environ.setdefault("DATABASE_URL", "postgres://sirano:sirano@127.0.0.1:5432/sirano_reports")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from demo.indicators import create_indicators_page  # noqa: E402
from demo.portfolio import seed_portfolio  # noqa: E402
from reports import cache as report_cache  # noqa: E402
from reports import indicators  # noqa: E402
from workflows.models import AuditEvent, Project, ProjectMilestone, TrancheRequest  # noqa: E402
from workflows.reference import ensure_reference_data  # noqa: E402

#: (state reached, days after the declaration); the chain stops at the first date after today.
STEPS = [
    ("create", "", "draft", 10),
    ("submit", "draft", "submitted", 25),
    ("start_review", "submitted", "under_review", 35),
    ("validate", "under_review", "validated", 70),
    ("delegate", "validated", "delegated", 130),
    ("mark_paid", "delegated", "paid", 160),
]
STAMP = {
    "submitted": "submitted_at",
    "validated": "validated_at",
    "delegated": "delegated_at",
    "paid": "paid_at",
}


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11)))


def add_requests(rng: random.Random, today: datetime.date) -> tuple[int, int]:
    """A request for every reached milestone beyond the stock, in the state its dates reach today."""
    milestones = ProjectMilestone.objects.filter(
        declared_on__isnull=False, tranche_requests__isnull=True
    ).values_list("id", "project_id", "declared_on", "share_percent", "project__award_amount")
    requests, plans = [], []
    for milestone_id, project_id, declared_on, share, award in milestones.iterator(chunk_size=5000):
        scale = rng.uniform(0.6, 2.2)
        chain = []
        for action, source, target, offset in STEPS:
            at = declared_on + datetime.timedelta(days=round(offset * scale))
            if at >= today:
                break
            chain.append((action, source, target, at))
        if not chain:
            continue
        if rng.random() < 0.04 and len(chain) >= 3:  # a few rejections
            chain = [
                *chain[:3],
                ("reject", "under_review", "rejected", chain[2][3] + datetime.timedelta(days=20)),
            ]
        last = chain[-1]
        request = TrancheRequest(
            milestone_id=milestone_id,
            amount=(award * share / 100).quantize(Decimal("0.01")),
            status=last[2],
        )
        for _action, _source, target, at in chain:
            if target in STAMP:
                setattr(request, STAMP[target], _aware(at))
        requests.append(request)
        plans.append((project_id, milestone_id, chain))
    with transaction.atomic():
        created = TrancheRequest.objects.bulk_create(requests, batch_size=5000)
        events = [
            AuditEvent(
                action=action,
                from_state=source,
                to_state=target,
                created_at=_aware(at),
                project_id=project_id,
                milestone_id=milestone_id,
                tranche_request_id=request.pk,
            )
            for request, (project_id, milestone_id, chain) in zip(created, plans, strict=True)
            for action, source, target, at in chain
        ]
        AuditEvent.objects.bulk_create(events, batch_size=10000)
        # created_at / status_changed_at are auto_now_add: date them like the chain.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE workflows_trancherequest r SET created_at = e.first_at, status_changed_at = e.last_at
                FROM (SELECT tranche_request_id, MIN(created_at) AS first_at, MAX(created_at) AS last_at
                      FROM workflows_auditevent WHERE to_state <> '' GROUP BY tranche_request_id) e
                WHERE e.tranche_request_id = r.id AND r.created_at > e.last_at
                """
            )
    return len(created), len(events)


def fill(target: int, today: datetime.date) -> None:
    count = Project.objects.count()
    if count < target:
        start = time.perf_counter()
        seed_portfolio(projects=target - count, rng=random.Random(target + count), today=today)
        requests, events = add_requests(random.Random(target), today)
        report_cache.bump_data_version()
        print(
            f"  seeded {target - count} projects, {requests} requests, {events} audit events "
            f"in {time.perf_counter() - start:.1f} s"
        )


def cold_build(today: datetime.date) -> float:
    caches["figures"].clear()
    start = time.perf_counter()
    frames = indicators.build_all(today)
    elapsed = time.perf_counter() - start
    assert len(frames) == len(indicators.INDICATORS)
    return elapsed


def warm_page(runs: int = 30) -> tuple[float, float, float]:
    create_indicators_page()
    client = Client()
    first_start = time.perf_counter()
    assert client.get("/indicateurs/").status_code == 200
    first = time.perf_counter() - first_start
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/indicateurs/")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    timings.sort()
    return first, statistics.median(timings), timings[int(0.95 * (runs - 1))]


def reset_database() -> None:
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not ("reports" in name or "bench" in name):
        raise SystemExit(f"--reset refused on database {name!r} (PostgreSQL *reports* or *bench* only).")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    print(f"  database {name} emptied")


def main() -> None:
    if "--reset" in sys.argv[1:]:
        reset_database()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    ensure_reference_data()
    today = timezone.localdate()
    print(f"SIRANo reports benchmark — {connection.vendor}, as of {today}")
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        for size in (4000, 40000):
            if Project.objects.count() > size:
                print(f"{size:>6} projects: skipped, the database already holds more (use --reset)")
                continue
            fill(size, today)
            projects = Project.objects.count()
            requests = TrancheRequest.objects.count()
            events = AuditEvent.objects.count()
            cold = [cold_build(today) for _ in range(2)]
            past = cold_build_past(today)
            print(
                f"{projects:>6} projects, {requests} requests, {events} audit events: "
                f"cold build of {len(indicators.INDICATORS)} indicators {min(cold):.2f} s "
                f"(runs: {', '.join(f'{c:.2f}' for c in cold)}); as of one year earlier {past:.2f} s"
            )
            first, median, p95 = warm_page()
            print(
                f"{projects:>6} projects: /indicateurs/ first view {first * 1000:.0f} ms, "
                f"warm median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
            )


def cold_build_past(today: datetime.date) -> float:
    caches["figures"].clear()
    start = time.perf_counter()
    indicators.build_all(today - datetime.timedelta(days=365))
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
