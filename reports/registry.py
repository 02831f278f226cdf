"""Registry of indicators: the function that computes each one plus what pages, charts and
exports need to present it (French title, public or internal, columns, unit, chart, alt text).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from django.utils.text import slugify

import formatting as fmt

from . import definitions as d


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str = "text"  # text | money | int | days | month | year


@dataclass(frozen=True)
class ChartSpec:
    """What to draw: bars of `values` against `category` (horizontal for long labels)."""

    category: str
    values: tuple[str, ...]
    horizontal: bool = False
    value_kind: str = "money"
    max_items: int | None = None
    #: long tables (delays): pivot `values[0]` by this column to draw grouped bars
    pivot: str | None = None
    axis_label: str = ""


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str
    description: str
    func: Callable
    columns: tuple[Column, ...]
    chart: ChartSpec
    unit: str
    public: bool
    alt: Callable[[pd.DataFrame, object], str] = field(repr=False, default=None)

    def labels(self) -> dict[str, str]:
        return {c.name: c.label for c in self.columns}

    @property
    def file_stem(self) -> str:
        """Download names in French, from the title: `sirano-financements-attribues-par-programme`."""
        return f"sirano-{slugify(self.title)}"

    def alt_text(self, df: pd.DataFrame, as_of) -> str:
        return self.alt(self, df, as_of)


def _alt_ranking(ind: Indicator, df: pd.DataFrame, as_of) -> str:
    """'Au 1er mars 2026, … : PHRCN 12 000 000 € (40 projets), …' for the first categories."""
    if df.empty:
        return f"{ind.title}, au {fmt.format_date(as_of)} : aucune donnée."
    value = ind.chart.values[0]
    kind = {c.name: c.kind for c in ind.columns}[value]
    label_kind = {c.name: c.kind for c in ind.columns}["label"]
    parts = [
        f"{fmt.format_cell(row['label'], label_kind)} : {fmt.format_cell(row[value], kind)}"
        for _i, row in df.head(5).iterrows()
    ]
    total = fmt.format_cell(df[value].sum(), kind)
    rest = len(df) - 5
    more = f" et {rest} autre" + ("s" if rest > 1 else "") if rest > 0 else ""
    return (
        f"{ind.title}, au {fmt.format_date(as_of)}. Total : {total}. "
        f"Diagramme en barres ; premières valeurs : {' ; '.join(parts)}{more}. "
        "Le tableau de données qui suit donne toutes les valeurs."
    )


def _alt_funding(ind: Indicator, df: pd.DataFrame, as_of) -> str:
    if df.empty:
        return f"{ind.title}, au {fmt.format_date(as_of)} : aucune délégation."
    last = df.iloc[-1]
    return (
        f"{ind.title}, au {fmt.format_date(as_of)}. Barres par année de {int(df['year'].min())} à "
        f"{int(df['year'].max())}. Total délégué : {fmt.format_euros(df['delegated'].sum())} ; total versé : "
        f"{fmt.format_euros(df['paid'].sum())}. En {int(last['year'])} : {fmt.format_euros(last['delegated'])} délégués, "
        f"{fmt.format_euros(last['paid'])} versés. Le tableau qui suit donne chaque année."
    )


def _alt_pipeline(ind: Indicator, df: pd.DataFrame, as_of) -> str:
    parts = []
    for _i, r in df.iterrows():
        if not r["count"]:
            continue
        part = f"{r['label']} : {fmt.format_number(r['count'])} ({fmt.format_euros(r['amount'])})"
        if r["count_historical"]:
            part += (
                f", dont {fmt.format_number(r['count_historical'])} historiques avant SIRANo "
                f"({fmt.format_euros(r['amount_historical'])})"
            )
        parts.append(part)
    return f"{ind.title}, au {fmt.format_date(as_of)}. " + (" ; ".join(parts) or "aucune tranche") + "."


def _alt_delays(ind: Indicator, df: pd.DataFrame, as_of) -> str:
    overall = df[df["segment"] == "declared_to_paid"]
    if overall.empty:
        return f"{ind.title}, au {fmt.format_date(as_of)} : aucune tranche versée."
    parts = [f"{r['programme']} : {fmt.format_days(r['median_days'])}" for _i, r in overall.iterrows()]
    return (
        f"{ind.title}, au {fmt.format_date(as_of)}. Délai médian entre la déclaration du jalon et le versement : "
        + " ; ".join(parts)
        + ". Le tableau qui suit donne chaque étape, la médiane et le 9e décile."
    )


def _alt_late(ind: Indicator, df: pd.DataFrame, as_of) -> str:
    if df.empty:
        return f"{ind.title}, au {fmt.format_date(as_of)} : aucun jalon en retard."
    parts = [
        f"{r['establishment']} : {fmt.format_number(r['late_milestones'])}" for _i, r in df.head(5).iterrows()
    ]
    return (
        f"{ind.title}, au {fmt.format_date(as_of)}. {fmt.format_number(df['late_milestones'].sum())} jalons en retard dans "
        f"{len(df)} établissements ; les plus nombreux : {' ; '.join(parts)}."
    )


def _alt_forecast(ind: Indicator, df: pd.DataFrame, as_of) -> str:
    peak = df.loc[df["amount"].idxmax()] if len(df) and df["amount"].max() > 0 else None
    peak_text = (
        f" Mois le plus chargé : {peak['month_label']} ({fmt.format_euros(peak['amount'])})."
        if peak is not None
        else ""
    )
    return (
        f"{ind.title}, à partir du {fmt.format_date(as_of)}. {fmt.format_number(df['count'].sum())} tranches attendues sur "
        f"12 mois pour {fmt.format_euros(df['amount'].sum())}.{peak_text} Le tableau qui suit donne chaque mois."
    )


_AWARD_COLUMNS = (
    Column("projects", "Projets", "int"),
    Column("awarded", "Montant attribué (€)", "money"),
    Column("delegated", "Montant délégué (€)", "money"),
)
#: top 9 and "Autres" on the chart (the table keeps every row)
_AWARD_CHART = ChartSpec("label", ("awarded", "delegated"), horizontal=True, max_items=10)


def _award_indicator(
    key: str, title: str, label: str, func, chart: ChartSpec = _AWARD_CHART, by: str = ""
) -> Indicator:
    return Indicator(
        key=key,
        title=title,
        description=(
            f"Nombre de projets sélectionnés, montant total attribué et montant délégué (tranches déléguées "
            f"ou versées, reprise de l'historique comprise), {by}."
        ),
        func=func,
        columns=(
            Column("label", label, "year" if label == "Année de sélection" else "text"),
            *_AWARD_COLUMNS,
        ),
        chart=chart,
        unit="€",
        public=True,
        alt=_alt_ranking,
    )


INDICATORS: dict[str, Indicator] = {
    ind.key: ind
    for ind in [
        _award_indicator(
            "awards_by_programme",
            "Financements attribués et délégués par programme",
            "Programme",
            d.awards_by_programme,
            by="par programme",
        ),
        _award_indicator(
            "awards_by_year",
            "Financements attribués et délégués par année de sélection",
            "Année de sélection",
            d.awards_by_year,
            ChartSpec("label", ("awarded", "delegated")),
            by="par année de sélection (campagne de l'appel à projets)",
        ),
        _award_indicator(
            "awards_by_region",
            "Financements attribués et délégués par région",
            "Région",
            d.awards_by_region,
            by="par région de l'établissement coordonnateur",
        ),
        _award_indicator(
            "awards_by_establishment_type",
            "Financements attribués et délégués par type d'établissement",
            "Type d'établissement",
            d.awards_by_establishment_type,
            by="par type d'établissement coordonnateur",
        ),
        _award_indicator(
            "awards_by_discipline",
            "Projets et financements par discipline",
            "Discipline",
            d.awards_by_discipline,
            by="par discipline principale",
        ),
        Indicator(
            key="funding_by_year",
            title="Montants délégués et versés par année",
            description="Tranches déléguées et versées chaque année civile, reprise de l'historique comprise.",
            func=d.funding_by_year,
            columns=(
                Column("year", "Année", "year"),
                Column("n_delegated", "Tranches déléguées", "int"),
                Column("delegated", "Montant délégué (€)", "money"),
                Column("n_paid", "Tranches versées", "int"),
                Column("paid", "Montant versé (€)", "money"),
            ),
            chart=ChartSpec("year", ("delegated", "paid")),
            unit="€",
            public=True,
            alt=_alt_funding,
        ),
        Indicator(
            key="tranche_pipeline",
            title="Tranches par état d'instruction",
            description=(
                "Nombre et montant des tranches dans chaque état à la date choisie, en distinguant "
                "les tranches instruites dans SIRANo et l'historique délégué avant SIRANo."
            ),
            func=d.tranche_pipeline,
            columns=(
                Column("label", "État", "text"),
                Column("count_workflow", "Tranches SIRANo", "int"),
                Column("amount_workflow", "Montant SIRANo (€)", "money"),
                Column("count_historical", "Tranches historiques", "int"),
                Column("amount_historical", "Montant historique (€)", "money"),
                Column("count", "Tranches (total)", "int"),
                Column("amount", "Montant total (€)", "money"),
            ),
            chart=ChartSpec("label", ("amount_workflow", "amount_historical"), horizontal=True),
            unit="€",
            public=True,
            alt=_alt_pipeline,
        ),
        Indicator(
            key="milestone_delays",
            title="Délais de la déclaration du jalon au versement",
            description="Médiane et 9e décile, en jours, de chaque étape d'une tranche, par programme.",
            func=d.milestone_delays,
            columns=(
                Column("programme", "Programme", "text"),
                Column("segment_label", "Étape", "text"),
                Column("n", "Tranches mesurées", "int"),
                Column("median_days", "Médiane (jours)", "days"),
                Column("p90_days", "9e décile (jours)", "days"),
            ),
            chart=ChartSpec(
                "programme", ("median_days",), horizontal=True, value_kind="days", pivot="segment_label"
            ),
            unit="jours",
            public=False,
            alt=_alt_delays,
        ),
        Indicator(
            key="late_milestones_by_establishment",
            title="Jalons en retard par établissement",
            description="Jalons dont la date prévue est passée sans déclaration, par établissement coordonnateur.",
            func=d.late_milestones_by_establishment,
            columns=(
                Column("establishment", "Établissement", "text"),
                Column("region", "Région", "text"),
                Column("late_milestones", "Jalons en retard", "int"),
                Column("projects", "Projets concernés", "int"),
                Column("median_days_late", "Retard médian (jours)", "days"),
                Column("max_days_late", "Retard maximal (jours)", "days"),
            ),
            chart=ChartSpec(
                "establishment", ("late_milestones",), horizontal=True, value_kind="int", max_items=10
            ),
            unit="jalons",
            public=False,
            alt=_alt_late,
        ),
        Indicator(
            key="tranche_forecast",
            title="Prévision des tranches à déléguer sur 12 mois",
            description="Calendrier des jalons décalé des délais observés de chaque programme.",
            func=d.tranche_forecast,
            columns=(
                Column("month", "Mois", "month"),
                Column("count", "Tranches attendues", "int"),
                Column("amount", "Montant attendu (€)", "money"),
            ),
            chart=ChartSpec("month_label", ("amount",)),
            unit="€",
            public=False,
            alt=_alt_forecast,
        ),
    ]
}


def public_indicators() -> list[Indicator]:
    return [ind for ind in INDICATORS.values() if ind.public]


def internal_indicators() -> list[Indicator]:
    return [ind for ind in INDICATORS.values() if not ind.public]
