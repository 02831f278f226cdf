"""`import_ror_ids FICHIER.csv`: fill establishments' ROR identifiers from a FINESS → ROR mapping.

The file has two columns named `finess` and `ror` (`;` or `,`, UTF-8 or Windows-1252); a ROR
cell may hold the bare id or its https://ror.org/ address. Every row is checked first and every
error reported by line: one bad row and nothing is written. Each change is audited.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workflows.establishment_services import assign_ror_ids, parse_ror_mapping

REQUIRED = ("finess", "ror")


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows keyed by lower-case header; a spreadsheet's Windows-1252 export is read too."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    headers = [name.strip().lower() for name in reader.fieldnames or []]
    if not all(name in headers for name in REQUIRED):
        raise CommandError(
            "Le fichier doit avoir les colonnes « finess » et « ror » "
            f"(trouvé : {', '.join(headers) or 'aucune'}). Aucune modification."
        )
    return [
        {key.strip().lower(): (value or "").strip() for key, value in row.items() if key} for row in reader
    ]


class Command(BaseCommand):
    help = (
        "Renseigne l'identifiant ROR des établissements depuis un CSV « finess ; ror ». "
        "Toutes les lignes sont vérifiées avant d'écrire : une seule erreur et rien n'est modifié."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier CSV avec les colonnes finess et ror")

    def handle(self, *args, path, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"Fichier introuvable : {path}. Aucune modification.")
        mapping, errors = parse_ror_mapping(read_rows(source))
        if errors:
            raise CommandError(
                f"{len(errors)} ligne(s) en erreur, aucune modification :\n" + "\n".join(errors)
            )
        changed = assign_ror_ids(mapping=mapping, source=source.name)
        self.stdout.write(
            f"{changed} établissements mis à jour, {len(mapping) - changed} déjà à jour ({source.name})."
        )
