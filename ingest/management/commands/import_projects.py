"""`import_projects PATH`: load the open-data file or a legacy spreadsheet (see docs/ingest.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.projects.headers import MappingError
from ingest.projects.pipeline import FORMATS
from ingest.projects.progress import ProgressBar
from ingest.projects.readers import UnreadableFile
from ingest.projects.services import import_projects_file


class Command(BaseCommand):
    help = "Importe des projets depuis le fichier open data ou un tableur historique (CSV ou XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier CSV ou XLSX")
        parser.add_argument("--format", choices=FORMATS, default="auto", dest="fmt")
        parser.add_argument(
            "--dry-run", action="store_true", help="montre ce qui changerait, sans rien écrire"
        )
        parser.add_argument("--mapping", help="correspondance des en-têtes (YAML ou JSON)")
        parser.add_argument("--report", help="écrit le rapport JSON à ce chemin")

    def handle(self, *args, path, fmt, dry_run, mapping, report, **options):
        bar = ProgressBar(self.stderr)
        try:
            run, outcome = import_projects_file(
                path=path, fmt=fmt, mapping_path=mapping, dry_run=dry_run, progress=bar
            )
        except (UnreadableFile, MappingError) as error:
            bar.close()
            raise CommandError(f"Fichier illisible, rien n'a été importé. {error}", returncode=2)
        bar.close()
        content = run.report
        if report:
            Path(report).write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
        verbosity = options.get("verbosity", 1)
        if verbosity >= 1:
            self._describe(content, dry_run)
        self.stdout.write(outcome.summary())

    def _describe(self, content: dict, dry_run: bool) -> None:
        source = content["source"]
        self.stdout.write(
            f"Import n° {content['run_id']}{' (simulation, rien n’a été écrit)' if dry_run else ''} : "
            f"format {content['format']}, fichier {source['type']}"
            + (f" ({source['encoding']}, séparateur « {source['separator']} »)" if source["encoding"] else "")
        )
        for sheet, mapping in content["mapping"].items():
            label = "" if sheet == "csv" else f"feuille « {sheet} », "
            pairs = ", ".join(f"{header} → {name}" for header, name in mapping["columns"].items())
            self.stdout.write(f"Correspondance ({label}en-tête ligne {mapping['header_row']}) : {pairs}")
            if mapping["ignored"]:
                self.stdout.write(f"Colonnes ignorées : {', '.join(mapping['ignored'])}")
        for note in content["notes"]:
            self.stdout.write(note)
        for new in content["new_establishments"]:
            self.stdout.write(f"Nouvel établissement : {new['name']} ({new['finess']})")
        for update in content["updates"][:50]:
            changes = " ; ".join(
                f"{name} : « {old} » → « {new} »" for name, (old, new) in update["changes"].items()
            )
            self.stdout.write(f"Mise à jour ligne {update['row']} {update['public_id']} : {changes}")
        for warning in content["warnings"][:50]:
            self.stdout.write(f"Avertissement : {warning}")
        for rejected in content["rejected"][:200]:
            for error in rejected["errors"]:
                self.stdout.write(f"Rejet : {error}")
