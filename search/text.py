"""The one text pipeline of the project search: folding, French plural/feminine reduction, stemming.

Documents and queries both go through it, on every database, so "Étude", "etude" and "ÉTUDES"
reduce to the same lexeme. The reduced words are what PostgreSQL's `sirano_french` configuration
(unaccent + french_stem) and SQLite's FTS5 table index; `stem` is Snowball's French stemmer, the
algorithm behind PostgreSQL's `french_stem`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer

_TOKEN = re.compile(r"[a-z0-9]+")
_ALNUM = re.compile(r"[^a-z0-9]+")

# PostgreSQL's french.stop as it applies to folded words (its accented entries never match one).
_STOPWORD_TEXT = (
    "au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me mes moi mon ne "
    "nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos "
    "votre vous c d j l m n s t y suis es est sommes sont serai seras sera serons serez seront serais "
    "serait serions seriez seraient fus fut furent sois soit soyons soyez soient fusse fusses fussions "
    "fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura "
    "aurons aurez auront aurais aurait aurions auriez auraient avais avait avions aviez avaient eut "
    "eurent aie aies ait ayons ayez aient eusse eusses eussions eussiez eussent"
)
#: PostgreSQL's french.stop as it applies to folded words
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

#: Words this long or longer tolerate one typo (insertion, deletion, substitution, transposition).
TYPO_MIN_LENGTH = 5
#: longer "words" are codes or noise: no typo variants (they would only bloat the look-up)
TYPO_MAX_LENGTH = 30

_stemmer = snowballstemmer.stemmer("french")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


#: Latin letters (Latin-1 to Latin Extended-B) whose accent-free form is ASCII: one `translate`
#: folds most French text, instead of a decomposition walked character by character.
_LATIN_FOLD = {
    code: plain
    for code in range(0x80, 0x250)
    if (plain := _strip_accents(chr(code))).isascii() and plain != chr(code)
}


def fold(text: str) -> str:
    """Lower-case, accent-free, every run of punctuation a single space."""
    plain = (text or "").lower()
    if not plain.isascii():
        plain = plain.translate(_LATIN_FOLD)
        if not plain.isascii():
            plain = _strip_accents(plain)
    return _ALNUM.sub(" ", plain.replace("œ", "oe").replace("æ", "ae")).strip()


def compact(text: str) -> str:
    """An identifier as it is compared: folded, without any separator (`NCT 0261-1440` = `nct02611440`)."""
    return fold(text).replace(" ", "")


@functools.lru_cache(maxsize=65536)
def reduce_word(word: str) -> str:
    """Plural and feminine endings off a folded word, before stemming (Snowball alone keeps
    "cancer"/"cancers" and "essai"/"essais" apart)."""
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("aux"):
        word = word[:-3] + "al"
    elif word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("ee"):
        word = word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The lexeme of a reduced word (digits and codes are kept whole, as PostgreSQL does)."""
    return _stemmer.stemWord(word) if word.isalpha() else word


def words(text: str) -> list[str]:
    """The reduced words of a text, stop words left out."""
    return [reduce_word(token) for token in _TOKEN.findall(fold(text)) if token not in STOPWORDS]


def lexemes(reduced: str) -> str:
    """Space-separated lexemes of an already reduced text (what SQLite's FTS5 table holds)."""
    return " ".join(stem(word) for word in reduced.split())


def one_typo_variants(word: str) -> set[str]:
    """Every word one edit away (Damerau-Levenshtein): looked up in the vocabulary in one query."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    transposes = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + char + right[1:] for left, right in splits if right for char in _ALPHABET}
    inserts = {left + char + right for left, right in splits for char in _ALPHABET}
    return (deletes | transposes | replaces | inserts) - {word}


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance (substitution, insertion, deletion, transposition)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        previous2, previous = previous, current
    return previous[-1]
