"""Matching rules: establishment names and regions, disciplines, trial registry ids.

Pure functions and small in-memory indexes; nothing here writes to the database.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from workflows.models import Establishment, EstablishmentType, Region
from workflows.models.establishments import region_from_label
from workflows.text import normalise_name
from workflows.validators import detect_registry, normalise_finess, split_registry_cell

# Establishments

#: abbreviation (one word, or two for `AP HP`) → spelled out, before comparing names
ABBREVIATIONS: dict[str, str] = {
    "CHU": "CENTRE HOSPITALIER UNIVERSITAIRE",
    "CHRU": "CENTRE HOSPITALIER REGIONAL UNIVERSITAIRE",
    "CHR": "CENTRE HOSPITALIER REGIONAL",
    "CHI": "CENTRE HOSPITALIER INTERCOMMUNAL",
    "CHS": "CENTRE HOSPITALIER SPECIALISE",
    "CH": "CENTRE HOSPITALIER",
    "CHG": "CENTRE HOSPITALIER",
    "HOSP": "HOSPITALIER",
    "CTRE": "CENTRE",
    "CENT": "CENTRE",
    "UNIV": "UNIVERSITAIRE",
    "REG": "REGIONAL",
    "GH": "GROUPE HOSPITALIER",
    "GHU": "GROUPE HOSPITALIER UNIVERSITAIRE",
    "CLCC": "CENTRE LUTTE CONTRE CANCER",
    "EPSM": "ETABLISSEMENT PUBLIC SANTE MENTALE",
    "APHP": "ASSISTANCE PUBLIQUE HOPITAUX PARIS",
    "AP HP": "ASSISTANCE PUBLIQUE HOPITAUX PARIS",
    "APHM": "ASSISTANCE PUBLIQUE HOPITAUX MARSEILLE",
    "AP HM": "ASSISTANCE PUBLIQUE HOPITAUX MARSEILLE",
    "HCL": "HOSPICES CIVILS LYON",
    "ST": "SAINT",
    "STE": "SAINTE",
}
_NAME_SMALL_WORDS = {"DE", "DU", "DES", "D", "L", "LA", "LE", "LES", "ET", "A", "AU", "AUX", "EN"}


def establishment_key(name: str) -> str:
    """`CHU de Poitiers`, `CENTRE HOSP. UNIVERSITAIRE DE POITIERS` → the same key."""
    words = normalise_name(name).split()
    expanded: list[str] = []
    index = 0
    while index < len(words):
        pair = " ".join(words[index : index + 2])
        if pair in ABBREVIATIONS:
            expanded.extend(ABBREVIATIONS[pair].split())
            index += 2
            continue
        expanded.extend(ABBREVIATIONS.get(words[index], words[index]).split())
        index += 1
    return " ".join(word for word in expanded if word not in _NAME_SMALL_WORDS)


#: FINESS département (first two characters, three overseas) → region
DEPARTMENT_REGION: dict[str, str] = {}
for _region, _departments in {
    Region.ARA: "01 03 07 15 26 38 42 43 63 69 73 74",
    Region.BFC: "21 25 39 58 70 71 89 90",
    Region.BRE: "22 29 35 56",
    Region.CVL: "18 28 36 37 41 45",
    Region.COR: "2A 2B 20",
    Region.GES: "08 10 51 52 54 55 57 67 68 88",
    Region.HDF: "02 59 60 62 80",
    Region.IDF: "75 77 78 91 92 93 94 95",
    Region.NOR: "14 27 50 61 76",
    Region.NAQ: "16 17 19 23 24 33 40 47 64 79 86 87",
    Region.OCC: "09 11 12 30 31 32 34 46 48 65 66 81 82",
    Region.PDL: "44 49 53 72 85",
    Region.PAC: "04 05 06 13 83 84",
    Region.GUA: "971",
    Region.MTQ: "972",
    Region.GUF: "973",
    Region.REU: "974",
    Region.MAY: "976",
}.items():
    for _department in _departments.split():
        DEPARTMENT_REGION[_department] = _region


def region_from_finess(finess: str) -> str | None:
    """Overseas FINESS numbers read `970` + the département's last digit (9702… Martinique)."""
    if finess.startswith("970"):
        return DEPARTMENT_REGION.get("97" + finess[3:4])
    if finess.startswith("97"):
        return DEPARTMENT_REGION.get(finess[:3])
    return DEPARTMENT_REGION.get(finess[:2])


