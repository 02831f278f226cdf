"""Reads that many public pages repeat, kept in the process for one version of what they read.

- `under_content_version`: editorial content (the site identity and its footer links, a
  programme's page). The content version moves when an editor publishes, unpublishes or moves a
  page, or saves the site identity or a site (`web.page_store.editorial_change`).
- `under_data_version`: what the whole portfolio decides (the directory's facet choices, its
  unfiltered facet counts). The data version moves after every committed write
  (`workflows.data_version`).
- `under_version`: what one version key of `workflows.data_version` covers (a group of
  neighbouring projects), under the token the page read for it (`web.page_store.depends_on`).

The next read after a version moves goes to the database again, so nothing kept here is stale;
until then a page rendered cold asks the database only for what is its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from web import page_store
from workflows.data_version import data_version

T = TypeVar("T")

#: entries kept; past it the least recently used go first (old versions' keys are never used
#: again). Dropping everything at once, as before, made the next directory page recount the whole
#: portfolio's facets (a quarter of a second at 40,000 projects) every few hundred project pages,
#: once their neighbours were kept here too.
_MAX_KEPT = 2048
_kept: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def _remembered(key: tuple, read: Callable[[], T]) -> T:
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]  # type: ignore[return-value]
    value = read()
    with _lock:
        _kept[key] = value
        while len(_kept) > _MAX_KEPT:
            _kept.popitem(last=False)
    return value


def under_content_version(what: str, parts: tuple[Hashable, ...], read: Callable[[], T]) -> T:
    """`read()`'s value for `what` and `parts` under the current content version."""
    return _remembered(("content", page_store.content_version(), what, parts), read)


def under_data_version(what: str, parts: tuple[Hashable, ...], read: Callable[[], T]) -> T:
    """`read()`'s value for `what` and `parts` under the current data version."""
    return _remembered(("data", data_version(), what, parts), read)


def under_version(what: str, parts: tuple[Hashable, ...], token: str, read: Callable[[], T]) -> T:
    """`read()`'s value for `what` and `parts` under `token`, the current token of the version
    key that covers what `read` reads."""
    return _remembered(("version", token, what, parts), read)
