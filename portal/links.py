"""The portal's addresses handed down to the domain and the shared services (`workflows.links`):
mails point establishments to their requests, the sign-in middlewares to the two-factor pages."""

from __future__ import annotations

from django.urls import reverse

from workflows import links


def register() -> None:
    links.register("establishment_home", lambda: reverse("portal:dashboard"))
    links.register("establishment_request", lambda pk: reverse("portal:request_detail", args=[pk]))
    links.register("two_factor_verify", lambda: reverse("portal:two_factor_verify"))
    links.register("two_factor_enrol", lambda: reverse("portal:two_factor_enrol"))
    links.register("sign_out", lambda: reverse("portal:logout"))
