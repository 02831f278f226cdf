"""Columns of the modern open-data files: one spec per column gives its Table Schema entry,
its French description (shown on /donnees/) and how to read it from a project or tranche.

Every column names the visibility-registry field it exposes; only public fields are allowed
(checked at import), so a release can never carry an expert or internal field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from workflows.validators import REGISTRY_PATTERNS, Registry
from workflows.visibility import Tier, is_visible

#: Table Schema types (the identifiers the files' datapackage.json keeps) described in French
TYPE_LABELS = {
    "string": "texte",
    "integer": "entier",
    "number": "nombre décimal (point)",
    "boolean": "booléen : true (oui) ou false (non)",
    "date": "date (AAAA-MM-JJ)",
}


@dataclass(frozen=True)
class Column:
    name: str
    source: str  # field of the visibility registry this column exposes
    type: str  # Table Schema type
    description: str
    get: Callable[[Any], Any]
    constraints: dict = field(default_factory=dict)

    @property
    def type_label(self) -> str:
        """The type in French for /donnees/ (« entier »); `type` stays the Table Schema identifier."""
        return TYPE_LABELS[self.type]

    def table_schema(self) -> dict:
        entry = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "number":
            entry["decimalChar"] = "."
            entry["groupChar"] = ""
        if self.constraints:
            entry["constraints"] = dict(self.constraints)
        return entry


def _local_day(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def _well_formed(registration) -> bool:
    pattern = REGISTRY_PATTERNS.get(registration.registry)
    return pattern is not None and pattern.match(registration.identifier) is not None


def _ids(registry: str) -> Callable[[Any], str]:
    def get(project) -> str:
        return "|".join(
            r.identifier for r in project.registrations.all() if r.registry == registry and _well_formed(r)
        )

    return get


def _other_ids(project) -> str:
    """Ids stored without passing their registry's format (legacy data): published, but apart."""
    return "|".join(
        f"{r.registry}:{r.identifier}" for r in project.registrations.all() if not _well_formed(r)
    )


def _multi_pattern(registry: str) -> str:
    single = REGISTRY_PATTERNS[registry].pattern.strip("^$")
    return f"^({single})(\\|({single}))*$"


REGISTRY_COLUMNS = {
    Registry.CLINICALTRIALS: "clinicaltrials_ids",
    Registry.EUDRACT: "eudract_ids",
    Registry.EUCT: "euct_ids",
    Registry.IDRCB: "idrcb_ids",
    Registry.ISRCTN: "isrctn_ids",
    Registry.PROSPERO: "prospero_ids",
}

_REQUIRED = {"required": True}

PROJECT_COLUMNS: list[Column] = [
    Column(
        "public_id",
        "public_id",
        "string",
        "Identifiant stable du projet, APPEL-ANNÉE-NNNN ; jamais recalculé ni dérivé du titre.",
        lambda p: p.public_id,
        {"required": True, "unique": True, "pattern": r"^[A-Z0-9-]+-\d{4}-\d{4,}$"},
    ),
    Column(
        "programme",
        "programme",
        "string",
        "Code du programme (PHRCN, PHRCK, PHRCI, PREPS…).",
        lambda p: p.call.programme.code,
        _REQUIRED,
    ),
    Column(
        "call",
        "call",
        "string",
        "Code de l'appel à projets tel qu'écrit historiquement (PREPS-IQ…).",
        lambda p: p.call.code,
        _REQUIRED,
    ),
    Column(
        "year",
        "year",
        "integer",
        "Année de sélection (campagne), toujours connue, même quand la date ne l'est pas.",
        lambda p: p.call.year,
        {"required": True, "minimum": 2000, "maximum": 2100},
    ),
    Column("acronym", "acronym", "string", "Acronyme du projet.", lambda p: p.acronym),
    Column("title", "title", "string", "Titre du projet.", lambda p: p.title, _REQUIRED),
    Column("summary", "summary", "string", "Résumé public.", lambda p: p.summary),
    Column(
        "discipline",
        "discipline",
        "string",
        "Code de la discipline (vocabulaire contrôlé SIRANo).",
        lambda p: p.discipline.code if p.discipline else "",
    ),
    Column(
        "discipline_label",
        "discipline",
        "string",
        "Libellé de la discipline.",
        lambda p: p.discipline.label if p.discipline else "",
    ),
    Column(
        "establishment_finess",
        "establishment_finess",
        "string",
        "FINESS juridique de l'établissement coordonnateur (9 caractères, zéro initial conservé).",
        lambda p: p.establishment.finess,
        {"required": True, "pattern": r"^[0-9][0-9AB][0-9]{7}$"},
    ),
    Column(
        "establishment_ror_id",
        "establishment_ror_id",
        "string",
        "Identifiant ROR de l'établissement coordonnateur (https://ror.org/<identifiant>), vide si inconnu.",
        lambda p: p.establishment.ror_id,
        {"pattern": r"^0[0-9a-hj-km-np-tv-z]{6}[0-9]{2}$"},
    ),
    Column(
        "establishment",
        "establishment",
        "string",
        "Nom de l'établissement coordonnateur.",
        lambda p: p.establishment.name,
        _REQUIRED,
    ),
    Column(
        "establishment_type",
        "establishment_type",
        "string",
        "Type d'établissement : CHUR (centre hospitalier régional / universitaire), CH (centre "
        "hospitalier), CLCC (centre de lutte contre le cancer), GCS (groupement de coopération "
        "sanitaire), EPSM (établissement public de santé mentale) ou EBNL (établissement à but non "
        "lucratif).",
        lambda p: p.establishment.type,
        {"required": True, "enum": ["CHUR", "CH", "CLCC", "GCS", "EPSM", "EBNL"]},
    ),
    Column(
        "region",
        "region",
        "string",
        "Code de la région de l'établissement (ARA, IDF…).",
        lambda p: p.establishment.region,
        _REQUIRED,
    ),
    Column(
        "region_label",
        "region",
        "string",
        "Nom de la région.",
        lambda p: p.establishment.get_region_display(),
        _REQUIRED,
    ),
    Column(
        "investigator_last_name",
        "investigator",
        "string",
        "Nom du porteur de projet.",
        lambda p: p.pi_last_name,
    ),
    Column(
        "investigator_first_name",
        "investigator",
        "string",
        "Prénom du porteur de projet.",
        lambda p: p.pi_first_name,
    ),
    Column(
        "award_amount",
        "award_amount",
        "number",
        "Financement total accordé, en euros (point décimal).",
        lambda p: f"{p.award_amount:.2f}",
        {"required": True, "minimum": 0},
    ),
    Column(
        "amount_delegated",
        "amount_delegated",
        "number",
        "Montant des tranches déléguées ou versées, tranches historiques (avant SIRANo) incluses, en euros.",
        lambda p: f"{p.amount_delegated:.2f}",
        {"required": True, "minimum": 0},
    ),
    Column(
        "tranche_number",
        "tranche_number",
        "integer",
        "Rang de la dernière tranche déléguée (historique inclus) ; 0 si aucune.",
        lambda p: p.tranche_number or 0,
        {"required": True, "minimum": 0, "maximum": 10},
    ),
    Column(
        "status",
        "status",
        "string",
        "Statut : selected (sélectionné), in_progress (en cours), completed (terminé), abandoned "
        "(abandonné) ou lapsed (caduc).",
        lambda p: p.status,
        {"required": True, "enum": ["selected", "in_progress", "completed", "abandoned", "lapsed"]},
    ),
    Column(
        "selected_on",
        "selected_on",
        "date",
        "Date de sélection (AAAA-MM-JJ) ; vide quand la source ne donne que l'année (voir year).",
        lambda p: p.selected_on.isoformat() if p.selected_on else "",
    ),
    Column(
        "results_url", "results_url", "string", "Lien vers les résultats publiés.", lambda p: p.results_url
    ),
    Column(
        "results_posted_on",
        "results_posted_on",
        "date",
        "Date de publication des résultats au registre.",
        lambda p: p.results_posted_on.isoformat() if p.results_posted_on else "",
    ),
    *[
        Column(
            column,
            "registrations",
            "string",
            f"Identifiants {Registry(registry).label} de l'essai, séparés par « | ».",
            _ids(registry),
            {"pattern": _multi_pattern(registry)},
        )
        for registry, column in REGISTRY_COLUMNS.items()
    ],
    Column(
        "other_registry_ids",
        "registrations",
        "string",
        "Identifiants d'essai au format non reconnu pour leur registre (données historiques), "
        "sous la forme registre:identifiant, séparés par « | ».",
        _other_ids,
    ),
]

