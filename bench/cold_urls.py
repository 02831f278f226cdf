"""The cold workload of `bench/vs_datasette.py --cold`: distinct URLs generated from the data with
a seed, each as a pair (SIRANo, Datasette) asking the same question.

Classes: random project pages (against Datasette's row pages); the directory and the API
filtered by combinations of programme, year, region and establishment type (year only among
them); 1,000-row API pages with filters; deep API pages (pages 5 to 60 of 50 rows) over every
sort key, both directions, reached by following the `next` links before the measure; searches
from title words as written, without accents, with a typo, and the most common words.
"""

from __future__ import annotations

import collections
import random
import re
import sqlite3
import unicodedata
import urllib.parse
from pathlib import Path

import requests

#: share of the workload per class
SHARES = {
    "project page vs row page": 0.15,
    "deep API page (5-60 x 50), every sort key": 0.12,
    "directory, filters": 0.13,
    "directory, year only": 0.05,
    "API, filters": 0.14,
    "API page_size=1000, filters": 0.08,
    "directory search": 0.12,
    "directory search, common words": 0.06,
    "API search": 0.15,
}
#: API sort key -> Datasette column (SIRANo's `selected_on` has no column in the file: the year)
SORTS = {
    "public_id": "rowid",
    "year": "annee_de_selection",
    "award_amount": "financement_total",
    "selected_on": "annee_de_selection",
    "acronym": "acronyme",
}
DEEP_SIZE = 50
DEEP_PAGES = range(5, 61)
#: filter combinations: (programme, year, region, establishment type)
COMBINATIONS = (
    ("programme",),
    ("programme", "year"),
    ("region",),
    ("region", "year"),
    ("programme", "region"),
    ("programme", "year", "region"),
    ("type", "year"),
    ("programme", "type"),
)
DIRECTORY_NAMES = {"programme": "programme", "year": "annee", "region": "region", "type": "type"}
API_NAMES = {"programme": "programme", "year": "year", "region": "region", "type": "establishment_type"}
FILE_NAMES = {
    "programme": "appel_a_projets",
    "year": "annee_de_selection",
    "region": "region",
    "type": "type_etablissement",
}
_WORD = re.compile(r"[^\W\d_]{5,}")


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def _typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:at] + word[at + 1 :]  # a letter left out
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]  # two letters swapped


def _sirano_facts(sirano: str, session: requests.Session) -> tuple[list[str], dict[str, str], set[str]]:
    """Every public id, the region labels' codes and the programme codes, from the API."""
    ids, regions, programmes = [], {}, set()
    url = f"{sirano}/api/v1/projects/?page_size=1000&fields=programme,region"
    while url:
        body = session.get(url, timeout=600).json()
        for row in body["results"]:
            ids.append(row["public_id"])
            regions[row["region"]["label"]] = row["region"]["code"]
            programmes.add(row["programme"])
        url = body.get("next")
    return ids, regions, programmes


def _walk(session: requests.Session, url: str, next_of, pages: range) -> dict[int, str]:
    """The URLs of pages `pages` (1-based), found by following the next links from `url`."""
    found = {}
    for page in range(1, pages.stop):
        if page in pages:
            found[page] = url
        following = next_of(session.get(url, timeout=600).json())
        if not following:
            break
        url = following
    return found


