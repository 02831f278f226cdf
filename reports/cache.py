"""Freshness without recomputation: figures live in the Django cache under a key made of the
indicator, filters, date and a data version; any change to the underlying records bumps the
version (signals in `reports.signals`), so the next view recomputes once and every later view
reads the cache.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import cache

VERSION_KEY = "reports:data-version"
_SNAPSHOTS: OrderedDict = OrderedDict()
_SNAPSHOT_SLOTS = 4


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def bump_data_version(**_kwargs) -> None:
    """Signal receiver (and public helper after bulk loads): every cached figure becomes stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)
    _SNAPSHOTS.clear()


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


def memo_snapshot(parts: tuple, build: Callable):
    """In-process memo of the last few snapshots: all indicators of one view share one build."""
    key = (*parts, data_version())
    if key in _SNAPSHOTS:
        _SNAPSHOTS.move_to_end(key)
        return _SNAPSHOTS[key]
    value = build()
    _SNAPSHOTS[key] = value
    while len(_SNAPSHOTS) > _SNAPSHOT_SLOTS:
        _SNAPSHOTS.popitem(last=False)
    return value
