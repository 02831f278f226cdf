"""From rows to planned records: header detection, cell parsing, validation and natural keys.

A row is either rejected (every reason collected, French, naming row, column and value) or
becomes a `PlannedRow`; nothing here writes: `services.Writer` does, in batches.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from workflows.models import Establishment, Investigator
from workflows.text import normalise_name

from . import values
from .headers import FIELDS, OPENDATA_COLUMNS, ColumnMapping, map_header
from .normalise import EstablishmentIndex, NewEstablishment, discipline_code, parse_registries
from .readers import Sheet, Source, UnreadableFile
from .values import CellError, PersonName

HEADER_SCAN_ROWS = 20
MIN_HEADER_FIELDS = 3
FORMATS = ("auto", "opendata", "legacy")


@dataclass
class PlannedRow:
    """A valid row, typed and matched, waiting for its batch to be written."""

    row: int
    sheet: str
    call_code: str
    year: int
    acronym: str
    title: str
    person: PersonName
    establishment: Establishment | NewEstablishment
    amount: Decimal
    #: None when the file gives only the year (the call's): no day is invented
    selected_on: datetime.date | None
    present: set[str]  # fields whose column exists: absent columns never erase data
    discipline_raw: str = ""
    discipline_code: str | None = None
    tranche: int | None = None
    registries: list[tuple[str, str]] = field(default_factory=list)
    # The investigator's name exactly as the file wrote it (the person above is parsed from it).
    published_last_name: str = ""
    published_first_name: str = ""

    @functools.cached_property
    def investigator_key(self) -> str:
        """Read for the duplicate check, the investigators' batch and the project's key: kept."""
        return Investigator.key_for(self.person.last_name, self.person.first_name)

    @property
    def finess(self) -> str:
        return self.establishment.finess

    def natural_key(self) -> tuple:
        """(call, year, acronym, PI, coordinating establishment): what identifies a project."""
        return (self.call_code, self.year, normalise_name(self.acronym), self.investigator_key, self.finess)


def where(row: int, sheet: str) -> str:
    if sheet:
        return _("Feuille « %(sheet)s », ligne %(row)s") % {"sheet": sheet, "row": row}
    return _("Ligne %(row)s") % {"row": row}


@dataclass
class SheetPlan:
    sheet: Sheet
    mapping: ColumnMapping
    header_row: int
    rows: Iterator[tuple[int, list[object]]]


def locate_header(sheet: Sheet, *, override: dict, fmt: str) -> SheetPlan | None:
    """Find the header among the first rows (title lines and blank rows above it are skipped)."""
    buffered: list[tuple[int, list[object]]] = []
    best: tuple[int, int, ColumnMapping] | None = None
    previous: list[object] | None = None
    for number, cells in sheet.rows:
        buffered.append((number, cells))
        if any(not values.is_blank(cell) for cell in cells):
            candidates = [map_header(cells, override=override)]
            if previous is not None:
                candidates.append(map_header(cells, group_row=previous, override=override))
            mapping = max(candidates, key=lambda m: len(m.columns))
            if len(mapping.columns) >= MIN_HEADER_FIELDS and (best is None or len(mapping.columns) > best[1]):
                best = (len(buffered) - 1, len(mapping.columns), mapping)
            previous = cells
        if len(buffered) >= HEADER_SCAN_ROWS:
            break
    if best is None:
        return None
    index, _score, mapping = best
    header_cells = [values.text(cell) for cell in buffered[index][1]]
    header_cells = [cell for cell in header_cells if cell]
    if fmt == "opendata" and header_cells != OPENDATA_COLUMNS:
        raise UnreadableFile(
            _("Le fichier n'a pas les 14 colonnes du format open data dans l'ordre attendu : %(columns)s.")
            % {"columns": ";".join(OPENDATA_COLUMNS)}
        )

    def rest() -> Iterator[tuple[int, list[object]]]:
        yield from buffered[index + 1 :]
        yield from sheet.rows

    return SheetPlan(sheet=sheet, mapping=mapping, header_row=buffered[index][0], rows=rest())


def detect_format(plans: list[SheetPlan]) -> str:
    """`opendata` when the only sheet has exactly the 14 historical columns, else `legacy`."""
    if len(plans) == 1 and list(plans[0].mapping.labels.values()) == OPENDATA_COLUMNS:
        return "opendata"
    return "legacy"


class RowParser:
    """Turns one data row into a `PlannedRow` or a list of French reasons."""

    def __init__(self, mapping: ColumnMapping, sheet: str, establishments: EstablishmentIndex) -> None:
        self.mapping = mapping
        self.sheet = sheet
        self.establishments = establishments
        self.present = mapping.fields()

    def cells(self, raw: list[object]) -> dict[str, object]:
        return {
            name: raw[index] if index < len(raw) else None for index, name in self.mapping.columns.items()
        }

    def parse(self, number: int, raw: list[object]) -> tuple[PlannedRow | None, list[str], list[str]]:
        cells = self.cells(raw)
        errors: list[str] = []
        warnings: list[str] = []

        def fail(name: str, message: str) -> None:
            errors.append(
                _("%(where)s, colonne « %(column)s » : %(message)s.")
                % {
                    "where": where(number, self.sheet),
                    "column": self.mapping.label_of(name),
                    "message": message.rstrip("."),
                }
            )

        def get(name: str) -> object:
            return cells.get(name)

        def parsed(name: str, parser: Callable, *, required: bool = True, missing: Callable | None = None):
            value = get(name)
            if values.is_blank(value):
                if required:  # messages translated only when a row needs one (not 40,000 times)
                    fail(
                        name,
                        missing() if missing else _("valeur manquante (%(field)s)") % {"field": FIELDS[name]},
                    )
                return None
            try:
                return parser(value)
            except CellError as error:
                fail(name, str(error))
                return None

        call_code = parsed("call", values.parse_call_code, missing=lambda: _("programme manquant"))
        selected_on = parsed("selected_on", values.parse_date, required=False)
        if "year" in self.present or selected_on is None:
            year = parsed("year", values.parse_year, missing=lambda: _("année de sélection manquante"))
        else:
            try:
                year = values.parse_year(selected_on)
            except CellError as error:
                fail("selected_on", str(error))
                year = None
        acronym = values.raw_text(get("acronym"))
        if not acronym.strip():
            fail("acronym", _("acronyme manquant"))
        title = values.raw_text(get("title"))
        if not title.strip():
            fail("title", _("titre manquant"))
        amount = parsed("amount", values.parse_amount, missing=lambda: _("montant manquant"))
        tranche = parsed("tranche", values.parse_tranche, required=False)
        person = self._person(cells, fail)
        resolution = self.establishments.resolve(
            finess=values.text(get("finess")),
            name=values.raw_text(get("establishment_name")),
            type_label=values.text(get("establishment_type")),
            region_label=values.text(get("region")),
        )
        establishment = resolution.establishment
        for name, message in resolution.warnings.items():
            warnings.append(
                _("%(where)s, colonne « %(column)s » : %(message)s.")
                % {
                    "where": where(number, self.sheet),
                    "column": self.mapping.label_of(name),
                    "message": message,
                }
            )
        for name, message in resolution.errors.items():
            fail(name, message)
        registries: list[tuple[str, str]] = []
        if not values.is_blank(get("registry")):
            registries, bad = parse_registries(values.text(get("registry")))
            for message in bad:
                warnings.append(
                    _("%(where)s, colonne « %(column)s » : %(message)s Identifiant ignoré.")
                    % {
                        "where": where(number, self.sheet),
                        "column": self.mapping.label_of("registry"),
                        "message": message,
                    }
                )
        if errors:
            return None, errors, warnings
        discipline_raw = values.raw_text(get("discipline"))
        published_last, published_first = person.last_name, person.first_name
        if "pi_last_name" in self.present and "pi_first_name" in self.present:
            published_last = values.raw_text(get("pi_last_name"))
            published_first = values.raw_text(get("pi_first_name"))
        return (
            PlannedRow(
                row=number,
                sheet=self.sheet,
                call_code=call_code,
                year=year,
                acronym=acronym,
                title=title,
                person=person,
                establishment=establishment,
                amount=amount,
                selected_on=selected_on,
                present=self.present,
                discipline_raw=discipline_raw,
                discipline_code=discipline_code(discipline_raw),
                tranche=tranche,
                registries=registries,
                published_last_name=published_last,
                published_first_name=published_first,
            ),
            [],
            warnings,
        )

    def _person(self, cells: dict[str, object], fail: Callable[[str, str], None]) -> PersonName | None:
        last = values.raw_text(cells.get("pi_last_name"))
        first = values.raw_text(cells.get("pi_first_name"))
        if last:
            if not first and "pi_first_name" not in self.present:
                # A "nom" column sometimes holds "Pr Jean DUPONT": split it like a one-cell porteur.
                return values.parse_person(last)
            title = ""
            words = last.split()
            if len(words) > 1 and values._compact(words[0]) in values.TITLES:
                title, last = values.TITLES[values._compact(words[0])], " ".join(words[1:])
            return PersonName(last, first, title)
        full = values.text(cells.get("pi_full_name"))
        if full:
            try:
                return values.parse_person(full)
            except CellError as error:
                fail("pi_full_name", str(error))
                return None
        fail("pi_last_name" if "pi_last_name" in self.present else "pi_full_name", _("porteur manquant"))
        return None


def open_plans(source: Source, *, override: dict, fmt: str) -> tuple[list[SheetPlan], list[str]]:
    """Every sheet with a recognisable header; notes on sheets skipped."""
    if fmt not in FORMATS:
        raise UnreadableFile(_("Format « %(fmt)s » inconnu (auto, opendata ou legacy).") % {"fmt": fmt})
    plans, notes = [], []
    for sheet in source.sheets or []:
        plan = locate_header(sheet, override=override, fmt=fmt)
        if plan is None:
            if sheet.name:
                notes.append(
                    _("Feuille « %(sheet)s » ignorée : aucun en-tête reconnu.") % {"sheet": sheet.name}
                )
            continue
        missing = plan.mapping.missing()
        if missing:
            label = _("Feuille « %(sheet)s »") % {"sheet": sheet.name} if sheet.name else _("Le fichier")
            raise UnreadableFile(
                _(
                    "%(label)s : colonnes obligatoires introuvables (%(missing)s). En-têtes reconnus : "
                    "%(seen)s. Un fichier de correspondance --mapping peut les désigner."
                )
                % {
                    "label": label,
                    "missing": ", ".join(FIELDS[name] for name in missing),
                    "seen": ", ".join(plan.mapping.labels.values()) or "—",
                }
            )
        plans.append(plan)
    if not plans:
        raise UnreadableFile(
            _(
                "Aucun en-tête reconnu dans le fichier : attendu au moins l'appel, l'année, l'acronyme, le titre et le montant."
            )
        )
    return plans, notes
