"""The portfolio's data version: a token in the shared cache that moves after every committed write.

Whatever is cached from the portfolio (the reports' figures, the public key figures) is keyed by
this version (see `reports.cache`), so a write shows in every worker process on its next view.

- Bump after commit: a bump inside the transaction would let another process read the new
  version before the data is visible, compute the old figures and cache them under the new
  version until the next write.
- Who bumps: every service writes an audit record, and saving or deleting the watched models
  bumps through `reports.signals`; bulk writers that send no signal (`bulk_create`, `.update()`,
  COPY: imports, demo seeding) call `bump_on_commit()` themselves.
- The version is a random token, not a counter: if the cache evicts or loses it, the new token
  never matches what was cached under an older one.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "reports:data-version"


def _new_token() -> str:
    return secrets.token_hex(8)


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_token(), timeout=None)
        version = cache.get(VERSION_KEY)
    return str(version)


def bump_data_version() -> None:
    """Everything cached from the portfolio becomes stale now (prefer `bump_on_commit` in a write)."""
    cache.set(VERSION_KEY, _new_token(), timeout=None)


def _bump_is_pending(connection) -> bool:
    return any(func is bump_data_version for _sids, func, _robust in connection.run_on_commit)


def bump_on_commit(using: str | None = None) -> None:
    """Move the version once the current transaction commits (at once in autocommit).

    One bump per transaction however many rows it writes; a rolled-back transaction bumps nothing.
    `robust`: a cache outage after commit is logged, never turned into an error for a saved write.
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and _bump_is_pending(connection):
        return
    transaction.on_commit(bump_data_version, using=using, robust=True)
