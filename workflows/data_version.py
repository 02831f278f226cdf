"""The portfolio's data version: a token in the shared cache that moves after every committed write.

Whatever is cached from the portfolio (the reports' figures, the public pages, the exports) is
keyed by this version, so a write shows in every worker process on its next view.

- Who bumps: the domain, at the level every write goes through. A cursor wrapper installed on
  every database connection (`watch_connection`) sees each `INSERT`/`UPDATE`/`DELETE`/`TRUNCATE`
  sent to a table of the domain core (model saves and deletes, many-to-many links,
  `bulk_create`, `bulk_update`, `.update()`, raw SQL) and bumps once it commits; `COPY`, which
  psycopg sends outside any cursor wrapper, bumps in `dbtools.bulk`. No list of watched models
  to keep up to date: a new model is watched from its first write.
- Bump after commit: a bump inside the transaction would let another process read the new
  version before the data is visible, compute the old figures and cache them under the new
  version until the next write. A statement that matched no row bumps nothing.
- Writes no cached surface shows (the audit records of report jobs) run inside `unseen_writes()`.
- The version is a random token, not a counter: if the cache evicts or loses it, the new token
  never matches what was cached under an older one.

`code_version()` is the other half of a cache key: what computed the answer. A deploy (new code,
templates or `RELEASE_ID`) or a library upgrade (pickled DataFrames, rendered figures) starts a
fresh key space, and the old keys age out with their timeout.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import secrets
from contextvars import ContextVar
from importlib import metadata
from pathlib import Path

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "reports:data-version"
#: the project's packages whose code and templates make what is cached
SOURCE_PACKAGES = (
    "agents",
    "content",
    "fileformats",
    "formatting",
    "opendata",
    "portal",
    "reports",
    "sirano",
    "web",
    "workflows",
)
#: libraries whose upgrade changes what is cached (pickles of DataFrames, charts, HTML)
LIBRARIES = ("django", "wagtail", "djangorestframework", "pandas", "numpy", "matplotlib")

#: the table a write statement names (Django quotes it; raw SQL may not)
_WRITTEN_TABLE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|MERGE\s+INTO|COPY)"
    r"\s+(?:ONLY\s+)?[\"`]?(\w+)[\"`]?",
    re.IGNORECASE,
)
_unseen: ContextVar[bool] = ContextVar("unseen_writes", default=False)


def _new_token() -> str:
    return secrets.token_hex(8)


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_token(), timeout=None)
        version = cache.get(VERSION_KEY)
    return str(version)


@functools.cache
def code_version() -> str:
    """The release: `RELEASE_ID` (set by the platform at deploy), the libraries' versions and a
    digest of the project's code and templates, computed once per process."""
    digest = hashlib.sha256(os.environ.get("RELEASE_ID", "").encode())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}-;".encode())
    root = Path(__file__).resolve().parent.parent
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".json") and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


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
    if connection.in_atomic_block:
        if not _bump_is_pending(connection):
            transaction.on_commit(bump_data_version, using=using, robust=True)
    elif connection.get_autocommit():
        transaction.on_commit(bump_data_version, using=using, robust=True)
    else:  # manual transaction management (no on-commit hook): bump now rather than never
        bump_data_version()


@functools.cache
def domain_tables() -> frozenset[str]:
    """The tables of the domain core (`workflows`), many-to-many link tables included."""
    from django.apps import apps

    models = apps.get_app_config("workflows").get_models(include_auto_created=True)
    return frozenset(model._meta.db_table.lower() for model in models if not model._meta.proxy)


def writes_domain(sql) -> bool:
    """Whether a statement writes a table of the domain core (reads return at the first word)."""
    text = sql if isinstance(sql, str) else str(sql)
    if text.lstrip()[:6].upper() == "SELECT":
        return False
    tables = domain_tables()
    return any(name.lower() in tables for name in _WRITTEN_TABLE.findall(text))


@contextlib.contextmanager
def unseen_writes():
    """Writes inside change nothing a cached surface shows (a report job's audit record)."""
    token = _unseen.set(True)
    try:
        yield
    finally:
        _unseen.reset(token)


def _matched_no_row(sql, cursor) -> bool:
    """An UPDATE or DELETE that matched nothing. Not said of an INSERT: with `RETURNING`, SQLite
    counts its rows only as they are fetched, after this wrapper returns."""
    text = sql if isinstance(sql, str) else str(sql)
    return cursor.rowcount == 0 and text.lstrip()[:6].upper() != "INSERT"


def _bump_after_domain_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not _unseen.get() and writes_domain(sql) and not _matched_no_row(sql, context["cursor"]):
        bump_on_commit(using=context["connection"].alias)
    return result


def bump_after_copy(sender=None, using: str | None = None, **_kwargs) -> None:
    """`dbtools.bulk.rows_copied` receiver: rows written with `COPY` move the version on commit too."""
    bump_on_commit(using=using)


def watch_connection(sender=None, connection=None, **_kwargs) -> None:
    """`connection_created` receiver: every connection, in every thread, reports its writes.

    Installed first in the list, so `connection.execute_wrapper()` blocks (which pop the last
    one) never remove it.
    """
    if _bump_after_domain_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _bump_after_domain_writes)
