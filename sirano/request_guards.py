"""Refuse requests carrying a NUL character before any view sees them.

PostgreSQL text cannot hold NUL (0x00), so `/projets/%00/`, `/api/v1/projects/%00/` or
`?q=%00` used to reach the database and fail with a 500. A NUL in the path is a page that
cannot exist (404); in the query string it is a malformed request (400). Form fields are not
read here (that would parse uploads before the views choose their handlers): Django's form
fields already refuse NUL characters.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from opendata.api.errors import error_body

NUL = "\x00"


class MalformedRequest(SuspiciousOperation):
    """Answered with Django's 400 page."""


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith("/api/")
        if NUL in request.path_info:
            if api:  # API clients always get the API's JSON error shape
                return JsonResponse(error_body("not_found", _("Cette page n'existe pas.")), status=404)
            raise Http404(_("Cette page n'existe pas."))
        if NUL in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
            message = _("La requête contient un caractère nul.")
            if api:
                return JsonResponse(error_body("invalid_parameter", message), status=400)
            raise MalformedRequest(message)
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())
