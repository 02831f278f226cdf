"""Write every indicator table on a date to one XLSX workbook, plus a PDF summary next to it.

Runs at once, through the same job service as the admin's « Produire le rapport des indicateurs »
(recorded, audited, one report at a time), writing to the path given.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

import formatting as fmt
from reports import indicators, jobs
from reports.models import BackgroundJob


class Command(BaseCommand):
    help = (
        "Écrit les tableaux de tous les indicateurs à une date dans un classeur XLSX (une feuille par "
        "indicateur) et un résumé PDF (graphique et tableau de chaque indicateur) à côté."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", dest="as_of", default=None, help="Date de situation AAAA-MM-JJ (défaut : aujourd'hui)."
        )
        parser.add_argument("--out", required=True, help="Chemin du classeur à écrire, terminé par .xlsx.")
        parser.add_argument("--programme", default="", help="Code de programme (PHRCN…), facultatif.")
        parser.add_argument("--region", default="", help="Code de région (ARA, IDF…), facultatif.")
        parser.add_argument("--year", default=None, help="Année de sélection, facultative.")

    def handle(self, *args, as_of, out, programme, region, year, **options):
        try:
            day = indicators.parse_as_of(as_of)
            filters = indicators.parse_filters(programme=programme, region=region, year=year)
        except ValidationError as error:
            raise CommandError(error.messages[0])
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"Le fichier de sortie doit se terminer par .xlsx (reçu : « {out} »).")
        if not path.parent.is_dir():
            raise CommandError(
                f"Le dossier « {path.parent} » n'existe pas : créez-le ou choisissez un autre chemin."
            )
        if path.exists() and path.is_dir():
            raise CommandError(f"« {out} » est un dossier, pas un fichier.")
        try:
            job = jobs.request_job(
                kind=BackgroundJob.Kind.REPORT,
                actor=None,
                parameters={
                    "as_of": day.isoformat(),
                    "programme": filters.programme,
                    "region": filters.region,
                    "year": filters.year,
                },
                enqueue=False,
            )
        except jobs.JobAlreadyActive as already:
            raise CommandError(
                f"Un rapport est déjà en attente ou en cours (n° {already.job.pk}) : attendez sa fin."
            )
        try:
            job = jobs.run_job(job_id=job.pk, out=path)
        except OSError as error:
            raise CommandError(f"Écriture impossible dans « {out} » : {error.strerror}.") from error
        pdf_path = Path(job.result["pdf"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(indicators.INDICATORS)} indicateurs au {fmt.format_date(day)} : {path} (XLSX, une feuille par indicateur) "
                f"et {pdf_path} (résumé PDF)."
            )
        )
