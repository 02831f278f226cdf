"""What a project names from the small reference tables (calls and their programme, disciplines,
establishments), read once per data version in each process.

A list row used to join four tables for these names, and a directory facet joined them to filter
and count by a programme, a region or an establishment type. At 40,000 projects PostgreSQL then
spent 2.6 ms choosing a join order for every API cursor page, and counted a facet by reading the
whole wide project table (a region or a type matches thousands of projects: 28 ms for one count).
Rows and facets now read the foreign keys, filtered by lists of keys that name the chosen values,
and look the names up here: a few hundred rows that change only with a write. The next read
after any write reads the tables again (`web.process_memo.under_data_version`), so a name is
never stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from web.process_memo import under_data_version
from workflows.models import Call, Discipline, Establishment

#: a project's foreign key -> the field of `CatalogueNames` that names its targets
TABLES = {"call_id": "calls", "discipline_id": "disciplines", "establishment_id": "establishments"}


@dataclass(frozen=True)
class CallNames:
    programme: str
    code: str
    year: int


@dataclass(frozen=True)
class EstablishmentNames:
    name: str
    finess: str
    ror_id: str
    type: str
    region: str


@dataclass(frozen=True)
class DisciplineNames:
    code: str
    label: str


@dataclass(frozen=True)
class CatalogueNames:
    calls: dict[int, CallNames]
    disciplines: dict[int, DisciplineNames]
    establishments: dict[int, EstablishmentNames]

    def names_all(self, rows: list[dict]) -> bool:
        """Whether every call, discipline and establishment `rows` name is here."""
        return all(
            row.get(column) is None or row[column] in getattr(self, table)
            for row in rows
            for column, table in TABLES.items()
        )

    def keys_named(self, column: str, attribute: str, values) -> list[int]:
        """The keys of `column`'s table whose `attribute` is one of `values`."""
        wanted = set(values)
        return [
            pk for pk, names in getattr(self, TABLES[column]).items() if getattr(names, attribute) in wanted
        ]


def read_catalogue_names() -> CatalogueNames:
    """The names as the tables hold them now (`catalogue_names` keeps them per data version)."""
    return CatalogueNames(
        calls={
            pk: CallNames(*rest)
            for pk, *rest in Call.objects.order_by().values_list("pk", "programme__code", "code", "year")
        },
        disciplines={
            pk: DisciplineNames(code, label)
            for pk, code, label in Discipline.objects.order_by().values_list("pk", "code", "label")
        },
        establishments={
            pk: EstablishmentNames(*rest)
            for pk, *rest in Establishment.objects.order_by().values_list(
                "pk", "name", "finess", "ror_id", "type", "region"
            )
        },
    )


def catalogue_names(rows: list[dict] = ()) -> CatalogueNames:
    """The reference tables' names under the current data version, naming every one of `rows`
    (dicts with `call_id`, `discipline_id`, `establishment_id` when read). A row committed since
    this version was read (its write's version move is on its way) may name a call or an
    establishment the kept names lack: the tables are then read again for this answer."""
    kept = under_data_version("catalogue-names", (), read_catalogue_names)
    return kept if kept.names_all(rows) else read_catalogue_names()
