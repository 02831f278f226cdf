"""Live key figures shown on public pages: a registry of named figures computed from the
portfolio through `workflows.selectors`, cached, formatted in French.

Add a figure with `register(KeyFigure(...))`; the "chiffre clé" StreamField block and the home
page list whatever is registered, so a new figure needs no template or block change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from formatting import format_euros, format_number
from reports.cache import cached
from workflows import selectors
from workflows.models import Project


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str
    #: reads the totals dict of `selectors.portfolio_totals` (computed once per scope)
    value: Callable[[dict], int | Decimal]
    kind: str = "count"  # "count" or "euros"
    description: str = ""

    def format(self, value) -> str:
        return format_euros(value, compact=True) if self.kind == "euros" else format_number(value)


REGISTRY: dict[str, KeyFigure] = {}


def register(figure: KeyFigure) -> KeyFigure:
    REGISTRY[figure.key] = figure
    return figure


register(KeyFigure("projects", _("projets financés publiés"), lambda t: t["projects"]))
register(KeyFigure("in_progress", _("projets en cours"), lambda t: t["in_progress"]))
register(KeyFigure("completed", _("projets terminés"), lambda t: t["completed"]))
register(KeyFigure("establishments", _("établissements coordonnateurs"), lambda t: t["establishments"]))
register(
    KeyFigure(
        "awarded",
        _("financements attribués"),
        lambda t: t["awarded"],
        kind="euros",
        description=_("Somme des montants attribués aux projets publiés."),
    )
)
register(
    KeyFigure(
        "delegated",
        _("crédits délégués"),
        lambda t: t["delegated"],
        kind="euros",
        description=_(
            "Tranches déléguées aux établissements, y compris l'historique antérieur à SIRANo "
            "(calculé selon l'échéancier du projet)."
        ),
    )
)

DEFAULT_FIGURES = ("projects", "awarded", "delegated", "establishments")


def figure_choices() -> list[tuple[str, str]]:
    return [(key, str(figure.label)) for key, figure in REGISTRY.items()]


def _scope_queryset(programme_code: str | None):
    projects = Project.objects.public()
    if programme_code:
        projects = projects.filter(call__programme__code=programme_code)
    return projects


def totals_for(programme_code: str | None = None) -> dict:
    """Totals of the public portfolio (or one programme), cached until the records change
    (the reports data version moves on every save of a project, request, delegation or audit event)."""
    return cached(
        "key-figures",
        (programme_code or "all",),
        lambda: selectors.portfolio_totals(_scope_queryset(programme_code)),
    )


@dataclass(frozen=True)
class FigureValue:
    key: str
    label: str
    value: int | Decimal
    display: str
    description: str


def key_figure(key: str, programme_code: str | None = None) -> FigureValue | None:
    figure = REGISTRY.get(key)
    if figure is None:
        return None
    value = figure.value(totals_for(programme_code))
    return FigureValue(key, str(figure.label), value, figure.format(value), str(figure.description))


def key_figures(keys=DEFAULT_FIGURES, programme_code: str | None = None) -> list[FigureValue]:
    return [fv for key in keys if (fv := key_figure(key, programme_code)) is not None]
