"""Text normalisation shared by matching (establishments, investigators, disciplines)."""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.lru_cache(maxsize=65536)
def normalise_name(value: str) -> str:
    """Upper-case, accent-free, punctuation folded to single spaces.

    Cached: an import compares the same investigators, establishments, disciplines and tranche
    words row after row (a pure function of an immutable string; 64k entries stay a few MiB).
    """
    return _NON_ALNUM.sub(" ", strip_accents(value or "").upper()).strip()
