"""The one French formatter: "1er" for the first day, French alphabetical order, grammatical
demo titles; and every surface that prints a date goes through it."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.template import Context, Template

from demo import grammar, portfolio
from formatting import format_date, french_sort_key, sorted_french
from reports import formatting as report_formatting


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


def test_template_filter_and_reports_use_the_same_formatter():
    day = datetime.date(2026, 12, 1)
    rendered = Template("{% load sirano_public %}{{ day|date_fr }}").render(Context({"day": day}))
    assert rendered == "1er décembre 2026" == report_formatting.date(day)
    assert format_date(day, with_year=False) == "1er décembre"


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
