"""`manage.py import_documents PATH [--dry-run] [--report FILE]`: legacy documents of a folder or ZIP."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.documents.services import import_documents, summary
from ingest.documents.sources import SourceRefused
from ingest.projects.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Importe les documents historiques d'un dossier ou d'une archive ZIP (PDF, DOCX, XLSX, ODT, texte)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="dossier ou archive .zip")
        parser.add_argument("--dry-run", action="store_true", help="tout analyser, ne rien écrire")
        parser.add_argument(
            "--report", help="fichier JSON du rapport (matched, review, unmatched, duplicates, refused)"
        )

    def handle(self, *args, **options):
        progress = ProgressBar(self.stderr, min_rows=200, unit="fichiers")
        try:
            run = import_documents(path=Path(options["path"]), dry_run=options["dry_run"], progress=progress)
        except SourceRefused as error:
            raise CommandError(str(error), returncode=2)
        finally:
            progress.close()
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(
                    {**run.report, "run_id": run.pk, "dry_run": run.dry_run}, ensure_ascii=False, indent=2
                ),
                encoding="utf-8",
            )
        for entry in run.report["refused"]:
            self.stderr.write(f"{entry['file']} : {entry['reason']}")
        self.stdout.write(summary(run))
