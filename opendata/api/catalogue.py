"""What a project row names from the small reference tables (calls and their programme,
disciplines, establishments), read once per data version in each process.

A list row used to join four tables for these names. At 40,000 projects PostgreSQL then spent
2.6 ms choosing a join order for every cursor page (a deep page's keyset query is planned afresh
for each cursor) and 0.5 ms running the joins, for a few hundred rows that change only with a
write. Rows now read the foreign keys and look the names up here; the next read after any write
reads the tables again (`web.process_memo.under_data_version`), so a name is never stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from web.process_memo import under_data_version
from workflows.models import Call, Discipline, Establishment


@dataclass(frozen=True)
class Catalogue:
    #: call id -> (programme code, call code, year)
    calls: dict[int, tuple[str, str, int]]
    #: discipline id -> (code, label)
    disciplines: dict[int, tuple[str, str]]
    #: establishment id -> (name, FINESS, ROR id, type, region code)
    establishments: dict[int, tuple[str, str, str, str, str]]

    def names_all(self, rows: list[dict]) -> bool:
        """Whether every call, discipline and establishment `rows` name is here."""
        tables = (
            ("call_id", self.calls),
            ("discipline_id", self.disciplines),
            ("establishment_id", self.establishments),
        )
        return all(
            row.get(column) is None or row[column] in table for row in rows for column, table in tables
        )


def _read() -> Catalogue:
    return Catalogue(
        calls={
            pk: tuple(rest)
            for pk, *rest in Call.objects.order_by().values_list("pk", "programme__code", "code", "year")
        },
        disciplines={
            pk: (code, label)
            for pk, code, label in Discipline.objects.order_by().values_list("pk", "code", "label")
        },
        establishments={
            pk: tuple(rest)
            for pk, *rest in Establishment.objects.order_by().values_list(
                "pk", "name", "finess", "ror_id", "type", "region"
            )
        },
    )


def catalogue(rows: list[dict]) -> Catalogue:
    """The reference tables' names under the current data version, naming every one of `rows`
    (dicts with `call_id`, `discipline_id`, `establishment_id` when read). A row committed since
    this version was read (its write's version move is on its way) may name a call or an
    establishment the kept catalogue lacks: the tables are then read again for this answer."""
    kept = under_data_version("opendata-catalogue", (), _read)
    return kept if kept.names_all(rows) else _read()
