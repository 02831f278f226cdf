"""One error shape for every API failure: `{"error": {"code", "message", "details"}}`.

Errors are always rendered as JSON, even when the client asked for CSV, so a reuser's
script can read the reason whatever format it requested.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from opendata.api.renderers import FastJSONRenderer

CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid_parameter",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}

DEFAULT_MESSAGES = {
    status.HTTP_404_NOT_FOUND: _lazy("Aucune ressource publiée ne correspond à cette adresse."),
}


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details}}


def api_exception_handler(exc, context):
    """DRF's handler (keeps `Retry-After`, `Allow`, `WWW-Authenticate`), then our shape."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "error_code", None) or CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        message = _("Paramètres de requête invalides : voir le détail par paramètre.")
        details = exc.detail
    else:
        detail = getattr(exc, "detail", "")
        message = str(detail) if not isinstance(detail, dict | list) else _("Requête refusée.")
        details = None
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details = {"retry_after_seconds": int(exc.wait)}
    if not message.strip():
        message = DEFAULT_MESSAGES.get(response.status_code, _("Requête refusée."))
    response.data = error_body(code, message, details)
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = FastJSONRenderer()
        request.accepted_media_type = "application/json"
    return response


def not_found(request, *args, **kwargs):
    """Unknown paths under /api/v1/ answer in the API's shape, not with the site's HTML page."""
    return JsonResponse(
        error_body("not_found", _("Aucune ressource à cette adresse de l'API.")),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
