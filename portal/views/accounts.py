"""Sign-in, sign-out, password reset and change (Django auth, throttled by django-axes), and the
choice of the current establishment for users who belong to several."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView

from portal import access
from portal.forms import (
    EstablishmentSwitchForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from web import rate_limits
from web.absolute_urls import site_root
from web.client_address import client_address


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "proconnect_enabled": settings.PROCONNECT_ENABLED}


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses GET): a link cannot sign someone out."""


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "portal/email/password_reset_email.txt"
    subject_template_name = "portal/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        """The e-mail states the link's real lifetime (`PASSWORD_RESET_TIMEOUT`); its address is
        on `SITE_URL`, never on the host the form was posted to."""
        return {"valid_hours": max(settings.PASSWORD_RESET_TIMEOUT // 3600, 1), "site_url": site_root()}

    def form_valid(self, form):
        """At most a few e-mails per address and per client an hour.

        Past the address's limit the page says the same as usual (no hint whether the address
        exists) but nothing is sent; past the client's limit the form says to wait.
        """
        period = settings.PASSWORD_RESET_RATE_PERIOD
        if not rate_limits.allow(
            f"password-reset:client:{client_address(self.request)}",
            limit=settings.PASSWORD_RESET_PER_CLIENT,
            period=period,
        ):
            form.add_error(
                None,
                _("Trop de demandes de réinitialisation depuis votre connexion. Réessayez dans une heure."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        email = form.cleaned_data["email"].strip().lower()
        digest = hashlib.sha256(email.encode()).hexdigest()
        if not rate_limits.allow(
            f"password-reset:email:{digest}", limit=settings.PASSWORD_RESET_PER_EMAIL, period=period
        ):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("portal:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "portal/password_change_done.html"


class EstablishmentSwitchView(access.PortalMixin, FormView):
    """Choose the current establishment among the user's own (anything else is refused)."""

    template_name = "portal/establishment_switch.html"
    form_class = EstablishmentSwitchForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["establishments"] = self.scope.establishments
        kwargs["initial"] = {"establishment": self.scope.current}
        return kwargs

    def form_valid(self, form):
        chosen = access.switch_establishment(self.request, form.cleaned_data["establishment"].pk)
        messages.success(self.request, _("Vous travaillez maintenant pour %(name)s.") % {"name": chosen.name})
        target = self.request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            target = ""
        return redirect(target or "portal:dashboard")
