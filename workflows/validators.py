"""Identifier rules from the domain handbook: FINESS numbers, ROR identifiers and trial registry ids.

Each function returns a normalised value or raises `ValidationError` with a precise French
message; import pipelines and forms share them so a rule lives in one place.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

FINESS_RE = re.compile(r"^[0-9][0-9AB][0-9]{7}$")


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check used by every all-digit FINESS seen in real data."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_finess(raw: object) -> str:
    """Return the 9-character FINESS, padding a number that lost its leading zero."""
    value = str(raw if raw is not None else "").strip().upper().replace(" ", "")
    if value.endswith(".0") and value[:-2].isdigit():  # read as a float by a spreadsheet
        value = value[:-2]
    if not value:
        raise ValidationError(_("Le numéro FINESS est vide."), code="finess_empty")
    if value.isdigit() and len(value) < 9:
        value = value.zfill(9)
    if len(value) != 9:
        raise ValidationError(
            _("Le numéro FINESS « %(value)s » doit compter 9 caractères (il en a %(n)s)."),
            code="finess_length",
            params={"value": raw, "n": len(value)},
        )
    if not FINESS_RE.match(value):
        raise ValidationError(
            _(
                "Le numéro FINESS « %(value)s » est mal formé : attendu un chiffre, un chiffre "
                "(ou A/B pour la Corse), puis 7 chiffres."
            ),
            code="finess_format",
            params={"value": value},
        )
    if value.isdigit() and not luhn_ok(value):
        raise ValidationError(
            _("Le numéro FINESS « %(value)s » a une clé de contrôle invalide."),
            code="finess_checksum",
            params={"value": value},
        )
    return value


def validate_finess(value: str) -> None:
    if normalise_finess(value) != value:
        raise ValidationError(
            _("Le numéro FINESS « %(value)s » doit être saisi sur 9 caractères, en majuscules."),
            code="finess_not_normalised",
            params={"value": value},
        )


#: ROR ids: "0", six characters of Crockford's base 32 (no i, l, o, u), two check digits.
ROR_RE = re.compile(r"^0[0-9a-hj-km-np-tv-z]{6}[0-9]{2}$")
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
ROR_URL_PREFIXES = ("https://ror.org/", "http://ror.org/", "ror.org/")


def normalise_ror_id(raw: object) -> str:
    """What people paste (upper case, spaces, the https://ror.org/ address) as the bare id; "" stays ""."""
    value = str(raw if raw is not None else "").strip().lower().replace(" ", "")
    for prefix in ROR_URL_PREFIXES:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def validate_ror_id(value: str) -> None:
    """ROR's own rule: the last two digits are ISO 7064 mod 97-10 of the base-32 number."""
    if not ROR_RE.match(value or ""):
        raise ValidationError(
            _(
                "L'identifiant ROR « %(value)s » doit avoir la forme 0xxxxxxxx (9 caractères, sans l'adresse ror.org)."
            ),
            code="ror_format",
            params={"value": value},
        )
    number = 0
    for char in value[1:7]:
        number = number * 32 + CROCKFORD.index(char)
    if int(value[7:]) != 98 - (number * 100) % 97:
        raise ValidationError(
            _("L'identifiant ROR « %(value)s » a une clé de contrôle invalide."),
            code="ror_checksum",
            params={"value": value},
        )


class Registry(models.TextChoices):
    CLINICALTRIALS = "clinicaltrials", "ClinicalTrials.gov"
    EUDRACT = "eudract", "EudraCT"
    EUCT = "euct", "EU CT (CTIS)"
    IDRCB = "idrcb", "ID-RCB"
    ISRCTN = "isrctn", "ISRCTN"
    PROSPERO = "prospero", "PROSPERO"


REGISTRY_PATTERNS: dict[str, re.Pattern[str]] = {
    Registry.CLINICALTRIALS: re.compile(r"^NCT\d{8}$"),
    Registry.EUCT: re.compile(r"^20\d{2}-5\d{5}-\d{2}-\d{2}$"),
    Registry.EUDRACT: re.compile(r"^(19|20)\d{2}-\d{6}-\d{2}$"),
    Registry.IDRCB: re.compile(r"^20\d{2}-A\d{5}-\d{2}$"),
    Registry.ISRCTN: re.compile(r"^ISRCTN\d{8}$"),
    Registry.PROSPERO: re.compile(r"^CRD\d{11}$"),
}

REGISTRY_URLS: dict[str, str] = {
    Registry.CLINICALTRIALS: "https://clinicaltrials.gov/study/{id}",
    Registry.EUDRACT: "https://www.clinicaltrialsregister.eu/ctr-search/search?query={id}",
    Registry.EUCT: "https://euclinicaltrials.eu/search-for-clinical-trials/?EUCT={id}",
    Registry.IDRCB: "https://ansm.sante.fr/",
    Registry.ISRCTN: "https://www.isrctn.com/{id}",
    Registry.PROSPERO: "https://www.crd.york.ac.uk/prospero/display_record.php?RecordID={id}",
}

REGISTRY_SPLIT_RE = re.compile(r"[\s,;/|]+")


def detect_registry(raw: str) -> tuple[str, str]:
    """Return (registry, identifier) for one trial id, or raise with the formats accepted."""
    value = raw.strip().upper()
    for registry, pattern in REGISTRY_PATTERNS.items():
        if pattern.match(value):
            return registry, value
    raise ValidationError(
        _(
            "« %(value)s » n'est pas un numéro de registre reconnu (NCT########, "
            "EudraCT AAAA-######-##, EU CT AAAA-5#####-##-##, ID-RCB AAAA-A#####-##, "
            "ISRCTN########, CRD###########)."
        ),
        code="registry_format",
        params={"value": raw.strip()},
    )


def split_registry_cell(cell: str) -> list[str]:
    """A registry cell may hold several ids separated by spaces, commas, semicolons or slashes."""
    return [part for part in REGISTRY_SPLIT_RE.split(cell or "") if part]


def validate_registry_id(registry: str, identifier: str) -> None:
    pattern = REGISTRY_PATTERNS.get(registry)
    if pattern is None or not pattern.match(identifier):
        raise ValidationError(
            _("« %(value)s » n'est pas un identifiant %(registry)s valide."),
            code="registry_mismatch",
            params={
                "value": identifier,
                "registry": Registry(registry).label if registry in Registry.values else registry,
            },
        )
