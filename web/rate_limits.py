"""Fixed-window counters in the cache, for limits that are not the API's (DRF has its own).

`allow(key, limit, period)` counts one hit and says whether it is within the limit. Windows are
aligned on the clock (`<key>:<window start>`), so a limit lifts at the end of its window on every
backend even where `incr` re-saves the counter with the cache's default timeout (database and
file caches); each hit then sets the counter's expiry back to the window's end so rows go away.
Counters live in their own `counters` cache alias: a flood of public pages culling the shared
cache can neither reset a limit nor be slowed by it.
"""

from __future__ import annotations

import time

from django.core.cache import caches

ALIAS = "counters"


def allow(key: str, *, limit: int, period: int) -> bool:
    """Count one hit on `key`; False once more than `limit` hits fell in the current window."""
    counters = caches[ALIAS]
    now = time.time()
    window_start = int(now // period * period)
    remaining = max(int(window_start + period - now) + 1, 1)
    cache_key = f"rate-limit:{key}:{window_start}"
    counters.add(cache_key, 0, timeout=remaining)
    try:
        hits = counters.incr(cache_key)
    except ValueError:  # expired between add and incr: this hit opens the count
        counters.add(cache_key, 1, timeout=remaining)
        hits = 1
    counters.touch(cache_key, timeout=remaining)
    return hits <= limit
