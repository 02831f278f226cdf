"""Build the demo: reference data, a portfolio, demo users, then each area's demo step.

Deterministic for a given --seed; refused unless DEBUG is on.
"""

from __future__ import annotations

import datetime
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.indicators import create_indicators_page, publish_demo_release
from demo.portfolio import seed_portfolio
from demo.requests import seed_requests
from demo.site import build_site
from demo.users import ensure_demo_users
from workflows.reference import ensure_reference_data

#: Each area's step: a callable (*, rng, today, stdout) run after the portfolio exists.
STEPS = [build_site, seed_requests, create_indicators_page, publish_demo_release]


class Command(BaseCommand):
    help = "Crée un portefeuille de démonstration réaliste et le site (DEBUG uniquement)."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=4000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Date de référence AAAA-MM-JJ (par défaut : aujourd'hui).",
        )

    def handle(self, *args, projects: int, seed: int, today, **options):
        if not settings.DEBUG:
            raise CommandError("Refusé : seed_demo ne s'exécute qu'avec DEBUG=true.")
        if projects < 1:
            raise CommandError("--projects doit être un entier positif.")
        today = today or timezone.localdate()
        start = time.monotonic()
        ensure_reference_data()
        created = seed_portfolio(projects=projects, rng=random.Random(seed), today=today)
        self.stdout.write(f"Portefeuille : {len(created)} projets créés.")
        ensure_demo_users()
        for index, step in enumerate(STEPS):
            step(rng=random.Random(seed + index + 1), today=today, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Démo prête en {time.monotonic() - start:.1f} s."))
