"""The one French formatter (Babel): euros, numbers, "1er" for the first day, French alphabetical
order; grammatical demo titles; and no module of the project formats money or numbers by hand."""

from __future__ import annotations

import datetime
import itertools
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template

from demo import grammar, portfolio
from formatting import (
    format_cell,
    format_date,
    format_datetime,
    format_days,
    format_euros,
    format_number,
    french_sort_key,
    sorted_french,
)

NNBSP, NBSP = "\u202f", "\u00a0"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (datetime.date(2026, 12, 1), "1er décembre 2026"),
        (datetime.date(2026, 9, 11), "11 septembre 2026"),
        (datetime.date(2026, 8, 2), "2 août 2026"),
        (datetime.datetime(2026, 3, 1, 23, 59), "1er mars 2026"),
        (None, ""),
    ],
)
def test_dates_are_french_with_1er(day, text):
    assert format_date(day) == text


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (Decimal("1234567"), {}, f"1{NNBSP}234{NNBSP}567{NBSP}€"),
        (Decimal("12345.6"), {"places": 2}, f"12{NNBSP}345,60{NBSP}€"),
        (Decimal("0.5"), {}, f"1{NBSP}€"),  # halves round up, never to even
        (Decimal("2.5"), {}, f"3{NBSP}€"),
        (1_140_000_000, {"compact": True}, f"1,14{NBSP}Md€"),
        (12_500_000.0, {"compact": True}, f"12,5{NBSP}M€"),
        (350_000, {"compact": True}, f"350{NBSP}k€"),
        (None, {}, "—"),
        (float("nan"), {}, "—"),
    ],
)
def test_euros(value, kwargs, text):
    assert format_euros(value, **kwargs) == text


def test_numbers_days_and_cells():
    assert format_number(1234567.5) == f"1{NNBSP}234{NNBSP}568"
    assert format_number(Decimal("33.333"), 2) == "33,33"
    assert format_days(3) == f"3{NBSP}j"
    assert format_days(3.5) == f"3,5{NBSP}j"
    assert format_cell(2010.0, "year") == "2010"
    assert format_cell(Decimal("1000"), "money") == format_euros(Decimal("1000"))


def test_template_filters_are_the_same_formatter():
    day = datetime.date(2026, 12, 1)
    context = Context({"day": day, "amount": Decimal("73620")})
    template = Template(
        "{% load french %}{{ day|date_fr }}|{{ amount|euros }}|{{ amount|euros:2 }}|{{ amount|nombre }}"
    )
    assert template.render(context).split("|") == [
        "1er décembre 2026",
        format_euros(Decimal("73620")),
        format_euros(Decimal("73620"), places=2),
        format_number(73620),
    ]
    assert format_date(day, with_year=False) == "1er décembre"


#: What hand-made French formatting looks like: thousands separators swapped in by hand, Django's
#: locale-dependent number formatting, or an amount followed by a literal euro sign in a template.
AD_HOC = [
    re.compile(r"""replace\(\s*["'],["']\s*,\s*(["']\\u202f["']|["']\\xa0["']|NBSP|NNBSP)"""),
    re.compile(r"\bnumber_format\("),
    re.compile(r"\bintcomma\b"),
    re.compile(r"""floatformat:["']?-?\d*g"""),
    re.compile(r"\}\}\s*€"),
]
PACKAGES = ["sirano", "demo", "agents", "portal", "content", "opendata", "reports", "web", "workflows"]


def test_no_module_formats_money_or_numbers_by_hand():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if any(pattern.search(line) for pattern in AD_HOC):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


#: Dates and amounts written by hand (issue 27, item 7): a template date with a format of its own
#: (only the machine ISO forms `|date:"c"` and `|date:"Y-m-d"` of a `datetime=` attribute), a display
#: `strftime` or f-string date format, and an amount interpolated raw before a literal euro sign
#: in a message. Every one of them goes through `date_fr`, `datetime_fr`, `format_date`,
#: `format_datetime` or `format_euros` instead.
DATES_AND_MESSAGES_BY_HAND = {
    ".html": [re.compile(r"""\|date:\s*(?!["'](c|Y-m-d)["'])""")],
    ".txt": [re.compile(r"""\|date:\s*(?!["'](c|Y-m-d)["'])""")],
    ".py": [
        re.compile(r"""strftime\(\s*f?["'][^"']*%[dmYbBeHy]"""),
        re.compile(r"\{[^{}\n]*:%[dmY][^{}\n]*\}"),
        re.compile(r"(%\([a-z_]+\)s|%s|\{[^{}]*\})\s*(€|euros\b)"),
    ],
}


