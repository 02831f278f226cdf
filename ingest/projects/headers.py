"""Column headers → pipeline fields, through a synonym table and an optional override file.

Headers are compared as sets of significant words (accents, case, punctuation and small words
ignored), so `N° FINESS`, `numéro finess` and `FINESS` meet, and `Nom du porteur` meets
`Porteur - nom`. A group label above the header (merged cells) is tried first: `Porteur` over
`Nom` reads `Porteur Nom`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from workflows.text import normalise_name

#: The 14 columns of the ministry's historical open-data file, in this order: the import recognises
#: the format by them, and `opendata/compat_csv.py` (the file's writer) writes them.
OPENDATA_COLUMNS = [
    "appel_a_projets",
    "annee_de_selection",
    "region",
    "nom_etablissement",
    "finess",
    "type_etablissement",
    "acronyme",
    "titre",
    "discipline_principale",
    "nom_porteur",
    "prenom_porteur",
    "financement_total",
    "numero_registre_essais",
    "numero_tranche",
]

#: field → what it means (shown in the mapping report and the docs)
FIELDS: dict[str, str] = {
    "call": "appel à projets (programme)",
    "year": "année de sélection",
    "selected_on": "date de sélection",
    "region": "région",
    "establishment_name": "nom de l'établissement",
    "finess": "FINESS de l'établissement",
    "establishment_type": "type d'établissement",
    "acronym": "acronyme",
    "title": "titre",
    "discipline": "discipline",
    "pi_last_name": "nom du porteur",
    "pi_first_name": "prénom du porteur",
    "pi_full_name": "porteur (nom et prénom dans une cellule)",
    "amount": "financement total",
    "registry": "numéro(s) de registre d'essais",
    "tranche": "numéro de la dernière tranche déléguée",
}

#: field → synonyms (any case, with or without accents or punctuation)
SYNONYMS: dict[str, list[str]] = {
    "call": [
        "appel_a_projets",
        "appel à projets",
        "appel",
        "AAP",
        "programme",
        "code programme",
        "programme de recherche",
        "call",
        "call for projects",
        "funding programme",
        "program",
    ],
    "year": [
        "annee_de_selection",
        "année de sélection",
        "année",
        "annee AAP",
        "campagne",
        "millésime",
        "year",
        "selection year",
    ],
    "selected_on": [
        "date de sélection",
        "date sélection",
        "date de notification",
        "date notification",
        "selection date",
        "date selected",
    ],
    "region": ["region", "région", "region name"],
    "establishment_name": [
        "nom_etablissement",
        "nom de l'établissement",
        "établissement",
        "établissement coordonnateur",
        "établissement nom",
        "établissement coordonnateur nom",
        "etablissement gestionnaire",
        "raison sociale",
        "hôpital",
        "institution",
        "establishment",
        "coordinating establishment",
        "hospital",
    ],
    "finess": [
        "finess",
        "N° FINESS",
        "numéro finess",
        "finess juridique",
        "FINESS EJ",
        "établissement finess",
        "établissement N° FINESS",
        "finess établissement",
        "finess number",
    ],
    "establishment_type": [
        "type_etablissement",
        "type d'établissement",
        "type",
        "catégorie établissement",
        "établissement type",
        "establishment type",
    ],
    "acronym": ["acronyme", "acronyme du projet", "projet acronyme", "acronym", "project acronym"],
    "title": [
        "titre",
        "titre du projet",
        "intitulé",
        "intitulé du projet",
        "projet titre",
        "title",
        "project title",
    ],
    "discipline": [
        "discipline_principale",
        "discipline principale",
        "discipline",
        "spécialité",
        "thématique",
        "main discipline",
        "specialty",
        "field",
    ],
    "pi_last_name": [
        "nom_porteur",
        "nom du porteur",
        "porteur nom",
        "nom PI",
        "PI nom",
        "nom de l'investigateur",
        "investigateur nom",
        "nom investigateur principal",
        "investigateur coordonnateur nom",
        "PI last name",
        "last name",
        "surname",
        "investigator last name",
    ],
    "pi_first_name": [
        "prenom_porteur",
        "prénom du porteur",
        "porteur prénom",
        "prénom PI",
        "PI prénom",
        "prénom de l'investigateur",
        "investigateur prénom",
        "investigateur coordonnateur prénom",
        "PI first name",
        "first name",
        "given name",
        "investigator first name",
    ],
    "pi_full_name": [
        "porteur",
        "porteur de projet",
        "porteur (PI)",
        "PI",
        "investigateur",
        "investigateur principal",
        "investigateur coordonnateur",
        "nom prénom du porteur",
        "porteur nom prénom",
        "principal investigator",
        "investigator",
    ],
    "amount": [
        "financement_total",
        "financement total",
        "financement",
        "montant",
        "montant total",
        "montant financé",
        "montant alloué",
        "montant accordé",
        "budget accordé",
        "total financé",
        "award",
        "amount",
        "total funding",
        "funding",
    ],
    "registry": [
        "numero_registre_essais",
        "numéro de registre",
        "numéro registre essais",
        "registre",
        "N° registre",
        "NCT",
        "N° NCT",
        "identifiant essai",
        "registry",
        "registry number",
        "trial registration",
        "clinicaltrials",
    ],
    "tranche": [
        "numero_tranche",
        "numéro de tranche",
        "tranche",
        "dernière tranche",
        "dernière tranche déléguée",
        "N° tranche",
        "last tranche",
        "tranche number",
    ],
}

_SMALL_WORDS = {
    "DE", "DU", "DES", "D", "L", "LA", "LE", "LES", "A", "AU", "AUX", "EN", "ET", "OF", "THE",
    "N", "NO", "NUM", "NUMERO", "NUMBER", "EUR", "EUROS", "E", "TTC", "HT",
}  # fmt: skip


def header_key(label: str) -> frozenset[str]:
    """Significant words of a header, order-free: `N° FINESS` and `finess` give {FINESS}."""
    words = normalise_name(str(label).replace("_", " ")).split()
    return frozenset(word for word in words if word not in _SMALL_WORDS)


_INDEX: dict[frozenset[str], str] = {}
for _field, _labels in SYNONYMS.items():
    for _label in _labels:
        _INDEX.setdefault(header_key(_label), _field)

REQUIRED = ("call", "year", "acronym", "title", "amount")


class MappingError(ValueError):
    """A mapping override file that cannot be used (the whole run stops, exit code 2)."""


@dataclass
class ColumnMapping:
    """Which file column feeds which field, and which columns were ignored."""

    columns: dict[int, str] = field(default_factory=dict)  # index → field
    labels: dict[int, str] = field(default_factory=dict)  # index → header as written
    ignored: list[str] = field(default_factory=list)
    overridden: list[str] = field(default_factory=list)

    def label_of(self, name: str) -> str:
        for index, mapped in self.columns.items():
            if mapped == name:
                return self.labels[index]
        return FIELDS.get(name, name)

    def fields(self) -> set[str]:
        return set(self.columns.values())

    def missing(self) -> list[str]:
        present = self.fields()
        missing = [name for name in REQUIRED if name not in present]
        if "establishment_name" not in present and "finess" not in present:
            missing.append("finess")
        if not present & {"pi_last_name", "pi_full_name"}:
            missing.append("pi_last_name")
        return missing

    def as_report(self) -> dict:
        return {
            "columns": {self.labels[i]: self.columns[i] for i in sorted(self.columns)},
            "ignored": self.ignored,
            "overridden": self.overridden,
        }


def load_override(path: str | Path | None) -> dict[frozenset[str], str | None]:
    """Read `--mapping` (YAML or JSON): `{"header in the file": "field" | null}`.

    The mapping may also sit under a `columns:` key. `null` or `ignore` drops a column.
    """
    if not path:
        return {}
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise MappingError(
            _("Fichier de correspondance « %(path)s » illisible : %(error)s")
            % {"path": path, "error": error.strerror}
        )
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(content)
        else:
            import yaml

            data = yaml.safe_load(content)
    except (ValueError, ImportError) as error:
        raise MappingError(
            _("Fichier de correspondance « %(path)s » mal formé : %(error)s")
            % {"path": path.name, "error": error}
        )
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict):
        raise MappingError(
            _("Le fichier de correspondance doit associer chaque en-tête du fichier à un champ.")
        )
    override: dict[frozenset[str], str | None] = {}
    for header, target in data.items():
        target = None if target in (None, "", "ignore", "ignorer") else str(target)
        if target is not None and target not in FIELDS:
            raise MappingError(
                _("Correspondance « %(header)s » → « %(target)s » : champ inconnu (champs : %(fields)s).")
                % {"header": header, "target": target, "fields": ", ".join(FIELDS)}
            )
        override[header_key(str(header))] = target
    return override


def map_header(
    cells: list[object], *, group_row: list[object] | None = None, override: dict | None = None
) -> ColumnMapping:
    """Map one header row; with `group_row` (the row above), merged group labels are tried first."""
    override = override or {}
    mapping = ColumnMapping()
    groups = _forward_fill(group_row or [], len(cells))
    for index, cell in enumerate(cells):
        label = " ".join(str(cell).split()) if cell is not None else ""
        if not label:
            continue
        group = groups[index] if index < len(groups) else ""
        full = f"{group} {label}".strip() if group else label
        candidates = [full, label] if group else [label]
        target, matched = None, label
        for candidate in candidates:
            key = header_key(candidate)
            if key in override:
                target, matched = override[key], candidate
                mapping.overridden.append(candidate)
                break
            if key in _INDEX:
                target, matched = _INDEX[key], candidate
                break
        if target is None or target in mapping.fields():
            mapping.ignored.append(label)
            continue
        mapping.columns[index] = target
        mapping.labels[index] = matched
    return mapping


def _forward_fill(row: list[object], width: int) -> list[str]:
    """A merged group label covers the empty cells to its right (openpyxl leaves them None)."""
    filled, current = [], ""
    for index in range(width):
        cell = row[index] if index < len(row) else None
        if cell is not None and str(cell).strip():
            current = " ".join(str(cell).split())
        filled.append(current)
    return filled


def score(mapping: ColumnMapping) -> int:
    return len(mapping.columns)