#: names of the 18 centres de lutte contre le cancer that do not say "cancer" (name keys)
CLCC_NAMES = (
    "ANTOINE LACASSAGNE",
    "BERGONIE",
    "CLAUDIUS REGAUD",
    "EUGENE MARQUIS",
    "FRANCOIS BACLESSE",
    "GEORGES FRANCOIS LECLERC",
    "GUSTAVE ROUSSY",
    "HENRI BECQUEREL",
    "INSTITUT CURIE",
    "JEAN GODINOT",
    "JEAN PERRIN",
    "LEON BERARD",
    "OSCAR LAMBRET",
    "PAOLI CALMETTES",
    "PAUL STRAUSS",
)


def infer_type(name: str) -> str | None:
    """The type a legacy file omits, from words of the name; None unless exactly one type fits.

    A university hospital's name also says "centre hospitalier": CHUR wins over CH. Any other
    pair of clues (a GCS of hospitals, a CLCC run as a GCS…) is ambiguous and left to an agent.
    """
    key = f" {establishment_key(name)} "
    found: set[str] = set()
    if any(
        clue in key
        for clue in (
            " UNIVERSITAIRE ",
            " ASSISTANCE PUBLIQUE ",
            " HOSPICES CIVILS ",
            " CENTRE HOSPITALIER REGIONAL ",
        )
    ):
        found.add(EstablishmentType.CHUR)
    if (
        " LUTTE CONTRE CANCER " in key
        or (" INSTITUT " in key and (" CANCER " in key or " CANCEROLOGIE " in key))
        or any(f" {clinic} " in key for clinic in CLCC_NAMES)
    ):
        found.add(EstablishmentType.CLCC)
    if key.startswith(" GCS ") or " GROUPEMENT COOPERATION SANITAIRE " in key:
        found.add(EstablishmentType.GCS)
    if " SANTE MENTALE " in key or " CENTRE HOSPITALIER SPECIALISE " in key:
        found.add(EstablishmentType.EPSM)
    if " CENTRE HOSPITALIER " in key and not found:
        found.add(EstablishmentType.CH)
    return found.pop() if len(found) == 1 else None


@dataclass
class NewEstablishment:
    """An establishment a valid row needs and the database lacks; created by the service.

    `to_complete` when the file did not give its type (inferred or unknown) or its region: the
    row is imported all the same and the establishment is listed for an agent to complete.
    """

    finess: str
    name: str
    type: str
    region: str
    to_complete: bool = False


@dataclass
class Resolution:
    """What `EstablishmentIndex.resolve` found: the establishment, or errors that reject the row;
    warnings (field → French message) never reject it."""

    establishment: Establishment | NewEstablishment | None = None
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


class EstablishmentIndex:
    """Every establishment by FINESS and by name key; new ones join the index once created."""

    def __init__(self) -> None:
        self.by_finess: dict[str, Establishment] = {}
        self.by_name: dict[str, Establishment] = {}
        for establishment in Establishment.objects.all():
            self.add(establishment)

    def add(self, establishment: Establishment) -> None:
        self.by_finess[establishment.finess] = establishment
        self.by_name.setdefault(establishment_key(establishment.name), establishment)

    def resolve(self, *, finess: str, name: str, type_label: str, region_label: str) -> Resolution:
        """Match by FINESS, then by normalised name; else describe the one to create.

        Only a bad FINESS (length, format, key), or no way to identify the establishment at all
        (neither a FINESS nor a known name), rejects the row. A new establishment whose type or
        region the file lacks or garbles is created "à compléter" with a warning.
        """
        result = Resolution()
        normalised = ""
        if finess:
            try:
                normalised = normalise_finess(finess)
            except ValidationError as error:
                result.errors["finess"] = error.messages[0]
                return result
            if normalised in self.by_finess:
                result.establishment = self.by_finess[normalised]
                return result
        if name and (found := self.by_name.get(establishment_key(name))):
            if normalised:
                result.warnings["finess"] = _(
                    "FINESS « %(value)s » inconnu : rattaché par son nom à %(name)s (FINESS %(finess)s)"
                ) % {"value": normalised, "name": found.name, "finess": found.finess}
            result.establishment = found
            return result
        if not normalised:
            result.errors["finess" if not name else "establishment_name"] = (
                _("établissement « %(value)s » inconnu et FINESS absent : impossible de le créer")
                % {"value": name}
                if name
                else _("ni FINESS ni nom d'établissement")
            )
            return result
        to_complete = False
        if not name:
            name = _("Établissement FINESS %(finess)s") % {"finess": normalised}
            to_complete = True
            result.warnings["establishment_name"] = _(
                "FINESS « %(value)s » inconnu et nom d'établissement absent : établissement créé "
                "« %(name)s », à compléter"
            ) % {"value": normalised, "name": name}
        region = region_from_label(region_label) if region_label else None
        if region_label and region is None:
            result.warnings["region"] = _("région « %(value)s » inconnue, déduite du FINESS") % {
                "value": region_label
            }
        region = region or region_from_finess(normalised)
        if region is None:
            to_complete = True
            result.warnings.setdefault(
                "region",
                _("région inconnue pour le nouvel établissement « %(value)s » : à compléter")
                % {"value": name},
            )
        kind = type_label.strip().upper() if type_label else ""
        if kind and kind not in EstablishmentType.values:
            result.warnings["establishment_type"] = _(
                "type d'établissement « %(value)s » inconnu (attendu : %(known)s)"
            ) % {"value": type_label, "known": ", ".join(EstablishmentType.values)}
        if kind not in EstablishmentType.values:
            to_complete = True
            kind = infer_type(name) or ""
            message = (
                _("nouvel établissement « %(value)s » créé à compléter, type %(type)s déduit du nom")
                if kind
                else _("nouvel établissement « %(value)s » créé à compléter, type inconnu")
            ) % {"value": name, "type": kind}
            previous = result.warnings.get("establishment_type")
            result.warnings["establishment_type"] = f"{previous} ; {message}" if previous else message
        result.establishment = NewEstablishment(
            finess=normalised, name=name, type=kind, region=region or "", to_complete=to_complete
        )
        return result


