"""The evidence type of a legacy document, from rules on its file name and the head of its text.

A clue in the file name weighs more than one in the text (people name files for what they
are; a report's text cites conventions and opinions). No clue → no type: an agent chooses.
"""

from __future__ import annotations

import re

from workflows.text import normalise_name

#: text read for clues: titles and headers are at the top
HEAD = 3000

#: evidence type code → clues (normalised: upper case, no accents, punctuation as spaces);
#: listed from the most specific to the most general, which wins a tie
RULES: list[tuple[str, tuple[str, ...]]] = [
    (
        "inclusion-attestation",
        ("ATTESTATION DE PREMIERE INCLUSION", "PREMIERE INCLUSION", "PREMIER PATIENT INCLUS"),
    ),
    ("final-report", ("RAPPORT FINAL", "FINAL REPORT", "RAPPORT DE FIN D ETUDE", "RAPPORT DE FIN")),
    ("interim-report", ("RAPPORT INTERMEDIAIRE", "RAPPORT D AVANCEMENT", "RAPPORT ANNUEL", "INTERIM REPORT")),
    (
        "inclusion-report",
        ("RAPPORT D INCLUSIONS", "RAPPORT D INCLUSION", "ETAT DES INCLUSIONS", "SUIVI DES INCLUSIONS"),
    ),
    (
        "regulatory-opinion",
        ("AVIS CPP", "COMITE DE PROTECTION DES PERSONNES", "AUTORISATION ANSM", "AVIS DU CPP"),
    ),
    ("funding-agreement", ("CONVENTION",)),
    ("registry-record", ("CLINICALTRIALS GOV", "ENREGISTREMENT AU REGISTRE", "REGISTRE D ESSAIS")),
    ("publication", ("PUBLICATION", "DOI", "ABSTRACT", "ARTICLE")),
    ("correspondence", ("COURRIER", "LETTRE", "MADAME MONSIEUR")),
]
_PATTERNS = [
    (code, [(clue, re.compile(r"\b" + re.escape(clue) + r"\b")) for clue in clues]) for code, clues in RULES
]
NAME_WEIGHT, TEXT_WEIGHT = 3, 1


def classify(file_name: str, text: str) -> tuple[str | None, str]:
    """(evidence type code or None, French reason naming the clue)."""
    name = normalise_name(file_name.rsplit(".", 1)[0])  # folders count: "Conventions/…"
    head = normalise_name(text[:HEAD])
    best: tuple[int, int, str, str] | None = None
    for rank, (code, patterns) in enumerate(_PATTERNS):
        score, clue = 0, ""
        for words, pattern in patterns:
            if pattern.search(name):
                if score < NAME_WEIGHT:
                    score, clue = NAME_WEIGHT, words
            elif score == 0 and pattern.search(head):
                score, clue = TEXT_WEIGHT, words
        if score and (best is None or (score, -rank) > (best[0], -best[1])):
            best = (score, rank, code, clue)
    if best is None:
        return None, ""
    where = "nom du fichier" if best[0] == NAME_WEIGHT else "texte"
    return best[2], f"« {best[3].lower()} » ({where})"
