"""The portfolio's data version: a token in the shared cache that moves after every committed write.

Whatever is cached from the portfolio (the reports' figures, the public pages, the exports) is
keyed by this version, so a write shows in every worker process on its next view.

- Who bumps: the domain, at the level every write goes through. A cursor wrapper installed on
  every database connection (`watch_connection`) sees each `INSERT`/`UPDATE`/`DELETE`/`TRUNCATE`
  sent to a table of the domain core (model saves and deletes, many-to-many links,
  `bulk_create`, `bulk_update`, `.update()`, raw SQL) and bumps once it commits; `COPY`, which
  psycopg sends outside any cursor wrapper, bumps on `dbtools.bulk.rows_copied`. No list of watched models
  to keep up to date: a new model is watched from its first write.
- Bump after commit: a bump inside the transaction would let another process read the new
  version before the data is visible, compute the old figures and cache them under the new
  version until the next write. A statement that matched no row bumps nothing.
- Writes no cached surface shows (the audit records of report jobs) run inside `unseen_writes()`.
- The version is a random token, not a counter: if the cache evicts or loses it, the new token
  never matches what was cached under an older one.

Project pages have versions of their own, so that a write to one project leaves the other
projects' pages in the store (`project_page_keys`, `neighbours_key`):
- `projects:all` moves with every write the pages may show that is not attributed to projects:
  the catalogue (programmes, calls, disciplines, establishments, investigators, schedules), or a
  project-owned row written outside `writes_to_projects`. It is the safe default.
- `projects:<public id>` moves when a write inside `writes_to_projects(pk, …)` touches a table
  of the projects' own rows (`PROJECT_TABLES`); `projects:neighbours:<discipline>:<programme>`
  moves with it, for the old and the new group (a project page lists its neighbours).
- Tables no project page shows (`UNSHOWN_ON_PROJECT_PAGES`: audit log, search index, import runs,
  delegations, memberships) move only the portfolio's version.
The portfolio's version (lists, facets, figures) still moves with every write.

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

from django.core.cache import cache, caches
from django.db import transaction

VERSION_KEY = "reports:data-version"
#: every project page: the catalogue they show, or project rows written without a declared scope
PROJECT_PAGES_KEY = "projects:all"
#: the keys of the project pages' versions (this one, one per project, one per group of
#: neighbours), kept in the cache alias `PROJECT_VERSIONS_ALIAS` (`CACHES` in settings)
PROJECT_KEYS_PREFIX = "projects:"
PROJECT_VERSIONS_ALIAS = "versions"
#: models whose rows belong to one project: a write declared by `writes_to_projects` moves only
#: those projects' versions (and their neighbour groups')
PROJECT_MODELS = (
    "workflows.Project",
    "workflows.Project_registrations",
    "workflows.TrialRegistration",
    "workflows.ProjectMilestone",
    "workflows.ProjectStatusChange",
    "workflows.TrancheRequest",
    "workflows.EvidenceDocument",
)
#: models no project page shows (checked by a test against the page's queries)
UNSHOWN_ON_PROJECT_PAGES = (
    "workflows.AuditEvent",
    "workflows.ProjectSearchDocument",
    "workflows.SearchTerm",
    "workflows.ImportRun",
    "workflows.DocumentImportRun",
    "workflows.LegacyDocument",
    "workflows.Delegation",
    "workflows.EstablishmentMembership",
)
#: the project's packages whose code and templates make what is cached
SOURCE_PACKAGES = (
    "agents",
    "content",
    "dbtools",
    "fileformats",
    "formatting",
    "ingest",
    "opendata",
    "portal",
    "reports",
    "search",
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
_scope: ContextVar[_Scope | None] = ContextVar("writes_to_projects", default=None)


def _new_token() -> str:
    return secrets.token_hex(8)


#: the versions (data, content, project pages') as the current request first read them
#: (`read_once_per_request`); None outside a request (commands, jobs, tests' own code: every call reads the shared cache)
_request_versions: ContextVar[dict[str, str] | None] = ContextVar("request_versions", default=None)


@contextlib.contextmanager
def read_once_per_request():
    """Within it (a request: `web.page_store.VersionsPerRequest`), each version (`current_version`,
    `read_versions`) is read once, then kept: one round trip instead of one per reader,
    and one version for the whole answer. A move by this process inside it moves the kept one."""
    token = _request_versions.set({})
    try:
        yield
    finally:
        _request_versions.reset(token)


def remember_version(key: str, version: str) -> str:
    """`version` of `key`, read or set by this process, is now the current request's."""
    seen = _request_versions.get()
    if seen is not None:
        seen[key] = version
    return version