# Disciplines

#: keyword (prefix; a trailing space means a whole word) → discipline code of `reference.DISCIPLINES`
DISCIPLINE_KEYWORDS: list[tuple[str, str]] = [
    ("ANESTHES", "anesthesiologie-reanimation"),
    ("REANIMATION", "anesthesiologie-reanimation"),
    ("CANCER", "cancerologie"),
    ("ONCO", "cancerologie"),
    ("RADIOTHERAP", "cancerologie"),
    ("RADIATION", "cancerologie"),
    ("CHEMOTHERAP", "cancerologie"),
    ("CHIMIOTHERAP", "cancerologie"),
    ("LEUKEMIA", "cancerologie"),
    ("LEUCEMIE", "cancerologie"),
    ("LYMPHOM", "cancerologie"),
    ("CARCINOM", "cancerologie"),
    ("SARCOM", "cancerologie"),
    ("TUMOU", "cancerologie"),
    ("TUMEUR", "cancerologie"),
    ("METASTA", "cancerologie"),
    ("BRACHYTHERAP", "cancerologie"),
    ("IGRT ", "cancerologie"),
    ("CARDIO", "cardiologie"),
    ("CARDIAQUE", "cardiologie"),
    ("HYPERTENSION", "cardiologie"),
    ("VALV", "cardiologie"),
    ("NEUROCHIRURG", "chirurgie"),
    ("CHIRURG", "chirurgie"),
    ("SURGERY", "chirurgie"),
    ("ORTHOPED", "chirurgie"),
    ("TRAUMATOLOG", "chirurgie"),
    ("BY PASS", "chirurgie"),
    ("DERMATO", "dermatologie"),
    ("DERMATOLOGY", "dermatologie"),
    ("GENODERMATOSE", "dermatologie"),
    ("VITILIGO", "dermatologie"),
    ("ECONOMIE", "economie-sante"),
    ("ECONOMIC", "economie-sante"),
    ("ENDOCRINO", "endocrinologie"),
    ("DIABET", "endocrinologie"),
    ("NUTRITION", "endocrinologie"),
    ("OBESITE", "endocrinologie"),
    ("METABOLISME", "endocrinologie"),
    ("GASTRO", "gastro-enterologie"),
    ("HEPATO", "gastro-enterologie"),
    ("HEPATI", "gastro-enterologie"),
    ("DIGESTI", "gastro-enterologie"),
    ("HGE ", "gastro-enterologie"),
    ("ENDOSCOPIE", "gastro-enterologie"),
    ("INTESTIN", "gastro-enterologie"),
    ("GENETI", "genetique"),
    ("GERIATR", "geriatrie"),
    ("GYNECO", "gynecologie-obstetrique"),
    ("OBSTETRI", "gynecologie-obstetrique"),
    ("REPRODUCTION", "gynecologie-obstetrique"),
    ("PRENATAL", "gynecologie-obstetrique"),
    ("HEMATOLOG", "hematologie"),
    ("DREPANOCYTOSE", "hematologie"),
    ("TRANSFUSION", "hematologie"),
    ("RADIOLOG", "imagerie"),
    ("IMAGERIE", "imagerie"),
    ("IMAGING", "imagerie"),
    ("NUCLEAIRE", "imagerie"),
    ("NUCLEAR", "imagerie"),
    ("INFECTI", "infectiologie"),
    ("HYGIENE", "infectiologie"),
    ("MICROBIOLOG", "infectiologie"),
    ("BACTERIOLOG", "infectiologie"),
    ("VIROLOG", "infectiologie"),
    ("PARASITOLOG", "infectiologie"),
    ("ANTIBIO", "infectiologie"),
    ("MEDECINE GENERALE", "medecine-generale"),
    ("GENERAL PRACTICE", "medecine-generale"),
    ("MEDECINE INTERNE", "medecine-interne"),
    ("INTERNAL MEDICINE", "medecine-interne"),
    ("IMMUNOLOG", "medecine-interne"),
    ("ALLERGOLOG", "medecine-interne"),
    ("ARTERITE", "medecine-interne"),
    ("MALADIE RARE", "medecine-interne"),
    ("ARRET CARDIAQUE", "medecine-urgence"),
    ("URGENCE", "medecine-urgence"),
    ("EMERGENCY", "medecine-urgence"),
    ("PREHOSPITALIER", "medecine-urgence"),
    ("MEDECINE AIGUE", "medecine-urgence"),
    ("READAPTATION", "mpr"),
    ("REEDUCATION", "mpr"),
    ("REHABILITATION", "mpr"),
    ("MPR ", "mpr"),
    ("NEPHRO", "nephrologie"),
    ("DIALYSE", "nephrologie"),
    ("NEURO", "neurologie"),
    ("SCLEROSE", "neurologie"),
    ("TRAUMATISME CRANIEN", "neurologie"),
    ("CONSCIENCE", "neurologie"),
    ("ODONTO", "odontologie"),
    ("OPHTALMO", "ophtalmologie"),
    ("OPHTHALMO", "ophtalmologie"),
    ("ORGANISATION", "organisation-soins"),
    ("INFORMATIQUE", "organisation-soins"),
    ("ORL ", "orl"),
    ("OTORHINO", "orl"),
    ("PEDIATR", "pediatrie"),
    ("NEONAT", "pediatrie"),
    ("PHARMACOEPIDEMIO", "sante-publique"),
    ("PHARMACO", "pharmacologie"),
    ("PHARMACIE", "pharmacologie"),
    ("PNEUMO", "pneumologie"),
    ("MUCOVISCIDOSE", "pneumologie"),
    ("BRONCHO", "pneumologie"),
    ("PSYCH", "psychiatrie"),
    ("ADDICTO", "psychiatrie"),
    ("AUTIS", "psychiatrie"),
    ("DEPRESSION", "psychiatrie"),
    ("SCHIZO", "psychiatrie"),
    ("SHIZO", "psychiatrie"),
    ("RHUMAT", "rhumatologie"),
    ("GOUTTE", "rhumatologie"),
    ("CHONDROCALCINOSE", "rhumatologie"),
    ("SANTE PUBLIQUE", "sante-publique"),
    ("EPIDEMIO", "sante-publique"),
    ("MEDECINE DU TRAVAIL", "sante-publique"),
    ("MEDECINE LEGALE", "sante-publique"),
    ("SOCIAL", "sante-publique"),
    ("SOINS INFIRMIERS", "soins-infirmiers"),
    ("PARAMEDICA", "soins-infirmiers"),
    ("UROLOG", "urologie"),
    ("VASCULAIRE", "vasculaire"),
    ("THROMBO", "vasculaire"),
]
_DISCIPLINE_PATTERNS = [
    (re.compile(r"\b" + re.escape(keyword.strip()) + (r"\b" if keyword.endswith(" ") else "")), code)
    for keyword, code in DISCIPLINE_KEYWORDS
]
FALLBACK_DISCIPLINE = "autre"


@functools.lru_cache(maxsize=4096)  # a file repeats a few hundred spellings over thousands of rows
def discipline_code(raw: str) -> str | None:
    """The vocabulary code for a free-text discipline: the keyword found first in the text wins.

    `hors cancer` (not cancer) is a qualifier, not a discipline. Empty text → None; text with no
    known keyword → `autre` (the raw text is kept on the project either way).
    """
    text = normalise_name(raw)
    if not text:
        return None
    text = re.sub(r"\bHORS CANCER\b", " ", text)
    best: tuple[int, int, str] | None = None
    for pattern, code in _DISCIPLINE_PATTERNS:
        match = pattern.search(text)
        if match and (best is None or (match.start(), -len(match.group())) < best[:2]):
            best = (match.start(), -len(match.group()), code)
    return best[2] if best else FALLBACK_DISCIPLINE


# Registries


def parse_registries(cell: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Several ids may share one cell; returns ([(registry, id)], [French warning per bad id])."""
    found: list[tuple[str, str]] = []
    problems: list[str] = []
    for part in split_registry_cell(cell):
        try:
            pair = detect_registry(part)
        except ValidationError as error:
            problems.append(error.messages[0])
            continue
        if pair not in found:
            found.append(pair)
    return found, problems
