"""French contractions and elisions for generated demo text: templates are written with plain
articles ("de {x}" where x is "les patients") and `contract` makes them grammatical
("des patients", "d'un algorithme", "au domicile")."""

from __future__ import annotations

import re

#: preposition + definite article -> contracted form (French grammar, not style)
_CONTRACTIONS = (
    (re.compile(r"\b([Dd])e les\b"), r"\1es"),
    (re.compile(r"\b([Dd])e le\b"), r"\1u"),
    (re.compile(r"\b([Àà]) les\b"), lambda m: "Aux" if m.group(1) == "À" else "aux"),
    (re.compile(r"\b([Àà]) le\b"), lambda m: "Au" if m.group(1) == "À" else "au"),
)
#: words that elide before a vowel or a mute h: de, le, la, que, ne, je, me, te, se
_ELISION = re.compile(
    r"\b(?:([DdLlQqNnJjMmTtSs]|[Qq]u)e|([Ll])a) (?=[aeiouyhâàéèêëîïôûùœAEIOUYHÂÀÉÈÊËÎÏÔÛÙŒ])"
)
#: words starting with an aspirated h, which take no elision ("le handicap", "de la hanche")
_ASPIRATED_H = ("handicap", "hanche", "hernie", "hauteur", "haut", "hasard", "hâte")


def _elide(match: re.Match) -> str:
    following = match.string[match.end() :].lower()
    if following.startswith(_ASPIRATED_H):
        return match.group(0)
    return f"{match.group(1) or match.group(2)}'"


def contract(text: str) -> str:
    """'Intérêt de un algorithme pour les complications de les patients à le domicile' ->
    "Intérêt d'un algorithme pour les complications des patients au domicile"."""
    text = _ELISION.sub(_elide, text)  # first, so "de le hôpital" becomes "de l'hôpital", not "du"
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return text


def fill(template: str, **words: str) -> str:
    """A template filled with noun phrases, then contracted and elided."""
    return contract(template.format(**words))
