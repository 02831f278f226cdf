"""Second factor pages (French, DSFR): enrolment with an inline SVG QR code, verification by code or
recovery code, and regeneration of recovery codes. Used by the portal and the Wagtail admin alike."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from dsfr.forms import DsfrBaseForm

from web.two_factor import new_recovery_codes
from workflows import links

TOTP_DEVICE_NAME = "Application d'authentification"


class CodeForm(DsfrBaseForm):
    code = forms.CharField(
        label=gettext_lazy("Code de vérification"),
        help_text=gettext_lazy(
            "Les 6 chiffres affichés par votre application, ou un code de secours à 8 chiffres."
        ),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return links.path(
        "admin_home" if request.user.has_perm("wagtailadmin.access_admin") else "establishment_home"
    )


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    svg = image.to_string(encoding="unicode")
    label = _("QR code à scanner avec votre application d'authentification")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


class TwoFactorPage(LoginRequiredMixin, View):
    """One look per face: each face passes its templates and the name of its verification page
    (`portal/urls.py`, `agents/two_factor_urls.py`); web names no face's page."""

    template_name = ""
    verify_url_name = ""


class EnrolView(TwoFactorPage):
    """Pair an authenticator app: the secret stays server-side in an unconfirmed device until a code proves it."""

    recovery_template_name = ""

    def device(self, request) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=request.user, name=TOTP_DEVICE_NAME, confirmed=False)

    def render_form(self, request, form, device):
        secret = base64.b32encode(device.bin_key).decode()
        context = {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
            "already_enrolled": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        }
        return render(request, self.template_name, context)

    def get(self, request):
        if (
            TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            and not request.user.is_verified()
        ):
            return redirect(self.verify_url_name)
        return self.render_form(request, CodeForm(), self.device(request))

    def post(self, request):
        if (
            TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            and not request.user.is_verified()
        ):
            return redirect(self.verify_url_name)
        device = self.device(request)
        form = CodeForm(request.POST)
        if form.is_valid() and device.verify_token(form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = new_recovery_codes(user=request.user)
            return render(
                request,
                self.recovery_template_name,
                {"codes": codes, "next": _next_url(request), "just_enrolled": True},
            )
        if form.is_valid():
            form.add_error(
                "code", _("Code incorrect ou expiré : vérifiez l'heure de votre téléphone et réessayez.")
            )
        return self.render_form(request, form, device)


class VerifyView(TwoFactorPage):
    def get(self, request):
        return render(request, self.template_name, {"form": CodeForm(), "next": _next_url(request)})

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            device = match_token(request.user, form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                return redirect(_next_url(request))
            form.add_error("code", _("Code incorrect, expiré ou déjà utilisé."))
        return render(request, self.template_name, {"form": form, "next": _next_url(request)})


class RecoveryCodesView(TwoFactorPage):
    """New recovery codes replace the old ones; only a verified session may ask for them."""

    def get(self, request):
        if not request.user.is_verified():
            return redirect(self.verify_url_name)
        return render(request, self.template_name, {"codes": None, "next": _next_url(request)})

    def post(self, request):
        if not request.user.is_verified():
            return redirect(self.verify_url_name)
        codes = new_recovery_codes(user=request.user)
        return render(request, self.template_name, {"codes": codes, "next": _next_url(request)})
