"""The admin's logout, answering only POST: Wagtail's own view deletes the session cookie even on
the GET it refuses with 405, leaving the server session valid behind a browser that believes it
signed out. Here any other method changes nothing; POST ends the server session as before.
"""

from __future__ import annotations

from wagtail.admin.views.account import LogoutView


class AdminLogoutView(LogoutView):
    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
