"""Rendered public answers (directory pages, project pages, API pages) kept per data version.

An answer is stored as the bytes sent, so serving it again renders nothing: no template, no JSON
encoding, no unpickling of a page's data (a 1,000-project API page spent 130 ms doing both on
every hit). Each worker process keeps the answers it served last in memory (`LOCAL_BYTES` at
most), in front of the shared cache that all workers read: a repeated question then costs one
read, the data version's, instead of also moving the body out of the shared cache.

A process-local copy is never stale: keys carry the data version (`workflows.data_version`),
moved after every committed write in any process; the content version, moved when an editor
publishes or unpublishes a Wagtail page (pages that embed editorial text ask for it); and the
code version, so a deploy starts a fresh key space. The versions are read in one round trip of
the shared cache on every request, so a write changes every key at once.

Answers live in their own cache alias (`pages`), with its own size and eviction: anonymous
traffic, however varied, cannot evict the data version, the figures or the rate-limit counters.
A page is stored under its canonical address (`canonical_query`: known parameters only, sorted),
and rendered from it, so junk parameters add no entry.

A project's page is keyed otherwise (`address_key`): by its address and the code version only,
and the answer carries the versions it was rendered under (`Answer.depends`: the project's own,
the catalogue's, its neighbours', all named by `workflows.data_version` and kept in their own
cache alias), checked in one read on every hit; an editorial change moves the catalogue's. A write to one project moves that project's versions, not the
data version of the other pages' answers: the other projects' pages stay stored.

The ETag is the body's hash: a client or a reverse proxy sending `If-None-Match` gets a 304
without the body.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag

from workflows.data_version import (
    VERSION_KEY,
    code_version,
    current_version,
    move_every_project_page,
    read_once_per_request,
    read_together,
    read_versions,
    remember_version,
)

#: bytes of answers each worker process keeps in memory (least recently served dropped first)
LOCAL_BYTES = 32 * 1024 * 1024
#: bodies from this size go into the shared cache compressed (zlib, fastest level: about 1 ms
#: per 300 KB of JSON or HTML, a tenth of the size to write and read)
COMPRESS_FROM = 4096
logger = logging.getLogger(__name__)

#: the cache alias of stored answers (`CACHES` in settings)
ALIAS = "pages"
#: in the default cache, beside the data version: moved by every editorial publish
CONTENT_VERSION_KEY = "pages:content-version"
read_together(CONTENT_VERSION_KEY)


@dataclass(frozen=True)
class Answer:
    body: bytes
    content_type: str
    etag: str
    headers: tuple[tuple[str, str], ...] = ()
    #: (version key, token) the answer was rendered under; any moved since: the answer is stale
    depends: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
        depends: dict[str, str] | None = None,
    ) -> Answer:
        etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
        return cls(body, content_type, etag, tuple((headers or {}).items()), tuple((depends or {}).items()))

    def is_current(self) -> bool:
        if not self.depends:
            return True
        keys = [key for key, _token in self.depends]
        return read_versions(keys) == dict(self.depends)


class _LocalCopies:
    """Least-recently-served answers of this process, bounded in bytes, each with its expiry."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, tuple[float, Answer]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()  # gthread workers serve several requests at once

    def get(self, key: str) -> tuple[float, Answer] | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry[0] <= time.time():
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, expires: float, answer: Answer) -> None:
        if len(answer.body) > self.max_bytes // 4:
            return
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = (expires, answer)
            self.size += len(answer.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: str) -> None:
        _expires, answer = self.entries.pop(key)
        self.size -= len(answer.body)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


_local = _LocalCopies(LOCAL_BYTES)


def clear_local_copies() -> None:
    """Forget this process's copies (tests; the shared cache is cleared separately)."""
    _local.clear()


