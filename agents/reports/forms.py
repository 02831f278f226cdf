"""The DGOS dashboard's filter form: programme, campaign year, region and as-of date."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports import indicators
from reports.snapshot import Filters
from workflows.models import Call, Programme, Region


class DashboardFilterForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    year = forms.ChoiceField(label=_("Année de sélection"), required=False)
    region = forms.ChoiceField(
        label=_("Région"), required=False, choices=[("", _("Toutes")), *Region.choices]
    )
    as_of = forms.DateField(
        label=_("Situation au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Date invalide : utilisez le format JJ/MM/AAAA.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("Tous"))] + [
            (code, f"{code} — {name}") for code, name in Programme.objects.values_list("code", "name")
        ]
        years = Call.objects.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["year"].choices = [("", _("Toutes"))] + [(str(y), str(y)) for y in years]
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_as_of(self):
        value = self.cleaned_data.get("as_of")
        try:
            return indicators.parse_as_of(value)
        except ValidationError as error:
            raise ValidationError(error.messages)

    def filters(self) -> Filters:
        data = self.cleaned_data
        return indicators.parse_filters(
            programme=data.get("programme", ""), year=data.get("year"), region=data.get("region", "")
        )


class ReportJobForm(DashboardFilterForm):
    """The report asked in the admin: the dashboard's date and filters, checked the same way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].help_text = _("Vide : aujourd'hui.")

    def parameters(self) -> dict:
        filters = self.filters()
        return {
            "as_of": self.cleaned_data["as_of"].isoformat(),
            "programme": filters.programme,
            "region": filters.region,
            "year": filters.year,
        }
