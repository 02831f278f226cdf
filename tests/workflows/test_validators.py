"""FINESS and trial-registry identifiers: the handbook's rules, with precise French messages."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import finess_with_key
from workflows.validators import (
    Registry,
    detect_registry,
    luhn_ok,
    normalise_finess,
    split_registry_cell,
    validate_finess,
    validate_registry_id,
)


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("690781810", "690781810"),  # Hospices civils de Lyon
        ("750712184", "750712184"),  # AP-HP
        (" 750 712 184 ", "750712184"),
        (690781810, "690781810"),
        ("2A0000154", "2A0000154"),  # Corse-du-Sud: letters skip the Luhn check
        ("2b0000012", "2B0000012"),  # Haute-Corse, lower case accepted
    ],
)
def test_valid_finess_is_normalised(raw, expected):
    assert normalise_finess(raw) == expected


def test_finess_that_lost_its_leading_zero_is_padded():
    finess = finess_with_key("01000002")  # Ain: département 01
    assert finess.startswith("0")
    as_number = int(finess)
    assert normalise_finess(as_number) == finess
    assert normalise_finess(str(as_number)) == finess
    assert normalise_finess(f"{as_number}.0") == finess  # a spreadsheet read it as a float


def test_luhn_key():
    assert luhn_ok("690781810")
    assert not luhn_ok("690781811")


@pytest.mark.parametrize(
    ("raw", "code", "fragment"),
    [
        ("", "finess_empty", "Le numéro FINESS est vide."),
        (None, "finess_empty", "Le numéro FINESS est vide."),
        ("6907818100", "finess_length", "doit compter 9 caractères (il en a 10)"),
        ("69078181X", "finess_format", "est mal formé"),
        ("2C0000012", "finess_format", "(ou A/B pour la Corse)"),
        ("A90781810", "finess_format", "attendu un chiffre"),
        ("690781811", "finess_checksum", "a une clé de contrôle invalide"),
        ("750712185", "finess_checksum", "« 750712185 » a une clé de contrôle invalide"),
    ],
)
def test_invalid_finess_gets_a_precise_french_message(raw, code, fragment):
    with pytest.raises(ValidationError) as excinfo:
        normalise_finess(raw)
    assert excinfo.value.code == code
    assert fragment in messages(excinfo.value)


def test_model_validator_requires_the_stored_form():
    validate_finess("690781810")
    with pytest.raises(ValidationError) as excinfo:
        validate_finess("2a0000154")
    assert excinfo.value.code == "finess_not_normalised"
    assert "9 caractères, en majuscules" in messages(excinfo.value)


VALID_REGISTRY_IDS = [
    (Registry.CLINICALTRIALS, "NCT01234567"),
    (Registry.EUDRACT, "2015-001234-56"),
    (Registry.EUDRACT, "1999-123456-12"),
    (Registry.EUCT, "2023-501234-12-00"),
    (Registry.IDRCB, "2019-A01234-56"),
    (Registry.ISRCTN, "ISRCTN12345678"),
    (Registry.PROSPERO, "CRD42019123456"),
]

INVALID_REGISTRY_IDS = [
    (Registry.CLINICALTRIALS, "NCT1234567"),  # 7 digits
    (Registry.CLINICALTRIALS, "NCT012345678"),  # 9 digits
    (Registry.EUDRACT, "1899-001234-56"),  # century
    (Registry.EUDRACT, "2015-01234-56"),
    (Registry.EUCT, "2023-401234-12-00"),  # CTIS numbers start with 5
    (Registry.EUCT, "1999-501234-12-00"),
    (Registry.IDRCB, "2019-B01234-56"),
    (Registry.IDRCB, "2019-A1234-56"),
    (Registry.ISRCTN, "ISRCTN1234567"),
    (Registry.PROSPERO, "CRD4201912345"),
]


@pytest.mark.parametrize(("registry", "identifier"), VALID_REGISTRY_IDS)
def test_valid_registry_ids(registry, identifier):
    validate_registry_id(registry, identifier)
    assert detect_registry(f" {identifier.lower()} ") == (registry, identifier)


@pytest.mark.parametrize(("registry", "identifier"), INVALID_REGISTRY_IDS)
def test_invalid_registry_ids(registry, identifier):
    with pytest.raises(ValidationError) as excinfo:
        validate_registry_id(registry, identifier)
    assert excinfo.value.code == "registry_mismatch"
    assert (
        messages(excinfo.value)
        == f"« {identifier} » n'est pas un identifiant {Registry(registry).label} valide."
    )


def test_registry_id_of_another_registry_is_refused():
    with pytest.raises(ValidationError):
        validate_registry_id(Registry.ISRCTN, "NCT01234567")


def test_unrecognised_registry_id_lists_the_accepted_formats():
    with pytest.raises(ValidationError) as excinfo:
        detect_registry("ABC-123")
    assert excinfo.value.code == "registry_format"
    text = messages(excinfo.value)
    assert "« ABC-123 » n'est pas un numéro de registre reconnu" in text
    assert "NCT########" in text and "CRD###########" in text


def test_a_registry_cell_may_hold_several_ids():
    assert split_registry_cell("NCT01234567; 2019-A01234-56 / ISRCTN12345678,") == [
        "NCT01234567",
        "2019-A01234-56",
        "ISRCTN12345678",
    ]
    assert split_registry_cell("") == []
