"""Small forms of the desk: the comment of a transition, a new delegation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )

    def __init__(self, *args, needs_comment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["comment"]
        field.required = needs_comment
        field.error_messages["required"] = _("Un commentaire est obligatoire pour cette action.")
        if needs_comment:
            field.help_text = _("Obligatoire : il est transmis à l'établissement.")

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if self.fields["comment"].required and not comment:
            raise forms.ValidationError(_("Un commentaire est obligatoire pour cette action."))
        return comment


class DelegationForm(forms.Form):
    reference = forms.CharField(label=_("Référence de la circulaire budgétaire"), max_length=100)
    circular_date = forms.DateField(
        label=_("Date de la circulaire"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Saisissez une date valide (AAAA-MM-JJ).")},
    )
