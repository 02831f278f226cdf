"""Routes of the establishment portal, under /portail/ (French paths, English names)."""

from django.urls import path

from portal.views import accounts, dashboard, documents, milestones, projects, requests
from web import two_factor_views as two_factor

app_name = "portal"

#: the second-factor pages in the portal's look (the views are shared with the agents' admin)
LOOK = {"verify_url_name": "portal:two_factor_verify"}

urlpatterns = [
    # Sign-in and account (public routes: listed in tests/portal/test_authorisation.py).
    path("connexion/", accounts.LoginView.as_view(), name="login"),
    path("deconnexion/", accounts.LogoutView.as_view(), name="logout"),
    path("mot-de-passe-oublie/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reinitialisation/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reinitialisation/terminee/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-de-passe/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/modifie/", accounts.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "double-authentification/",
        two_factor.VerifyView.as_view(template_name="portal/two_factor_verify.html", **LOOK),
        name="two_factor_verify",
    ),
    path(
        "double-authentification/activer/",
        two_factor.EnrolView.as_view(
            template_name="portal/two_factor_enrol.html",
            recovery_template_name="portal/two_factor_recovery_codes.html",
            **LOOK,
        ),
        name="two_factor_enrol",
    ),
    path(
        "double-authentification/codes-de-secours/",
        two_factor.RecoveryCodesView.as_view(template_name="portal/two_factor_recovery_codes.html", **LOOK),
        name="two_factor_recovery_codes",
    ),
    path("etablissement/", accounts.EstablishmentSwitchView.as_view(), name="establishment_switch"),
    # Projects and requests.
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("projets/<str:public_id>/", projects.ProjectDetailView.as_view(), name="project_detail"),
    path(
        "projets/<str:public_id>/jalons/<int:rank>/declarer/",
        milestones.MilestoneDeclareView.as_view(),
        name="milestone_declare",
    ),
    path("demandes/<int:pk>/", requests.TrancheRequestDetailView.as_view(), name="request_detail"),
    path("demandes/<int:pk>/justificatifs/", requests.EvidenceUploadView.as_view(), name="request_upload"),
    path(
        "demandes/<int:pk>/justificatifs/<int:document>/retirer/",
        requests.EvidenceRemoveView.as_view(),
        name="request_remove_evidence",
    ),
    path("demandes/<int:pk>/soumettre/", requests.SubmitView.as_view(), name="request_submit"),
    path("demandes/<int:pk>/repondre/", requests.ResubmitView.as_view(), name="request_resubmit"),
    path("demandes/<int:pk>/retirer/", requests.WithdrawView.as_view(), name="request_withdraw"),
    path("documents/<int:pk>/", documents.DocumentDownloadView.as_view(), name="document_download"),
]
