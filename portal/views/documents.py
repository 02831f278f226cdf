"""Evidence files, served only to users who may read their request, always as attachments."""

from __future__ import annotations

from django.views import View

from fileformats.responses import evidence_response
from portal import selectors
from portal.access import PortalMixin


class DocumentDownloadView(PortalMixin, View):
    def get(self, request, *args, **kwargs):
        document = selectors.get_document(self.scope, kwargs["pk"])
        return evidence_response(document)