#: versions of the default cache a request reads together (`read_together`): a page that needs
#: one (a list's names, the data version) almost always needs the other (its shell, the content
#: version), and each read was a round trip of its own
_READ_TOGETHER: set[str] = {VERSION_KEY}


def read_together(key: str) -> None:
    """Within a request, read `key` in the same round trip as the data version."""
    _READ_TOGETHER.add(key)


def current_version(key: str) -> str:
    """The token of the version `key` in the default cache (a fresh one added if none), read at
    most once per request (with the versions read together, `read_together`)."""
    seen = _request_versions.get()
    if seen is not None and key in seen:
        return seen[key]
    if seen is not None and key in _READ_TOGETHER:
        for other, version in cache.get_many([k for k in _READ_TOGETHER if k not in seen]).items():
            if version is not None:
                remember_version(other, str(version))
        if key in seen:
            return seen[key]
    version = cache.get(key)
    if version is None:
        cache.add(key, _new_token(), timeout=None)
        version = cache.get(key)
    return remember_version(key, str(version))


def data_version() -> str:
    return current_version(VERSION_KEY)


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


def read_versions(keys: list[str]) -> dict[str, str]:
    """The current token of each version key, in one read per alias of the shared cache; a key
    never written (or evicted) gets a fresh token, added, never overwritten: a page computed
    before a concurrent bump can never be stored under the bumped token. Within a request, a key
    already read is not read again (`read_once_per_request`): a project page checked against its
    stored copy, then rendered, then told its neighbours read each version once."""
    seen = _request_versions.get() or {}
    found: dict[str, str] = {key: seen[key] for key in keys if key in seen}
    for store, wanted in _by_store([key for key in keys if key not in found]):
        got = store.get_many(wanted)
        for key in wanted:
            if got.get(key) is None:
                token = _new_token()
                got[key] = token if store.add(key, token, timeout=None) else store.get(key, token)
            found[key] = remember_version(key, str(got[key]))
    return {key: found[key] for key in keys}


def _by_store(keys) -> list[tuple[object, list[str]]]:
    """`keys` split by the alias that keeps them. Project pages' versions (one per project and
    group: as many as the portfolio) live in their own alias (`PROJECT_VERSIONS_ALIAS`): however
    many there are, a cull of theirs never removes the data or content version from the default
    alias."""
    projects = [key for key in keys if key.startswith(PROJECT_KEYS_PREFIX)]
    others = [key for key in keys if not key.startswith(PROJECT_KEYS_PREFIX)]
    return [
        (store, wanted)
        for store, wanted in ((cache, others), (caches[PROJECT_VERSIONS_ALIAS], projects))
        if wanted
    ]


def _move(keys) -> None:
    """New tokens for `keys`, each in its alias."""
    for store, wanted in _by_store(list(keys)):
        tokens = {key: _new_token() for key in wanted}
        store.set_many(tokens, timeout=None)
        for key, token in tokens.items():
            remember_version(key, token)


def project_page_keys(public_id: str) -> list[str]:
    """The versions a project's page depends on before its neighbours are known."""
    return [PROJECT_PAGES_KEY, f"projects:{public_id}"]


def neighbours_key(discipline_id: int | None, programme_id: int) -> str:
    """The version of the projects of one discipline and programme (a page's "projets proches")."""
    return f"projects:neighbours:{discipline_id or 0}:{programme_id}"


def move_every_project_page() -> None:
    """Every project page becomes stale now (an editorial change: the header, the footer and the
    programme pages they show)."""
    _move([PROJECT_PAGES_KEY])


def bump_data_version() -> None:
    """Everything cached from the portfolio becomes stale now, project pages included (prefer
    `bump_on_commit` in a write)."""
    _move([VERSION_KEY, PROJECT_PAGES_KEY])


def _project_keys(pks) -> set[str]:
    from workflows.models import Project

    keys = set()
    rows = Project.objects.filter(pk__in=pks).values_list("public_id", "discipline_id", "call__programme_id")
    for public_id, discipline, programme in rows:
        keys |= {f"projects:{public_id}", neighbours_key(discipline, programme)}
    return keys


class _Scope:
    """The projects the writes inside `writes_to_projects` touch, with their keys before them."""

    def __init__(self, pks: frozenset[int]) -> None:
        self.pks = pks
        self.keys_before = _project_keys(pks)


