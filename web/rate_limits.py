"""Fixed-window counters in the cache, for limits that are not the API's (DRF has its own).

`allow(key, limit, period)` counts one hit and says whether it is within the limit; the window
starts with the first hit. Counters live in the default cache (shared between processes when
`CACHE_DIR` is set).
"""

from __future__ import annotations

from django.core.cache import cache


def allow(key: str, *, limit: int, period: int) -> bool:
    """Count one hit on `key`; False once more than `limit` hits fell in the current window."""
    cache_key = f"rate-limit:{key}"
    if cache.add(cache_key, 1, timeout=period):
        return limit >= 1
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period)
        hits = 1
    return hits <= limit