TRANCHE_COLUMNS: list[Column] = [
    Column(
        "project_public_id",
        "project",
        "string",
        "Identifiant du projet (clé vers projects.csv).",
        lambda t: t.milestone.project.public_id,
        _REQUIRED,
    ),
    Column(
        "rank",
        "rank",
        "integer",
        "Rang de la tranche (et du jalon qui la déclenche).",
        lambda t: t.milestone.rank,
        {"required": True, "minimum": 1},
    ),
    Column(
        "amount",
        "amount",
        "number",
        "Montant de la tranche, en euros.",
        lambda t: f"{t.amount:.2f}",
        {"required": True, "minimum": 0},
    ),
    Column(
        "status",
        "status",
        "string",
        "État : delegated (déléguée) ou paid (versée).",
        lambda t: t.status,
        {"required": True, "enum": ["delegated", "paid"]},
    ),
    Column(
        "delegated_on",
        "delegated_on",
        "date",
        "Date de délégation des crédits.",
        lambda t: _local_day(t.delegated_at),
    ),
    Column("paid_on", "paid_on", "date", "Date du versement.", lambda t: _local_day(t.paid_at)),
    Column(
        "is_historical",
        "is_historical",
        "boolean",
        "true (oui) si la tranche a été déléguée avant SIRANo (reprise du stock, sans date connue), "
        "false (non) sinon.",
        lambda t: "true" if t.is_historical else "false",
        {"required": True},
    ),
    Column(
        "amount_is_derived",
        "amount_is_derived",
        "boolean",
        "true (oui) si le montant est calculé selon l'échéancier du projet (le fichier source ne le "
        "donnait pas), false (non) quand le montant est connu.",
        lambda t: "true" if t.amount_is_derived else "false",
        {"required": True},
    ),
]

for _model, _columns in (("project", PROJECT_COLUMNS), ("tranche", TRANCHE_COLUMNS)):
    for _column in _columns:
        if not is_visible(_model, _column.source, Tier.PUBLIC):
            raise AssertionError(f"{_column.name} exposes {_model}.{_column.source}, which is not public")


def table_schema(columns: list[Column], **extra) -> dict:
    return {"fields": [c.table_schema() for c in columns], "missingValues": [""], **extra}


PROJECTS_SCHEMA = table_schema(PROJECT_COLUMNS, primaryKey=["public_id"])
TRANCHES_SCHEMA = table_schema(
    TRANCHE_COLUMNS,
    primaryKey=["project_public_id", "rank"],
    foreignKeys=[
        {"fields": ["project_public_id"], "reference": {"resource": "projects", "fields": ["public_id"]}}
    ],
)
