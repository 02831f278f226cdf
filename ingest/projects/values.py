"""Cell parsers: dates, amounts, years, investigators, call codes, tranche numbers.

Each parser takes a raw cell (str, int, float, datetime from openpyxl) and returns a typed value
or raises `CellError` whose French message names the value; the pipeline adds row and column.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from workflows.reference import CALL_PROGRAMME, PROGRAMMES
from workflows.text import normalise_name, strip_accents


class CellError(ValueError):
    """A cell value that cannot be used; the message is French and quotes the value."""


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    """A cell as clean text: numbers read by a spreadsheet lose their `.0`, spaces are trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return " ".join(str(value).replace("\u00a0", " ").split())


def raw_text(value: object) -> str:
    """A text cell kept as written (inner spacing, non-breaking spaces), only ASCII ends trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip(" \t\r\n")


# Dates

EXCEL_EPOCH = datetime.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


def parse_date(value: object) -> datetime.date:
    """`dd/mm/yyyy` (also `-` or `.`), ISO `yyyy-mm-dd[Thh:mm]`, an Excel serial or a real date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    try:
        if isinstance(value, int | float) or re.fullmatch(r"\d{4,5}(\.\d+)?", raw):
            serial = float(raw)
            if not 1 <= serial < 80000:
                raise CellError
            return EXCEL_EPOCH + datetime.timedelta(days=int(serial))
        if match := _DMY.match(raw):
            day, month, year = (int(part) for part in match.groups())
            if year < 100:
                year += 2000 if year < 70 else 1900
            return datetime.date(year, month, day)
        if match := _ISO.match(raw):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except (CellError, ValueError, OverflowError):
        pass
    raise CellError(
        _("date « %(value)s » illisible (attendu jj/mm/aaaa, aaaa-mm-jj ou date Excel)") % {"value": raw}
    )


# Amounts

