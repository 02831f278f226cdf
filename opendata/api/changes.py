"""What changed for the API's clients, newest first: served at `/api/v1/` (`changes`) and in the
OpenAPI description, so a reuser's script or a reader of the docs sees it where they look."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: (date, schema version, what changed and what an older client does about it)
CHANGES = (
    (
        "2026-12-07",
        "1.1.0",
        _(
            "Liste des projets allégée : chaque ligne de /api/v1/projects/ porte les colonnes du fichier "
            "(identifiant, acronyme, titre, programme, appel, année, discipline, établissement, région, "
            "porteur, montants, statut, dates, registres) et `url`, l'adresse de la fiche du projet ; "
            "`summary`, `milestones`, `planned_dates` et `budget_breakdown` ne sont plus que sur la fiche. "
            "Un client qui les lisait dans la liste les demande avec `fields=` "
            "(par exemple ?fields=acronym,summary,milestones) ou suit `url`. La fiche ne change pas "
            "(elle gagne `url`)."
        ),
    ),
)


def as_list() -> list[dict[str, str]]:
    return [{"date": date, "version": version, "change": str(text)} for date, version, text in CHANGES]


def as_markdown() -> str:
    return "\n".join(f"- **{date}** (v{version}) : {text}" for date, version, text in CHANGES)
