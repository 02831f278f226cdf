"""Which project a legacy document belongs to, from the identifiers its name and text contain.

Signals, strongest first (each gives a confidence between 0 and 1):
- the project's public id (`PHRCN-2016-0042`)                                    1.00
- a trial-registry id linked to exactly one project (NCT…, EudraCT, ID-RCB…)     0.95
  (linked to several projects: each gets 0.60)
- the acronym with the call and the year                                          0.90
  (with the call or the year only: 0.70; alone: 0.50)
- a FINESS of the coordinating establishment and the title's words               0.60 + 0.35 × share
Independent signals pointing to one project add 0.05 each. A match is sure from `SURE` and when
no other project comes within `MARGIN`; below `SUGGEST` the document is unmatched.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from workflows.models import Project
from workflows.text import normalise_name
from workflows.validators import luhn_ok

SURE = 0.85
SUGGEST = 0.5
MARGIN = 0.1
#: characters of text scanned for acronyms and titles (identifiers are looked for everywhere)
SCAN = 50_000

PUBLIC_ID_RE = re.compile(r"\b([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-(?:19|20)\d{2}-\d{4,})\b")
REGISTRY_RES = [
    re.compile(r"\bNCT\d{8}\b"),
    re.compile(r"\bISRCTN\d{8}\b"),
    re.compile(r"\bCRD\d{11}\b"),
    re.compile(r"\b20\d{2}-A\d{5}-\d{2}\b"),
    re.compile(r"\b20\d{2}-5\d{5}-\d{2}-\d{2}\b"),
    re.compile(r"\b(?:19|20)\d{2}-\d{6}-\d{2}\b"),
]
FINESS_RE = re.compile(r"\b\d[0-9AB]\d{7}\b")
YEAR_RE = re.compile(r"\b(20\d{2})\b")
#: normalised spellings of call codes in free text → code
CALL_RE = re.compile(
    r"\b(PHRC ?N|PHRC ?K|PHRC ?I|PHRC NATIONAL|PHRC INTERREGIONAL|PHRC CANCER|PHRIP|PREPS(?: (?:IQ|DP|TSN))?"
    r"|PRME ?K|PRME|PRT ?S|PRT ?K|RESPIR|RESP IR)\b"
)
CALL_SPELLINGS = {
    "PHRC NATIONAL": "PHRCN",
    "PHRC INTERREGIONAL": "PHRCI",
    "PHRC CANCER": "PHRCK",
    "RESP IR": "RESP-IR",
}
_WORD = re.compile(r"[A-Z0-9]+")
_SMALL = {"DANS", "AVEC", "POUR", "CHEZ", "SOUS", "ENTRE", "APRES", "AVANT", "LORS", "SELON", "VERSUS"}
MIN_ACRONYM = 3


def call_code(spelling: str) -> str:
    spelling = CALL_SPELLINGS.get(spelling, spelling)
    if spelling.startswith("PREPS "):
        return spelling.replace(" ", "-")
    return spelling.replace(" ", "")


def title_words(title: str) -> frozenset[str]:
    return frozenset(w for w in normalise_name(title).split() if len(w) >= 4 and w not in _SMALL)


@dataclass
class Candidate:
    project_id: int
    public_id: str
    confidence: float
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "project_id": self.project_id,
            "public_id": self.public_id,
            "confidence": round(self.confidence, 2),
            "reason": " ; ".join(self.reasons),
        }


@dataclass
class Match:
    """Best candidate first; `sure` when it may be attached without an agent."""

    candidates: list[Candidate]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def confidence(self) -> float:
        return round(self.best.confidence, 2) if self.best else 0.0

    @property
    def sure(self) -> bool:
        if not self.best or self.best.confidence < SURE:
            return False
        return len(self.candidates) == 1 or self.candidates[1].confidence < self.best.confidence - MARGIN


class ProjectIndex:
    """Every project's identifiers in memory (4,000 projects: a few MB), built once per run."""

    def __init__(self) -> None:
        self.public_ids: dict[str, int] = {}
        self.labels: dict[int, str] = {}
        self.acronyms: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
        self.by_finess: dict[str, list[int]] = defaultdict(list)
        self.titles: dict[int, frozenset[str]] = {}
        self.registries: dict[str, list[int]] = defaultdict(list)
        self.max_acronym_words = 1
        rows = Project.objects.values_list(
            "pk", "public_id", "acronym", "call__code", "call__year", "establishment__finess", "title"
        )
        for pk, public_id, acronym, code, year, finess, title in rows.iterator(chunk_size=2000):
            self.public_ids[public_id] = pk
            self.labels[pk] = public_id
            key = normalise_name(acronym)
            if len(key.replace(" ", "")) >= MIN_ACRONYM:
                self.acronyms[key].append((pk, code, year))
                self.max_acronym_words = max(self.max_acronym_words, len(key.split()))
            self.by_finess[finess].append(pk)
            self.titles[pk] = title_words(title)
        links = Project.registrations.through.objects.values_list(
            "project_id", "trialregistration__identifier"
        )
        for pk, identifier in links.iterator(chunk_size=2000):
            self.registries[identifier].append(pk)

    def match(self, file_name: str, text: str) -> Match:
        raw = f"{file_name}\n{text}"
        upper = raw.upper()
        scores: dict[int, Candidate] = {}

        def hit(pk: int, confidence: float, reason: str) -> None:
            candidate = scores.get(pk)
            if candidate is None:
                scores[pk] = Candidate(pk, self.labels[pk], confidence, [reason])
            elif reason not in candidate.reasons:
                candidate.confidence = min(1.0, max(candidate.confidence, confidence) + 0.05)
                candidate.reasons.append(reason)

        for public_id in set(PUBLIC_ID_RE.findall(upper)):
            if public_id in self.public_ids:
                hit(self.public_ids[public_id], 1.0, f"identifiant {public_id}")
        for pattern in REGISTRY_RES:
            for identifier in set(pattern.findall(upper)):
                projects = self.registries.get(identifier, [])
                for pk in projects:
                    hit(pk, 0.95 if len(projects) == 1 else 0.6, f"registre {identifier}")
        scanned = normalise_name(raw[:SCAN])
        calls = {call_code(spelling) for spelling in CALL_RE.findall(scanned)}
        years = {int(year) for year in YEAR_RE.findall(scanned)}
        words = scanned.split()
        seen: set[str] = set()
        for size in range(1, self.max_acronym_words + 1):
            for index in range(len(words) - size + 1):
                key = " ".join(words[index : index + size])
                if key in seen or key not in self.acronyms:
                    continue
                seen.add(key)
                for pk, code, year in self.acronyms[key]:
                    with_call, with_year = code in calls, year in years
                    if with_call and with_year:
                        hit(pk, 0.9, f"acronyme {key}, appel {code} {year}")
                    elif with_call or with_year:
                        hit(pk, 0.7, f"acronyme {key} et {'appel ' + code if with_call else f'année {year}'}")
                    else:
                        hit(pk, SUGGEST, f"acronyme {key} seul")
        word_set = set(words)
        for finess in set(FINESS_RE.findall(upper)):
            if finess.isdigit() and not luhn_ok(finess):
                continue
            for pk in self.by_finess.get(finess, []):
                title = self.titles[pk]
                share = len(title & word_set) / len(title) if title else 0
                if share >= 0.6:
                    hit(pk, 0.6 + 0.35 * share, f"FINESS {finess} et titre ({share:.0%} des mots)")
        ranked = sorted(scores.values(), key=lambda c: (-c.confidence, c.public_id))
        return Match([c for c in ranked if c.confidence >= SUGGEST][:5])