_CURRENCY = re.compile(r"(€|eur(os?)?)", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_CENT = Decimal("0.01")


def parse_amount(value: object) -> Decimal:
    """`1 234 567,89 €`, `1.234.567,89`, `1234567.89`, non-breaking spaces or a number → Decimal.

    Negative amounts are refused: an award is never below zero.
    """
    raw = text(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        cleaned = _SPACES.sub("", _CURRENCY.sub("", raw))
        negative = cleaned.startswith("-") or (cleaned.startswith("(") and cleaned.endswith(")"))
        cleaned = cleaned.strip("-+()")
        if not re.fullmatch(r"[\d.,]+", cleaned or "x") or not re.search(r"\d", cleaned):
            raise CellError(_("montant « %(value)s » illisible") % {"value": raw})
        last_comma, last_dot = cleaned.rfind(","), cleaned.rfind(".")
        if last_comma >= 0 and last_dot >= 0:
            decimal_sep = "," if last_comma > last_dot else "."
        elif last_comma >= 0:
            decimal_sep = "," if cleaned.count(",") == 1 else ""
        elif last_dot >= 0:
            # One dot followed by exactly three digits is a thousands separator (1.234 → 1234).
            head, _sep, tail = cleaned.rpartition(".")
            single_thousands = cleaned.count(".") == 1 and len(tail) == 3 and 1 <= len(head) <= 3
            decimal_sep = "." if cleaned.count(".") == 1 and not single_thousands else ""
        else:
            decimal_sep = ""
        thousands = {",", "."} - {decimal_sep}
        for sep in thousands:
            cleaned = cleaned.replace(sep, "")
        if decimal_sep:
            cleaned = cleaned.replace(decimal_sep, ".")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise CellError(_("montant « %(value)s » illisible") % {"value": raw})
        if negative:
            amount = -amount
    if not amount.is_finite():
        raise CellError(_("montant « %(value)s » illisible") % {"value": raw})
    if amount < 0:
        raise CellError(_("montant « %(value)s » négatif") % {"value": raw})
    if amount >= Decimal("10000000000"):
        raise CellError(_("montant « %(value)s » hors limites") % {"value": raw})
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


# Years and tranche numbers


def parse_year(value: object, *, today: datetime.date | None = None) -> int:
    """A selection year between 2000 (first calls in the stock) and next year."""
    raw = text(value)
    if isinstance(value, datetime.date):
        year = value.year
    elif re.fullmatch(r"\d{4}", raw):
        year = int(raw)
    else:
        raise CellError(_("année « %(value)s » illisible (attendu 4 chiffres)") % {"value": raw})
    latest = (today or datetime.date.today()).year + 1
    if not 2000 <= year <= latest:
        raise CellError(
            _("année « %(value)s » impossible (attendu entre 2000 et %(latest)s)")
            % {"value": raw, "latest": latest}
        )
    return year


NO_TRANCHE_WORDS = {"", "AUCUNE TRANCHE", "AUCUNE", "0", "NEANT", "NONE"}


def parse_tranche(value: object) -> int | None:
    """`1`..`5`, or `Aucune tranche` / empty → None."""
    raw = text(value)
    if normalise_name(raw) in NO_TRANCHE_WORDS:
        return None
    match = re.fullmatch(r"(?:tranche\s*)?([1-9])", raw, re.IGNORECASE)
    if not match:
        raise CellError(
            _("numéro de tranche « %(value)s » illisible (attendu 1 à 9 ou « Aucune tranche »)")
            % {"value": raw}
        )
    return int(match.group(1))


# Call codes


def _compact(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", strip_accents(value).upper())


#: compact spelling → call code as written in the open data (PHRC-N, phrcn, PREPS IQ…)
CALL_CODES: dict[str, str] = {_compact(code): code for code, _name, _op in PROGRAMMES}
CALL_CODES.update({_compact(code): code for code in CALL_PROGRAMME})
CALL_CODES.update(
    {
        "PHRCNATIONAL": "PHRCN",
        "PHRCINTERREGIONAL": "PHRCI",
        "PHRCCANCER": "PHRCK",
        "PHRCCANCEROLOGIE": "PHRCK",
        "PHRCKCANCER": "PHRCK",
        "RESPIR": "RESPIR",
    }
)
_CANONICAL = {code for code, _name, _op in PROGRAMMES} | set(CALL_PROGRAMME)


def parse_call_code(value: object) -> str:
    """`PHRC-N`, `PHRC N`, `phrcn` → `PHRCN`; `PREPS IQ` → `PREPS-IQ`; unknown → CellError."""
    raw = text(value)
    exact = strip_accents(raw).upper()
    code = exact if exact in _CANONICAL else CALL_CODES.get(_compact(raw))
    if code is None:
        raise CellError(
            _("programme « %(value)s » inconnu (attendu : %(known)s)")
            % {"value": raw, "known": ", ".join(sorted(_CANONICAL))}
        )
    return code


# Investigators

TITLES = {
    "PR": "Pr",
    "PROF": "Pr",
    "PROFESSEUR": "Pr",
    "DR": "Dr",
    "DOCTEUR": "Dr",
    "M": "M.",
    "MR": "M.",
    "MME": "Mme",
    "MLLE": "Mme",
    "MADAME": "Mme",
    "MONSIEUR": "M.",
}
_PARTICLES = {"DE", "DU", "DES", "LE", "LA", "VAN", "VON", "DI", "DA", "D", "L"}


@dataclass(frozen=True)
class PersonName:
    last_name: str
    first_name: str
    title: str = ""


def _is_upper_word(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def parse_person(value: object) -> PersonName:
    """One cell: `Pr Jean DUPONT`, `DUPONT Jean`, `Dupont, Jean`, `Dr Marie-Claire LE GOFF`.

    Upper-case words are the last name; with no case hint (`Jean Dupont`) the last word is;
    an all-capitals cell follows the administrative order NOM Prénom.
    """
    raw = text(value)
    if not raw:
        raise CellError(_("porteur vide"))
    words = raw.replace(",", " , ").split()
    title = ""
    while words and (key := _compact(words[0])) in TITLES and len(words) > 1:
        title = title or TITLES[key]
        words = words[1:]
    if "," in words:
        index = words.index(",")
        last, first = words[:index], [w for w in words[index + 1 :] if w != ","]
        return PersonName(" ".join(last), " ".join(first), title)
    upper = [_is_upper_word(word) for word in words]
    if len(words) == 1:
        return PersonName(words[0], "", title)
    if all(upper):
        return PersonName(words[0], " ".join(words[1:]), title)
    if any(upper):
        last = [w for w, up in zip(words, upper, strict=True) if up]
        first = [w for w, up in zip(words, upper, strict=True) if not up]
        return PersonName(" ".join(last), " ".join(first), title)
    # No case hint: "Jean de La Fontaine" → last name starts at the first particle.
    for index in range(1, len(words)):
        if _compact(words[index]) in _PARTICLES:
            return PersonName(" ".join(words[index:]), " ".join(words[:index]), title)
    return PersonName(words[-1], " ".join(words[:-1]), title)