class VersionsPerRequest:
    """Middleware: the data and content versions are each read at most once per request
    (`workflows.data_version.read_once_per_request`). A page asks for them from several places
    (its store key, the site identity, the shell's kept fragments, the names a list shows, a
    programme's page address); each read was a round trip to the shared cache. A request then
    also renders under one version of each throughout, even if another process writes or an
    editor publishes meanwhile (its own writes move them)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with read_once_per_request():
            return self.get_response(request)


def content_version() -> str:
    return current_version(CONTENT_VERSION_KEY)


def bump_content_version() -> None:
    """Every stored page that embeds editorial text becomes stale now."""
    version = secrets.token_hex(8)
    cache.set(CONTENT_VERSION_KEY, version, timeout=None)
    remember_version(CONTENT_VERSION_KEY, version)
    # Project pages name the catalogue's version instead (one read of their own alias per hit).
    move_every_project_page()


def editorial_change(**_kwargs) -> None:
    """`page_published` / `page_unpublished` receiver: the pages around it change once committed."""
    transaction.on_commit(bump_content_version, robust=True)


def _versions(editorial: bool) -> str:
    """The versions the answer depends on, in one read of the shared cache."""
    keys = [VERSION_KEY, CONTENT_VERSION_KEY] if editorial else [VERSION_KEY]
    found = cache.get_many(keys)
    versions = [
        remember_version(key, str(found[key])) if found.get(key) is not None else current_version(key)
        for key in keys
    ]
    return ":".join([code_version(), *versions])


def key_for(prefix: str, *parts: str, editorial: bool = False) -> str:
    """A key under the current code and data versions (and content version for `editorial`
    pages): it changes as soon as a write commits, a page is published or a release deploys."""
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]
    return f"{prefix}:{_versions(editorial)}:{digest}"


def address_key(prefix: str, *parts: str) -> str:
    """A key under the code version only: the answer stored there says which versions it needs
    (`Answer.depends`), so it survives the writes that do not concern it."""
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]
    return f"{prefix}:{code_version()}:{digest}"


_depends: ContextVar[dict[str, str] | None] = ContextVar("page_store_depends", default=None)


@contextlib.contextmanager
def render_under(keys: list[str]):
    """Read `keys`' versions before anything they cover is read from the database; yield them,
    with the versions the page adds by `depends_on` while it renders. An editorial change moves
    the catalogue's version too (`bump_content_version`): a project page that names it (as
    `project_page_keys` does) needs no read of the content version on a hit."""
    versions = read_versions(keys)
    token = _depends.set(versions)
    try:
        yield versions
    finally:
        _depends.reset(token)


def depends_on(keys: list[str]) -> dict[str, str] | None:
    """The page being rendered also shows what these version keys cover: read them now, before
    the rows they cover, and return them (a page not being stored ignores it: None)."""
    versions = _depends.get()
    if versions is None:
        return None
    read = read_versions(keys)
    versions.update(read)
    return read


def canonical_query(request, known: frozenset[str] | set[str]) -> str:
    """Rewrite `request`'s query to its canonical form (known parameters, empty values dropped,
    sorted by name then value) and return it: the page is rendered and stored under it."""
    query = QueryDict(mutable=True)
    for name in sorted(set(request.GET) & set(known)):
        values = sorted(value for value in request.GET.getlist(name) if value != "")
        if values:
            query.setlist(name, values)
    canonical = query.urlencode()
    query._mutable = False
    request.GET = query
    request.META["QUERY_STRING"] = canonical
    return canonical


def get(key: str) -> Answer | None:
    """The answer stored under `key`, if it is still current (`Answer.depends`)."""
    entry = _local.get(key)
    if entry is None:
        stored = caches[ALIAS].get(key)
        if not isinstance(stored, tuple) or len(stored) != 3 or stored[0] <= time.time():
            return None
        expires, answer, compressed = stored
        if compressed:
            answer = dataclasses.replace(answer, body=zlib.decompress(answer.body))
        _local.put(key, expires, answer)
        entry = (expires, answer)
    return entry[1] if entry[1].is_current() else None


def put(key: str, answer: Answer, timeout: int, *, once_sent=None) -> None:
    """Keep `answer` in this process (as sent) and in the shared cache (its body compressed from
    `COMPRESS_FROM` bytes: a 1,000-row API page of 930 KB goes in as 90 KB).

    `once_sent`: the response that carries `answer`; the shared copy is then written once the
    response is sent (`when_sent`), not while its visitor waits (compressing and writing a
    1,000-row page took 4 to 16 ms, a project page's about 1 ms)."""
    expires = time.time() + timeout
    _local.put(key, expires, answer)

    def share() -> None:
        compressed = len(answer.body) >= COMPRESS_FROM
        shared = dataclasses.replace(answer, body=zlib.compress(answer.body, 1)) if compressed else answer
        caches[ALIAS].set(key, (expires, shared, compressed), timeout=timeout)

    if once_sent is None:
        share()
    else:
        when_sent(once_sent, share)


def when_sent(response, work) -> None:
    """Run `work` once `response` is sent: the WSGI server (gunicorn, the test client, runserver)
    calls the response's `close` after its last byte, before Django's end of request (which
    gives the database connection back). A failure is logged, never the visitor's."""
    close = response.close

    def work_then_close() -> None:
        try:
            work()
        except Exception:
            logger.exception("work after the response failed")
        finally:
            close()

    response.close = work_then_close


def public_response(request, answer: Answer, *, max_age: int, vary: tuple[str, ...] = ("Cookie",)):
    """`answer` as a response a browser or shared proxy may keep `max_age` seconds (304 when the
    client holds it already)."""
    if answer.etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(answer.body, content_type=answer.content_type)
        for name, value in answer.headers:
            response[name] = value
    return mark_public(response, answer.etag, max_age=max_age, vary=vary)


def mark_public(response, etag: str, *, max_age: int, vary: tuple[str, ...] = ("Cookie",)):
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, vary)
    return response
