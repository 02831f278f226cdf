"""Cell parsers: every spelling the legacy spreadsheets use, and the French refusals."""

import datetime
from decimal import Decimal

import pytest

from ingest.projects import values
from ingest.projects.normalise import discipline_code, establishment_key, region_from_finess
from ingest.projects.values import CellError, PersonName


@pytest.mark.parametrize(
    "raw",
    ["14/03/2016", "14-03-2016", "14.03.2016", "2016-03-14", "2016-03-14T00:00:00", 42443, 42443.0, "42443",
     datetime.datetime(2016, 3, 14, 10, 30), datetime.date(2016, 3, 14)],
)  # fmt: skip
def test_dates(raw):
    assert values.parse_date(raw) == datetime.date(2016, 3, 14)


@pytest.mark.parametrize("raw", ["31/02/2016", "mars 2016", "2016/14/03", "0"])
def test_bad_dates_quote_the_value(raw):
    with pytest.raises(CellError, match=f"date « {raw} » illisible"):
        values.parse_date(raw)


@pytest.mark.parametrize(
    "raw",
    ["1 234 567,89 €", "1.234.567,89", "1234567.89", "1\u00a0234\u00a0567,89", "1\u202f234\u202f567,89 EUR",
     "1,234,567.89", 1234567.89, "€1234567,89"],
)  # fmt: skip
def test_amounts(raw):
    assert values.parse_amount(raw) == Decimal("1234567.89")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("215630,00", "215630.00"), ("1.234", "1234.00"), (79784, "79784.00"), ("12,5", "12.50")],
)
def test_amount_shapes(raw, expected):
    assert values.parse_amount(raw) == Decimal(expected)


def test_negative_and_unparsable_amounts():
    with pytest.raises(CellError, match="montant « -5 000 » négatif"):
        values.parse_amount("-5 000")
    with pytest.raises(CellError, match="montant « environ 3 M€ » illisible"):
        values.parse_amount("environ 3 M€")


@pytest.mark.parametrize("raw", ["PHRC-N", "PHRC N", "phrcn", "PHRCN", " Phrc-n ", "PHRC national"])
def test_programme_codes(raw):
    assert values.parse_call_code(raw) == "PHRCN"


def test_call_variants_and_unknown_programme():
    assert values.parse_call_code("preps iq") == "PREPS-IQ"
    assert values.parse_call_code("ReSP-IR") == "RESP-IR"
    with pytest.raises(CellError, match="programme « PHRC-Z » inconnu"):
        values.parse_call_code("PHRC-Z")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pr Jean DUPONT", PersonName("DUPONT", "Jean", "Pr")),
        ("DUPONT Jean", PersonName("DUPONT", "Jean")),
        ("Dr. Marie-Claire LE GOFF", PersonName("LE GOFF", "Marie-Claire", "Dr")),
        ("Dupont, Jean", PersonName("Dupont", "Jean")),
        ("Jean Dupont", PersonName("Dupont", "Jean")),
        ("Professeur Anne de La Fontaine", PersonName("de La Fontaine", "Anne", "Pr")),
        ("LORIN DE LA GRANDMAISON Geoffroy", PersonName("LORIN DE LA GRANDMAISON", "Geoffroy")),
    ],
)
def test_investigator_in_one_cell(raw, expected):
    assert values.parse_person(raw) == expected


def test_years_and_tranches():
    assert values.parse_year("2015") == 2015
    assert values.parse_year(2015.0) == 2015
    with pytest.raises(CellError, match="année « 1987 » impossible"):
        values.parse_year("1987")
    with pytest.raises(CellError, match="année « 20155 » illisible"):
        values.parse_year("20155")
    assert values.parse_tranche("Aucune tranche") is None
    assert values.parse_tranche("3") == 3
    assert values.parse_tranche(4.0) == 4


def test_normalisation_helpers():
    assert establishment_key("CENTRE HOSP. UNIVERSITAIRE DE POITIERS") == establishment_key("CHU de Poitiers")
    assert establishment_key("CHRU de Lille") == establishment_key(
        "Centre hospitalier régional universitaire Lille"
    )
    assert establishment_key("AP-HP") == establishment_key("Assistance Publique - Hôpitaux de Paris")
    assert region_from_finess("010780054") == "ARA"
    assert region_from_finess("970211207") == "MTQ"
    assert region_from_finess("2A0000010") == "COR"
    assert discipline_code("anesthésiologie / réanimation") == "anesthesiologie-reanimation"
    assert discipline_code("cardiologie///") == "cardiologie"
    assert discipline_code("hors cancer psychiatrie") == "psychiatrie"
    assert discipline_code("oncology") == "cancerologie"
    assert discipline_code("méthodologie") == "autre"
    assert discipline_code("") is None
