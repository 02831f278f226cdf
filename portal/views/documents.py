"""Evidence files, served only to users who may read their request, always as attachments."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.views import View

from portal import selectors
from portal.access import PortalMixin


class DocumentDownloadView(PortalMixin, View):
    def get(self, request, *args, **kwargs):
        document = selectors.get_document(self.scope, kwargs["pk"])
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
