"""The directory's address handed down to the indicators (`workflows.links`): the regions map links
each region to the directory filtered on it."""

from __future__ import annotations

from django.urls import reverse

from workflows import links


def register() -> None:
    links.register("directory", lambda: reverse("projects:list"))