class _PendingBump:
    """What moves when the transaction commits: the portfolio's version always; then either every
    project page, or the touched projects' (their keys before the write and after it)."""

    def __init__(self) -> None:
        self.everything = False
        self.scopes: list[_Scope] = []
        # what Django's on_commit names when a robust hook fails (a cache outage): a plain
        # instance has none, and the log line itself would then raise out of the saved write
        self.__qualname__ = "workflows.data_version.bump_on_commit"

    def __call__(self) -> None:
        if self.everything or not self.scopes:
            if self.everything:
                bump_data_version()
            else:
                _move([VERSION_KEY])
            return
        keys = {key for scope in self.scopes for key in scope.keys_before}
        keys |= _project_keys({pk for scope in self.scopes for pk in scope.pks})
        _move([VERSION_KEY, *keys])


def _pending(connection) -> _PendingBump | None:
    for _sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _PendingBump):
            return func
    return None


def bump_on_commit(
    using: str | None = None, *, scope: _Scope | None = None, project_pages: bool = True
) -> None:
    """Move the version once the current transaction commits (at once in autocommit).

    One bump per transaction however many rows it writes; a rolled-back transaction bumps nothing.
    `robust`: a cache outage after commit is logged, never turned into an error for a saved write.
    `project_pages`: whether project pages move too: all of them, or only `scope`'s projects.
    """
    connection = transaction.get_connection(using)
    pending = _pending(connection) if connection.in_atomic_block else None
    fresh = pending is None
    if fresh:
        pending = _PendingBump()
    if project_pages and scope is None:
        pending.everything = True
    elif project_pages and scope not in pending.scopes:
        pending.scopes.append(scope)
    if not fresh:
        return
    if connection.in_atomic_block or connection.get_autocommit():
        transaction.on_commit(pending, using=using, robust=True)
    else:  # manual transaction management (no on-commit hook): bump now rather than never
        pending()


@contextlib.contextmanager
def writes_to_projects(*pks: int):
    """Declare that the writes inside touch only these projects' own rows (and rows no project page
    shows): other projects' pages stay stored. A write to the catalogue inside still moves every
    project page. Services that write one project wrap their transaction in it."""
    token = _scope.set(_Scope(frozenset(pks)))
    try:
        yield
    finally:
        _scope.reset(token)


@functools.cache
def domain_tables() -> frozenset[str]:
    """The tables of the domain core (`workflows`), many-to-many link tables included."""
    from django.apps import apps

    models = apps.get_app_config("workflows").get_models(include_auto_created=True)
    return frozenset(model._meta.db_table.lower() for model in models if not model._meta.proxy)


def _tables_of(labels) -> frozenset[str]:
    from django.apps import apps

    return frozenset(apps.get_model(label)._meta.db_table.lower() for label in labels)


@functools.cache
def project_tables() -> frozenset[str]:
    return _tables_of(PROJECT_MODELS)


@functools.cache
def unshown_tables() -> frozenset[str]:
    return _tables_of(UNSHOWN_ON_PROJECT_PAGES)


def written_domain_tables(sql) -> frozenset[str]:
    """The tables of the domain core a statement writes (reads return at the first word)."""
    text = sql if isinstance(sql, str) else str(sql)
    if text.lstrip()[:6].upper() == "SELECT":
        return frozenset()
    tables = domain_tables()
    return frozenset(name.lower() for name in _WRITTEN_TABLE.findall(text)) & tables


def writes_domain(sql) -> bool:
    """Whether a statement writes a table of the domain core."""
    return bool(written_domain_tables(sql))


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
    if _unseen.get():
        return result
    tables = written_domain_tables(sql)
    if tables and not _matched_no_row(sql, context["cursor"]):
        record_writes(tables, using=context["connection"].alias)
    return result


def record_writes(tables: frozenset[str], *, using: str | None = None) -> None:
    """Move what writes to these domain tables change, once the transaction commits: the
    portfolio's version, and the project pages that show them (only the declared projects' inside
    `writes_to_projects`). The statement wrapper calls it; so do writers it cannot see (COPY)."""
    if _unseen.get():
        return
    shown = (tables & domain_tables()) - unshown_tables()
    scope = _scope.get()
    attributed = scope is not None and shown <= project_tables()
    bump_on_commit(using=using, scope=scope if attributed else None, project_pages=bool(shown))


def bump_after_copy(sender=None, using: str | None = None, **_kwargs) -> None:
    """`dbtools.bulk.rows_copied` receiver: rows written with `COPY` (unseen by the statement
    wrapper) move what they change on commit, as other writes do."""
    record_writes(frozenset({sender._meta.db_table.lower()}), using=using)


def watch_connection(sender=None, connection=None, **_kwargs) -> None:
    """`connection_created` receiver: every connection, in every thread, reports its writes.

    Installed first in the list, so `connection.execute_wrapper()` blocks (which pop the last
    one) never remove it.
    """
    if _bump_after_domain_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _bump_after_domain_writes)
