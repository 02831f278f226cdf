"""What a project page and a CSV row may show, built only from fields the audience's tier allows
(`workflows.visibility`); templates receive these dicts, never the model instance."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from formatting import format_date
from workflows import visibility
from workflows.models import Project, ProjectMilestone
from workflows.registration_column import registrations_of
from workflows.visibility import Tier

#: project registry field -> (label, getter on a project from `selectors.public_projects`)
PROJECT_FIELDS: dict[str, tuple[str, Callable[[Project], object]]] = {
    "public_id": (_("Identifiant"), lambda p: p.public_id),
    "acronym": (_("Acronyme"), lambda p: p.acronym),
    "title": (_("Titre"), lambda p: p.title),
    "summary": (_("Résumé"), lambda p: p.summary),
    "programme": (_("Programme"), lambda p: p.call.programme),
    "call": (_("Appel à projets"), lambda p: p.call.code),
    "year": (_("Année de sélection"), lambda p: p.call.year),
    "discipline": (_("Discipline"), lambda p: p.discipline.label if p.discipline else ""),
    "discipline_raw": (_("Discipline déclarée (texte d'origine)"), lambda p: p.discipline_raw),
    "establishment": (_("Établissement coordonnateur"), lambda p: p.establishment.name),
    "establishment_finess": (_("FINESS juridique"), lambda p: p.establishment.finess),
    "establishment_ror_id": (_("Identifiant ROR"), lambda p: p.establishment.ror_id),
    "establishment_type": (_("Type d'établissement"), lambda p: p.establishment.get_type_display()),
    "region": (_("Région"), lambda p: p.establishment.get_region_display()),
    "investigator": (_("Porteur du projet"), lambda p: str(p.investigator)),
    "award_amount": (_("Financement attribué"), lambda p: p.award_amount),
    "amount_delegated": (_("Crédits délégués"), lambda p: p.amount_delegated),
    "tranche_number": (_("Dernière tranche déléguée"), lambda p: p.tranche_number or 0),
    # read with the project's row (`workflows.registration_column.with_registrations`)
    "registrations": (_("Registres d'essais"), lambda p: registrations_of(p.registrations_json)),
    "status": (_("Statut"), lambda p: p.get_status_display()),
    "selected_on": (_("Sélectionné le"), lambda p: p.selected_on),
    "results_url": (_("Résultats"), lambda p: p.results_url),
    "results_posted_on": (_("Résultats postés le"), lambda p: p.results_posted_on),
}

#: registry fields rendered by the timeline rather than as a project value
TIMELINE_FIELDS = {"milestones", "planned_dates", "late_milestones", "amount_validated"}


def project_values(project: Project, tier: Tier) -> dict[str, dict]:
    """`{field: {"label", "value"}}` for the fields of `tier` that a page can render.

    A selection date the source did not give stays unknown: « Sélectionné en 2013 » (`year`),
    never a made-up 1st of January.
    """
    values = {
        name: {"label": PROJECT_FIELDS[name][0], "value": PROJECT_FIELDS[name][1](project)}
        for name in visibility.fields_for("project", tier)
        if name in PROJECT_FIELDS
    }
    selected = values.get("selected_on")
    if selected is not None and selected["value"] is None:
        selected.update(label=_("Sélectionné en"), year=project.selection_year)
    return values


def timeline(project: Project, milestones: list[ProjectMilestone], tier: Tier) -> list[dict]:
    """Milestones reached and tranches delegated; never comments, documents or who declared.

    Tranches come from the ledger only (delegated or paid requests, the historical stock
    included); amounts are never recomputed here.
    """
    allowed = set(visibility.fields_for("milestone", tier))
    steps = []
    for milestone in milestones:
        requests = [
            r for r in milestone.tranche_requests.all() if r.status in visibility.PUBLIC_TRANCHE_STATES
        ]
        tranches = [
            _tranche(
                r.amount,
                _("déléguée avant SIRANo") if r.is_historical else r.get_status_display(),
                r.delegated_at.date() if r.delegated_at else None,
                r.paid_at.date() if r.paid_at else None,
                is_historical=r.is_historical,
                amount_is_derived=r.amount_is_derived,
            )
            for r in requests
        ]
        values = {
            "rank": milestone.rank,
            "label": milestone.label,
            "reached": milestone.is_closed or bool(tranches),
            "declared_on": milestone.declared_on,
            "amount_delegated": sum((t["amount"] for t in tranches), Decimal("0")),
            "planned_date": milestone.planned_date,
            "days_late": 0 if milestone.is_closed else milestone.days_late,
        }
        steps.append({"values": {k: v for k, v in values.items() if k in allowed}, "tranches": tranches})
    return steps


def _tranche(amount, status, delegated_on, paid_on, *, is_historical: bool, amount_is_derived: bool) -> dict:
    return {
        "amount": amount,
        "status": status,
        "delegated_on": delegated_on,
        "paid_on": paid_on,
        "is_historical": is_historical,
        "amount_is_derived": amount_is_derived,
        "label": tranche_label(status=status, delegated_on=delegated_on, paid_on=paid_on),
    }


def tranche_label(*, status: str, delegated_on=None, paid_on=None) -> str:
    """What happened to a tranche, each step once: "déléguée le 3 mars 2026, versée le 1er avril
    2026", "déléguée et versée le 1er décembre 2026", "déléguée le …", or the bare status.

    The dates carry the steps, so the status word is not repeated before them (a paid tranche
    used to read "versée le X, versée le Y")."""
    delegated, paid = format_date(delegated_on), format_date(paid_on)
    if paid and delegated == paid:
        return gettext("déléguée et versée le %(date)s") % {"date": paid}
    if paid and delegated:
        return gettext("déléguée le %(delegated)s, versée le %(paid)s") % {
            "delegated": delegated,
            "paid": paid,
        }
    if paid:
        return gettext("versée le %(date)s") % {"date": paid}
    if delegated:
        return gettext("déléguée le %(date)s") % {"date": delegated}
    return str(status)
