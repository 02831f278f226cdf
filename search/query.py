"""Project search: one parser and one matcher for the directory, the API, the portal and the admin.

A query is split into words; each word (or identifier) is reduced like the documents
(`search.text`); a word unknown to the vocabulary also matches as a prefix and, from
5 letters on, as the vocabulary words one typo away; every word must match. PostgreSQL matches with
`tsquery` against the GIN-indexed `tsvector` of each document; SQLite with FTS5. Relevance
puts an exact identifier or acronym first, then projects matched in their acronym/identifiers
alone, then in acronym + title, then the rest, each tier ordered by `ts_rank` / `bm25`.
"""

# Raw SQL below interpolates only module constants (table names); every value is a parameter.
# ruff: noqa: S608, S611

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL

from search.index import FTS_TABLE
from search.text import (
    TYPO_MAX_LENGTH,
    TYPO_MIN_LENGTH,
    compact,
    edit_distance,
    fold,
    one_typo_variants,
    stem,
    words,
)
from workflows.models import ProjectSearchDocument, SearchTerm

MAX_WORDS = 8
#: how many vocabulary words one mistyped word may stand for
MAX_CORRECTIONS = 4
RELEVANCE = "search_relevance"
_DOCUMENTS = ProjectSearchDocument._meta.db_table
_TERMS = SearchTerm._meta.db_table

#: an unknown word this long or longer also matches as the beginning of a word (see below)
PREFIX_MIN_LENGTH = 3
PREFIX = "*"

Alternative = tuple[str, ...]  # reduced words that must all match; "word*" is a prefix


# A prefix completes identifiers, acronyms and title words only (weights A and B): "alp" finds
# ALPHA, not every project of Auvergne-Rhône-Alpes.
def _tsquery_word(word: str) -> str:
    return f"{word[:-1]}:*AB" if word.endswith(PREFIX) else word


def _fts5_word(word: str) -> str:
    if word.endswith(PREFIX):
        return f'{{identifiers acronym title}} : "{stem(word[:-1])}"*'
    return f'"{stem(word)}"'


@dataclass(frozen=True)
class ParsedQuery:
    """What the user typed, as groups of alternatives: every group must match one alternative."""

    text: str
    key: str
    groups: tuple[tuple[Alternative, ...], ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def tsquery(self) -> str:
        return " & ".join(
            "(" + " | ".join("(" + " & ".join(map(_tsquery_word, alt)) + ")" for alt in group) + ")"
            for group in self.groups
        )

    def fts5(self) -> str:
        return " AND ".join(
            "(" + " OR ".join("(" + " AND ".join(map(_fts5_word, alt)) + ")" for alt in group) + ")"
            for group in self.groups
        )


def _chunks(text: str) -> list[tuple[str, list[str]]]:
    """(compact identifier or "", reduced words) for each whitespace-separated chunk."""
    result = []
    for chunk in (text or "").split()[:MAX_WORDS]:
        folded = fold(chunk)
        key = folded.replace(" ", "")
        identifier = key if " " in folded and any(c.isdigit() for c in key) else ""
        result.append((identifier, words(chunk)))
    return result


def _typo_length(word: str) -> bool:
    return TYPO_MIN_LENGTH <= len(word) <= TYPO_MAX_LENGTH


def _vocabulary_matches(checked: list[str]) -> dict[str, list[tuple[str, int]]]:
    """For each word: itself if the vocabulary knows it, and, from 5 letters on, the vocabulary
    words one typo away; with their document counts, in one query.

    PostgreSQL narrows the vocabulary with trigram similarity (`%`, GIN `gin_trgm_ops`);
    elsewhere every one-edit variant is looked up by equality. Both keep distance <= 1 only.
    """
    if not checked:
        return {}
    found: dict[str, list[tuple[str, int]]] = {word: [] for word in checked}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT q.word, t.word, t.documents FROM unnest(%s::text[]) AS q(word) "
                f"JOIN {_TERMS} t ON t.word = q.word "
                f"UNION SELECT q.word, t.word, t.documents FROM unnest(%s::text[]) AS q(word) "
                f"JOIN {_TERMS} t ON t.word %% q.word "
                f"AND length(t.word) BETWEEN length(q.word) - 1 AND length(q.word) + 1",
                [checked, [word for word in checked if _typo_length(word)]],
            )
            rows = cursor.fetchall()
    else:
        variants = set(checked).union(*(one_typo_variants(word) for word in checked if _typo_length(word)))
        terms = list(SearchTerm.objects.filter(word__in=variants).values_list("word", "documents"))
        rows = [(word, term, count) for word in checked for term, count in terms]
    for word, term, count in rows:
        if term == word or (_typo_length(word) and edit_distance(word, term) == 1):
            found[word].append((term, count))
    return found