def workload(
    sirano: str, datasette: str, db_path: Path, session: requests.Session, rng: random.Random, size: int
) -> list[tuple[str, str, str]]:
    """`size` (class, SIRANo URL, Datasette URL), distinct SIRANo URLs, in a random order."""
    table = f"{datasette}/projets/projets"
    db = sqlite3.connect(db_path)
    rows = db.execute(
        "SELECT rowid, appel_a_projets, annee_de_selection, region, type_etablissement, titre FROM projets"
    ).fetchall()
    db.close()
    ids, region_codes, programmes = _sirano_facts(sirano, session)
    values = {
        "programme": sorted({r[1] for r in rows} & programmes),
        "year": sorted({r[2] for r in rows}),
        "region": sorted({r[3] for r in rows} & set(region_codes)),
        "type": sorted({r[4] for r in rows}),
    }
    words = collections.Counter(w.lower() for r in rows for w in _WORD.findall(r[5]))
    common = [w for w, _n in words.most_common(40)]
    vocabulary = sorted(words)
    wanted = {label: max(1, round(share * size)) for label, share in SHARES.items()}
    chosen: dict[str, tuple[str, str, str]] = {}

    def add(label: str, ours: str, theirs: str) -> None:
        if ours not in chosen:
            chosen[ours] = (label, ours, theirs)

    def count(label: str) -> int:
        return sum(1 for item in chosen.values() if item[0] == label)

    def fill(label: str, make) -> None:
        for _attempt in range(wanted[label] * 20):
            if count(label) >= wanted[label]:
                return
            add(label, *make())

    def filters(names: tuple[str, ...]) -> tuple[dict, dict, dict]:
        picked = {name: rng.choice(values[name]) for name in names}
        directory = {DIRECTORY_NAMES[n]: region_codes[v] if n == "region" else v for n, v in picked.items()}
        api = {API_NAMES[n]: region_codes[v] if n == "region" else v for n, v in picked.items()}
        peer = {FILE_NAMES[n]: v for n, v in picked.items()}
        return directory, api, peer

    def q(params: dict) -> str:
        return urllib.parse.urlencode(params)

    fill(
        "project page vs row page",
        lambda: (f"{sirano}/projets/{rng.choice(ids)}/", f"{table}/{rng.choice(rows)[0]}"),
    )

    def directory_filtered(names=None):
        directory, _api, peer = filters(names or rng.choice(COMBINATIONS))
        return f"{sirano}/projets/?{q(directory)}", f"{table}?{q(peer)}"

    fill("directory, filters", directory_filtered)
    fill("directory, year only", lambda: directory_filtered(("year",)))

    def api_filtered():
        _directory, api, peer = filters(rng.choice(COMBINATIONS))
        return f"{sirano}/api/v1/projects/?{q(api)}", f"{table}.json?{q({**peer, '_size': 100})}"

    fill("API, filters", api_filtered)

    def big_page():
        _directory, api, peer = filters(
            rng.choice((("year",), ("programme",), ("programme", "year"), ("region",)))
        )
        return (
            f"{sirano}/api/v1/projects/?{q({**api, 'page_size': 1000})}",
            f"{table}.json?{q({**peer, '_size': 1000})}",
        )

    fill("API page_size=1000, filters", big_page)

    def search_word() -> str:
        word = rng.choice(vocabulary)
        variant = rng.random()
        if variant < 0.4:
            return word
        if variant < 0.7:
            return _plain(word)
        return _typo(word, rng)

    fill(
        "directory search",
        lambda: (lambda w: (f"{sirano}/projets/?{q({'q': w})}", f"{table}?{q({'_search': w})}"))(
            search_word()
        ),
    )
    fill(
        "directory search, common words",
        lambda: (lambda w: (f"{sirano}/projets/?{q({'q': w})}", f"{table}?{q({'_search': w})}"))(
            rng.choice(common) if rng.random() < 0.6 else _plain(rng.choice(common))
        ),
    )
    fill(
        "API search",
        lambda: (
            lambda w: (f"{sirano}/api/v1/projects/?{q({'search': w})}", f"{table}.json?{q({'_search': w})}")
        )(search_word()),
    )

    label = "deep API page (5-60 x 50), every sort key"
    per_key = max(1, wanted[label] // (2 * len(SORTS)))
    for key, column in SORTS.items():
        for descending in (False, True):
            ordering = f"-{key}" if descending else key
            ours = _walk(
                session,
                f"{sirano}/api/v1/projects/?{q({'ordering': ordering, 'page_size': DEEP_SIZE})}",
                lambda body: body.get("next"),
                DEEP_PAGES,
            )
            sort = {"_sort_desc" if descending else "_sort": column, "_size": DEEP_SIZE}
            theirs = _walk(
                session,
                f"{table}.json?{q(sort)}",
                lambda body: body.get("next_url") and urllib.parse.urljoin(datasette, body["next_url"]),
                DEEP_PAGES,
            )
            pages = sorted(set(ours) & set(theirs))
            for page in rng.sample(pages, min(per_key, len(pages))):
                add(label, ours[page], theirs[page])
    items = list(chosen.values())
    rng.shuffle(items)
    return items
