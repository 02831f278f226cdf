"""`Cache-Control: no-store` on every private answer (ASVS 14.3.2), decided in one place.

An answer is private when the request was authenticated (a session, or an API token: DRF sets the
user back on the Django request) or carried credentials, or when its path is a private area (the
portal, the admin). Browsers and shared caches then keep nothing of it; anonymous public answers
keep the caching their views chose.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers

from workflows import links

#: the private areas' roots, handed down by their faces (workflows.links)
PRIVATE_LINKS = ("establishment_home", "admin_home")


class PrivateAnswersNotStoredMiddleware:
    """After AuthenticationMiddleware; looks at the request once the view has answered."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._private_paths: tuple[str, ...] | None = None

    def private_paths(self) -> tuple[str, ...]:
        if self._private_paths is None:
            self._private_paths = tuple(links.path(name) for name in PRIVATE_LINKS)
        return self._private_paths

    def is_private(self, request) -> bool:
        user = getattr(request, "user", None)
        return (
            (user is not None and user.is_authenticated)
            or "HTTP_AUTHORIZATION" in request.META
            or request.path.startswith(self.private_paths())
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.is_private(request):
            cache_control = response.get("Cache-Control", "")
            if "public" in cache_control or "s-maxage" in cache_control:
                del response["Cache-Control"]
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
        return response
