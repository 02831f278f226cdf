"""Subresource integrity taken from the static file actually served.

django-dsfr pins its stylesheets and scripts by the digests of the files it ships, but `collectstatic`
with the manifest storage rewrites the URLs inside them (fonts, icons, source maps): the pinned digest
then no longer matches what is served and browsers refuse the stylesheet, leaving every page unstyled.
The digest is computed here from the file the site serves, once per process and file name (a hashed
name never changes content).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

register = template.Library()


def _served_bytes(path: str) -> bytes | None:
    storage = staticfiles_storage
    if isinstance(storage, ManifestFilesMixin):
        # What collectstatic wrote under its hashed name: the bytes WhiteNoise serves.
        try:
            with storage.open(storage.stored_name(path)) as handle:
                return handle.read()
        except (FileNotFoundError, ValueError):
            return None
    found = finders.find(path)  # unhashed storage: served from the apps' folders (DEBUG, tests)
    return Path(found).read_bytes() if found else None


@lru_cache(maxsize=64)
def _integrity(backend: str, path: str) -> str:
    data = _served_bytes(path)
    if data is None:
        return ""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@register.simple_tag
def static_integrity(path: str) -> str:
    """`sha384-…` of the served file, or "" when it cannot be found (then no integrity attribute)."""
    return _integrity(settings.STORAGES["staticfiles"]["BACKEND"], path)
