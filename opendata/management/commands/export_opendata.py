"""`export_opendata PATH`: the ministry's historical open-data file, from the public projects."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from opendata.compat_csv import write_compat_csv


class Command(BaseCommand):
    help = "Écrit le fichier open data historique (14 colonnes, « ; », cp1252, virgule décimale)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier CSV à écrire")

    def handle(self, *args, path, **options):
        count = write_compat_csv(path)
        self.stdout.write(f"{count} projets exportés vers {path}")
