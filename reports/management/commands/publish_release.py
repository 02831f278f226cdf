"""Publish an immutable, dated open-data release and move `latest` to it."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand

from reports.releases import publish_release


class Command(BaseCommand):
    help = "Publie une version datée et immuable des données ouvertes (CSV, XLSX, datapackage, CHANGELOG)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Date de la publication AAAA-MM-JJ (par défaut : aujourd'hui).",
        )

    def handle(self, *args, date, **options):
        release = publish_release(today=date)
        self.stdout.write(self.style.SUCCESS(f"Publication {release.name} écrite dans {release.path}"))
        for item in release.files:
            self.stdout.write(f"  {item.name:<18} {item.size:>12} octets  sha256 {item.sha256 or '—'}")
