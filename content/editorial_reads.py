"""Reads of editorial content that every public page repeats (the site identity and its footer
links, a programme's page), kept in the process for one content version.

The content version moves when an editor publishes, unpublishes or moves a page, or saves the
site identity or a site (`web.page_store.editorial_change`): the next read after it goes to the
database again. Until then a project page, rendered cold, asks the database for its own rows only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from web import page_store

T = TypeVar("T")

#: (content version, what, parts) -> value; emptied when it holds this many (old versions' keys)
_MAX_KEPT = 512
_kept: dict[tuple, object] = {}
_lock = threading.Lock()


def remembered(what: str, parts: tuple[Hashable, ...], read: Callable[[], T]) -> T:
    """`read()`'s value for `what` and `parts` under the current content version."""
    key = (page_store.current_content_version(), what, parts)
    try:
        return _kept[key]  # type: ignore[return-value]
    except KeyError:
        pass
    value = read()
    with _lock:
        if len(_kept) >= _MAX_KEPT:
            _kept.clear()
        _kept[key] = value
    return value
