"""Addresses of the faces' pages, handed down to the layers below them.

The domain and the shared services never spell a face's path or URL namespace (the layers of
pyproject.toml; `tests/test_layer_urls.py` greps for it). Each face registers, from its
AppConfig.ready, how to build the address of what it shows under one of the names below; a lower
layer asks `links.path(name, **kwargs)`. Paths are site-relative: absolute addresses still come
from `SITE_URL`.
"""

from __future__ import annotations

from collections.abc import Callable

#: every name a face hands down: the face that owns it, what it points to
NAMES = frozenset(
    {
        "establishment_home",  # portal: the establishments' dashboard (`/portail/`)
        "establishment_request",  # portal: one tranche request, `pk=` (`/portail/demandes/<pk>/`)
        "two_factor_verify",  # portal: the second factor asked of a signed-in session
        "two_factor_enrol",  # portal: enrolment of a second factor
        "sign_out",  # portal: signing out
        "agents_two_factor_verify",  # agents: the second factor, in the admin's look
        "agents_two_factor_enrol",  # agents: enrolment of a second factor, in the admin's look
        "desk_request",  # agents: one tranche request on the desk, `pk=` (`/admin/bureau/demandes/<pk>/`)
        "late_milestones",  # agents: the desk's « Jalons en retard » list
        "admin_home",  # agents: the Wagtail admin's home (`/admin/`)
        "opendata_index",  # opendata: the open-data page (`/donnees/`)
        "api_docs",  # opendata: the API's documentation (`/api/v1/docs/`)
        "directory",  # content: the public directory of projects (`/projets/`)
    }
)

_builders: dict[str, Callable[..., str]] = {}


def register(name: str, build: Callable[..., str]) -> None:
    """A face says how to build one of its addresses (from its AppConfig.ready)."""
    if name not in NAMES:
        raise ValueError(f"Unknown address {name!r}: list it in workflows.links.NAMES first.")
    _builders[name] = build


def path(name: str, **kwargs) -> str:
    """The site-relative address `name` of the face that registered it."""
    try:
        build = _builders[name]
    except KeyError:
        raise LookupError(f"No face registered the address {name!r} (see workflows/links.py).")
    return build(**kwargs)
