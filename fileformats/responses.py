"""How private evidence leaves the server, for the portal and the agents' desk alike: always as an
attachment, never sniffed or rendered, never cached by a shared proxy."""

from __future__ import annotations

from django.http import FileResponse, Http404


def evidence_response(document) -> FileResponse:
    """Stream one EvidenceDocument the caller has already been allowed to read."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