def test_no_date_nor_message_amount_is_written_by_hand():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            patterns = DATES_AND_MESSAGES_BY_HAND.get(path.suffix)
            if not patterns or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if any(pattern.search(line) for pattern in patterns):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_date_times_are_french():
    moment = datetime.datetime(2026, 12, 7, 9, 5)
    assert format_datetime(moment) == "7 décembre 2026 à 9 h 05"
    assert format_datetime(None) == ""


def test_french_collation_ignores_accents_and_case():
    names = [
        "Gynécologie",
        "Génétique",
        "gastro-entérologie",
        "Île-de-France",
        "Hauts-de-France",
        "Épidémiologie",
    ]
    assert sorted_french(names) == [
        "Épidémiologie",
        "gastro-entérologie",
        "Génétique",
        "Gynécologie",
        "Hauts-de-France",
        "Île-de-France",
    ]
    # Plain code-point order puts accented capitals last: the reason for the key.
    assert sorted(names)[-1] == "Île-de-France"
    assert french_sort_key("Œdème")[0] == "oedeme"


def test_contractions_and_elisions():
    assert grammar.contract("Intérêt de un algorithme") == "Intérêt d'un algorithme"
    assert grammar.contract("les complications de les patients") == "les complications des patients"
    assert grammar.contract("retour à le domicile") == "retour au domicile"
    assert grammar.contract("accès à les soins") == "accès aux soins"
    assert grammar.contract("prise en charge de le sepsis") == "prise en charge du sepsis"
    assert grammar.contract("séjour de le hôpital") == "séjour de l'hôpital"
    assert grammar.contract("prothèse de la hanche") == "prothèse de la hanche"


def test_every_demo_title_is_grammatical():
    conditions = itertools.chain(*portfolio.CONDITIONS.values(), portfolio.DEFAULT_CONDITIONS)
    titles = [
        grammar.fill(pattern, x=x, y=y)
        for pattern, x, y in itertools.product(portfolio.TITLE_PATTERNS, portfolio.INTERVENTIONS, conditions)
    ]
    bad = [" de les ", " de le ", " de un", " de une", " à le ", " à les ", " de l'un", " dans cancer"]
    assert [t for t in titles if any(b in f" {t} " for b in bad)] == []
    assert "Intérêt d'un algorithme d'aide à la décision pour réduire les complications du sepsis" in titles


def test_numbers_are_babel_s_french_numbers():
    """`format_number` writes Python's grouped number in the locale's symbols (Babel took 45 µs a
    number); on every kind of value it writes what Babel's French pattern writes."""
    from random import Random

    from babel.numbers import format_decimal

    from formatting import LOCALE, format_number

    rng = Random(27)
    values = [0, -0.4, 0.5, -0.5, 1.005, 999, 1000, -1000, 999999.995, 10**12, Decimal("-0.004")]
    values += [Decimal(rng.randint(-(10**11), 10**11)) / 10 ** rng.randint(0, 4) for _ in range(3000)]
    values += [rng.uniform(-1e7, 1e7) for _ in range(1000)] + [
        rng.randint(-(10**6), 10**6) for _ in range(1000)
    ]
    for value in values:
        for places in (0, 1, 2):
            amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
            pattern = "#,##0" + ("." + "0" * places if places else "")
            expected = format_decimal(amount, format=pattern, locale=LOCALE, decimal_quantization=True)
            assert format_number(value, places) == expected, (value, places)


def test_a_moment_is_dated_in_the_site_s_time_zone():
    """A tranche validated at 00:30 in Paris (23:30 UTC the day before) is dated that day: the
    portal's tranche table showed the UTC day for an hour every night."""
    from django.utils import timezone

    from formatting.templatetags.french import date_fr

    moment = datetime.datetime(2026, 12, 7, 23, 30, tzinfo=datetime.UTC)
    assert date_fr(moment) == "8 décembre 2026"
    assert date_fr(timezone.localtime(moment)) == "8 décembre 2026"
    assert date_fr(datetime.date(2026, 12, 7)) == "7 décembre 2026"
    assert date_fr(None) == ""
    assert (
        format_date(moment) == "8 décembre 2026"
    )  # the Python callers' (a tranche's label, a token's expiry)
