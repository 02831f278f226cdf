"""Content-Security-Policy (django-csp) per area, and Permissions-Policy on every response.

Public site and portal: self only, no inline script or style (a nonce for any script that must be inline).
API docs: scripts self or nonced, inline styles allowed (Swagger UI sets style attributes). Wagtail admin:
inline scripts and styles from itself (its widgets print them), may frame itself (page preview).
No third-party origin anywhere.
"""

from __future__ import annotations

import functools

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

from workflows import links


@functools.cache
def admin_prefix() -> str:
    """Where the Wagtail admin starts (`/admin/`), handed down by the agents' face."""
    return links.path("admin_home")


@functools.cache
def relaxed_style_prefixes() -> tuple[str, ...]:
    """The admin and the API's documentation (`/api/v1/docs/`, handed down by opendata)."""
    return (admin_prefix(), links.path("api_docs"))


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class SiranoCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        path = request.path_info
        if not report_only and path.startswith(relaxed_style_prefixes()):
            replace = dict(parts.replace or {})
            replace["style-src"] = [SELF, UNSAFE_INLINE]
            if path.startswith(admin_prefix()):
                # Wagtail's own widgets (date pickers, inline panels) print <script> without a nonce;
                # a nonce in the directive would make browsers ignore 'unsafe-inline', so none here.
                replace.update(
                    {
                        "script-src": [SELF, UNSAFE_INLINE],
                        "frame-src": [SELF],
                        "frame-ancestors": [SELF],
                        "img-src": [SELF, "data:", "blob:"],
                    }
                )
            parts.replace = replace
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