def parse(text: str) -> ParsedQuery:
    """The query as groups of alternatives; one query to the vocabulary for the words it checks.

    A word the vocabulary does not know also matches as a prefix (a truncated word, "gamm" for
    "GAMMA") and, from 5 letters on, as the known words one typo away.
    """
    chunks = _chunks(text)
    checked = sorted(
        {
            word
            for identifier, reduced in chunks
            if not identifier and len(reduced) == 1
            for word in reduced
            if word.isalpha() and len(word) >= PREFIX_MIN_LENGTH
        }
    )
    matches = _vocabulary_matches(checked)
    groups = []
    for identifier, reduced in chunks:
        alternatives: list[Alternative] = []
        if identifier:
            alternatives.append((identifier,))
        if reduced:
            alternatives.append(tuple(reduced))
        if len(reduced) == 1 and reduced[0] in matches:
            word = reduced[0]
            if word not in {term for term, _count in matches[word]}:
                alternatives.append((word + PREFIX,))
                best = sorted(matches[word], key=lambda item: (-item[1], item[0]))[:MAX_CORRECTIONS]
                alternatives += [(term,) for term, _count in best]
        if alternatives:
            groups.append(tuple(dict.fromkeys(alternatives)))
    return ParsedQuery(text=text, key=compact(text)[:100], groups=tuple(groups))


def _postgres(parsed: ParsedQuery) -> tuple[RawSQL, RawSQL]:
    tsquery = parsed.tsquery()
    matching = RawSQL(
        f"SELECT project_id FROM {_DOCUMENTS} WHERE vector @@ to_tsquery('sirano_french', %s)",
        [tsquery],
    )
    relevance = RawSQL(
        "(SELECT (CASE WHEN d.acronym_key = %s OR d.identifier_keys LIKE %s THEN 3"
        " WHEN ts_filter(d.vector, '{a}') @@ q THEN 2"
        " WHEN ts_filter(d.vector, '{a,b}') @@ q THEN 1 ELSE 0 END) * 1000000"
        " + CAST(ts_rank(d.vector, q, 32) * 999999 AS integer)"
        f" FROM {_DOCUMENTS} d, to_tsquery('sirano_french', %s) q"
        ' WHERE d.project_id = "workflows_project"."id")',
        [parsed.key, f"% {parsed.key} %", tsquery],
        output_field=IntegerField(),
    )
    return matching, relevance


def _sqlite(parsed: ParsedQuery) -> tuple[RawSQL, RawSQL]:
    """FTS5: the relevance of every matching project is computed once per query, in a table
    SQLite materialises and indexes (`r`), then read per row. Asked per row, as before, it ran
    three full-text queries for each match: 0.9 s for a common word at 4,000 projects."""
    match = parsed.fts5()
    matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
    matches = f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
    relevance = RawSQL(
        "(WITH r AS MATERIALIZED (SELECT m.rowid AS project_id,"
        " (CASE WHEN d.acronym_key = %s OR d.identifier_keys LIKE %s THEN 3"
        f" WHEN m.rowid IN {matches} THEN 2 WHEN m.rowid IN {matches} THEN 1 ELSE 0 END) * 1000000"
        " + CAST(m.score / (m.score + 1) * 999999 AS integer) AS relevance"
        f" FROM (SELECT rowid, -bm25({FTS_TABLE}, 5.0, 5.0, 2.0, 1.0) AS score"
        f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) m"
        f" JOIN {_DOCUMENTS} d ON d.project_id = m.rowid)"
        ' SELECT relevance FROM r WHERE r.project_id = "workflows_project"."id")',
        [
            parsed.key,
            f"% {parsed.key} %",
            f"{{identifiers acronym}} : ({match})",
            f"{{identifiers acronym title}} : ({match})",
            match,
        ],
        output_field=IntegerField(),
    )
    return matching, relevance


def search_projects(queryset: QuerySet, text: str) -> QuerySet:
    """Projects of `queryset` matching `text`, with the alias `search_relevance` to order by."""
    parsed = parse(text)
    if not parsed:
        return queryset.alias(**{RELEVANCE: Value(0, output_field=IntegerField())})
    matching, relevance = _postgres(parsed) if connection.vendor == "postgresql" else _sqlite(parsed)
    return queryset.filter(pk__in=matching).alias(**{RELEVANCE: relevance})


@dataclass(frozen=True)
class Suggestion:
    """What to offer when a search finds nothing: a corrected query and the nearest known terms."""

    corrected: str = ""
    terms: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.corrected or self.terms)


def _nearest_terms(word: str, limit: int) -> list[str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT word FROM {_TERMS} WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, documents DESC, word LIMIT %s",
                [word, word, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    # SQLite demo: the words sharing the first letter, ranked like trigram similarity would.
    pool = SearchTerm.objects.filter(word__startswith=word[0]).values_list("word", "documents")
    scored = sorted(
        ((difflib.SequenceMatcher(None, word, term).ratio(), count, term) for term, count in pool),
        key=lambda item: (-item[0], -item[1], item[2]),
    )
    return [term for ratio, _count, term in scored[:limit] if ratio >= 0.6]


def suggest(text: str, *, limit: int = 6) -> Suggestion:
    """For an empty result: each unknown word replaced by its nearest known term, and those terms."""
    replaced = []
    terms: list[str] = []
    changed = False
    for chunk in (text or "").split()[:MAX_WORDS]:
        reduced = words(chunk)
        if len(reduced) != 1 or not reduced[0].isalpha() or len(reduced[0]) < 4:
            replaced.append(chunk)
            continue
        word = reduced[0]
        if SearchTerm.objects.filter(word=word).exists():
            replaced.append(chunk)
            continue
        nearest = _nearest_terms(word, limit)
        terms += [term for term in nearest if term not in terms]
        if nearest:
            replaced.append(nearest[0])
            changed = True
        else:
            replaced.append(chunk)
    return Suggestion(corrected=" ".join(replaced) if changed else "", terms=tuple(terms[:limit]))
