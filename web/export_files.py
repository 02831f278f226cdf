"""Large anonymous exports served from files built once per data version, streamed, and limited
per client.

`/donnees/sirano.csv` and `/projets/resultats.csv` used to rebuild the whole file from the
database on every request, so a few parallel downloads slowed the site for everyone. Each
distinct export is now written once per host to `<temp dir>/sirano-exports/v<data version>-<generation>/`
(under a file lock, so parallel requests wait for one build), then every request streams that file.

A per-host cache on local temporary disk, not the shared object storage, on purpose: the file is
regenerable from the database at any time, so losing it (an ephemeral disk, a new host) costs one
build and no data; a host streams it from its own disk instead of from the bucket; and nothing
here is private or needs a backup. Every host derives the same name and ETag from the shared
data version and generation, so clients see one identity whatever host answers. Any change to the
portfolio bumps the data version (`workflows.data_version`), so the next request rebuilds; older versions
are removed then, except one another worker is still building (it holds that version's lock),
and a worker streaming an older file keeps it open, so removal never breaks a download. `rate_limited` caps downloads per client address (`EXPORT_RATE_PER_MINUTE`).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from web import rate_limits
from web.client_address import client_address
from workflows import links
from workflows.data_version import data_version

#: Beyond this many distinct exports in one data version, new ones stream live (no disk growth).
MAX_FILES_PER_VERSION = 200
WINDOW = 60


def exports_root() -> Path:
    return Path(tempfile.gettempdir()) / "sirano-exports"


def _generation() -> str:
    """Random per cache lifetime: a process-local cache that restarts at version 1 never reuses
    files written before the restart."""
    cache.add("exports:generation", uuid.uuid4().hex[:12], timeout=None)
    return cache.get("exports:generation") or "0"


def _prune(root: Path, keep: str) -> None:
    """Remove older versions' directories, except one whose export is being built right now.

    Several workers share this directory: a worker still on the older version may be building
    there (it holds the directory's lock; the directory goes at the next prune) or streaming a
    file it opened (an open file stays readable once removed)."""
    for child in root.iterdir():
        if not child.is_dir() or child.name == keep:
            continue
        try:
            lock = open(child / ".lock", "a")  # noqa: SIM115 — closed below, after the removal
        except FileNotFoundError:
            shutil.rmtree(child, ignore_errors=True)
            continue
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            shutil.rmtree(child, ignore_errors=True)


def _open(path: Path) -> BinaryIO | None:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        return None


def cached_file(name: str, parts: tuple, build: Callable[[], Iterable[bytes]]) -> BinaryIO | None:
    """The export (`name`, `parts`) for the current data version, opened, built if missing.

    An open file, not a path: a worker on a newer version may remove this version's directory
    at any time, and an open file stays readable. None when too many distinct exports already
    exist for this version, or when this version was removed under us (a newer one exists): the
    caller streams live.
    """
    root = exports_root()
    version = f"v{data_version()}-{_generation()}"
    digest = hashlib.sha256(repr((name, parts)).encode()).hexdigest()[:32]
    directory = root / version
    target = directory / f"{name}-{digest}"
    found = _open(target)
    if found is not None:
        return found
    directory.mkdir(parents=True, exist_ok=True)
    try:
        lock = open(directory / ".lock", "a")  # noqa: SIM115 — closed by the with below
    except FileNotFoundError:  # removed between mkdir and open: this version is already old
        return None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.fstat(lock.fileno()).st_nlink == 0:  # removed while we waited
            return None
        found = _open(target)
        if found is not None:
            return found
        if sum(1 for _ in directory.iterdir()) > MAX_FILES_PER_VERSION:
            return None
        handle, tmp = tempfile.mkstemp(dir=directory, prefix=".building-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in build():
                    out.write(chunk)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        built = open(target, "rb")  # noqa: SIM115 — the caller's response closes it
        # Unlocked on close, after this version's file is safe: our own directory is kept.
    _prune(root, keep=version)
    return built


def file_response(opened: BinaryIO, *, content_type: str, filename: str, request=None) -> HttpResponse:
    """The opened export, streamed, with `ETag` and `Last-Modified` from the built file; a client
    that already holds it (`If-None-Match` / `If-Modified-Since`) gets a 304 and no body."""
    stat = os.fstat(opened.fileno())
    path = Path(opened.name)
    # Version, generation and export digest: the same on every host for the same content.
    etag = quote_etag(f"{path.parent.name}-{path.name}-{stat.st_size:x}")
    last_modified = int(stat.st_mtime)
    if request is not None:
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            opened.close()
            not_modified["Cache-Control"] = "public, max-age=300"
            not_modified["ETag"] = etag
            not_modified["Last-Modified"] = http_date(last_modified)
            return not_modified
    response = FileResponse(opened, content_type=content_type, as_attachment=True, filename=filename)
    response["Cache-Control"] = "public, max-age=300"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response


def rate_limited(view):
    """Refuse more than `EXPORT_RATE_PER_MINUTE` downloads a minute from one client (French 429)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        # 0: no limit (benchmarks, a proxy that limits); nothing counted in the cache
        if settings.EXPORT_RATE_PER_MINUTE and not rate_limits.allow(
            f"export:{client_address(request)}", limit=settings.EXPORT_RATE_PER_MINUTE, period=WINDOW
        ):
            response = render(
                request,
                "web/export_throttled.html",
                {"retry_after": WINDOW, "opendata_url": links.path("opendata_index")},
                status=429,
            )
            response["Retry-After"] = str(WINDOW)
            return response
        return view(request, *args, **kwargs)

    return wrapped
