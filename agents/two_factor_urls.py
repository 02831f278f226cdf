"""The agents' second-factor pages, in the admin's look under /admin/ (the establishments keep
theirs under /portail/): the same views, the agents' templates (issue 27, item 9)."""

from django.urls import path

from web import two_factor_views as two_factor

LOOK = {"verify_url_name": "agents_two_factor_verify", "login_url": "/admin/login/"}

urlpatterns = [
    path(
        "double-authentification/",
        two_factor.VerifyView.as_view(template_name="agents/two_factor_verify.html", **LOOK),
        name="agents_two_factor_verify",
    ),
    path(
        "double-authentification/activer/",
        two_factor.EnrolView.as_view(
            template_name="agents/two_factor_enrol.html",
            recovery_template_name="agents/two_factor_recovery_codes.html",
            **LOOK,
        ),
        name="agents_two_factor_enrol",
    ),
    path(
        "double-authentification/codes-de-secours/",
        two_factor.RecoveryCodesView.as_view(template_name="agents/two_factor_recovery_codes.html", **LOOK),
        name="agents_two_factor_recovery_codes",
    ),
]
