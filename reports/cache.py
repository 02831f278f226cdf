"""Freshness without recomputation, across every worker process.

Figures live in the shared `figures` cache alias (its own table with the database cache, its own
size and eviction: see `CACHES` in `sirano/settings.py`) under a key made of the indicator, its
filters, its date, the portfolio's data version (`workflows.data_version`), which moves after
every committed write, and the code version: a release that fixes an indicator, or a library
upgrade (pickled DataFrames), starts a fresh key space. Entries expire after the alias's timeout,
so keys of older versions age out instead of waiting to be culled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import caches

from workflows.data_version import bump_data_version, bump_on_commit, code_version, data_version

__all__ = ["ALIAS", "bump_data_version", "bump_on_commit", "cached", "data_version", "make_key"]

#: the cache alias of the figures (`CACHES` in settings)
ALIAS = "figures"


def make_key(kind: str, *parts) -> str:
    raw = "|".join(str(p) for p in (kind, *parts, data_version(), code_version()))
    return f"reports:{kind}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def cached(kind: str, parts: tuple, build: Callable):
    """The cached value for (kind, parts, data and code versions), built once when missing."""
    key = make_key(kind, *parts)
    figures = caches[ALIAS]
    value = figures.get(key)
    if value is None:
        value = build()
        figures.set(key, value)  # the alias's timeout
    return value
