"""Freshness without recomputation, across every worker process.

Figures live in the shared Django cache (the database cache by default, Redis when configured:
see `CACHES` in `sirano/settings.py`) under a key made of the indicator, its filters, its date
and the portfolio's data version (`workflows.data_version`), which moves after every committed
write; so the next view in any process recomputes once and every later view reads the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache

from workflows.data_version import bump_data_version, bump_on_commit, data_version

__all__ = ["bump_data_version", "bump_on_commit", "cached", "data_version", "make_key"]


def make_key(kind: str, *parts) -> str:
    raw = "|".join(str(p) for p in (kind, *parts, data_version()))
    return f"reports:{kind}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def cached(kind: str, parts: tuple, build: Callable):
    """The cached value for (kind, parts, data version), built once when missing."""
    key = make_key(kind, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=None)
    return value
