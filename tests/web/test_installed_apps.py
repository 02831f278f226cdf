"""Apps kept for what loads them: `widget_tweaks` looks unused in our templates, but django-dsfr's
form templates load it (radio buttons, checkboxes of every `DsfrBaseForm`)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm


class _Probe(DsfrBaseForm):
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    agreed = forms.BooleanField(required=False)


def test_dsfr_radio_and_checkbox_fields_render():
    html = str(_Probe())
    assert 'type="radio"' in html and 'type="checkbox"' in html


def test_no_app_installed_for_nothing():
    assert "django.contrib.humanize" not in settings.INSTALLED_APPS
