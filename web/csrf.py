"""The page of a refused form (bad or missing CSRF token): Django's own is English-titled,
unstyled and says the refusal twice (title and summary); this one says it once, in French."""

from __future__ import annotations

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """`CSRF_FAILURE_VIEW`: nothing was saved; the visitor reloads the form and sends it again."""
    return render(request, "403_csrf.html", status=403)
