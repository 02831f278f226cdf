"""Small forms of the desk: the comment of a transition, a new delegation, a payment, a selection."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.models import Delegation, DelegationStatus


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


class PaymentForm(forms.Form):
    """Date and reference of a delegation's payment (both required; the service checks the dates)."""

    paid_on = forms.DateField(
        label=_("Date du versement"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("La date du versement est obligatoire."),
            "invalid": _("Saisissez une date valide (AAAA-MM-JJ)."),
        },
    )
    payment_reference = forms.CharField(
        label=_("Référence du versement"),
        max_length=100,
        help_text=_("Par exemple le numéro de l'arrêté ou de la pièce comptable."),
        error_messages={"required": _("La référence du versement est obligatoire.")},
    )

    def clean_paid_on(self) -> datetime.date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("La date du versement ne peut pas être dans le futur."))
        return paid_on


NEW_DELEGATION = "new"


class SelectionToDelegationForm(forms.Form):
    """Where the selected validated tranches go: a draft delegation, or a new one described here."""

    target = forms.ChoiceField(label=_("Ajouter la sélection à"))
    reference = forms.CharField(
        label=_("Référence de la nouvelle circulaire"), max_length=100, required=False
    )
    circular_date = forms.DateField(
        label=_("Date de la nouvelle circulaire"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Saisissez une date valide (AAAA-MM-JJ).")},
    )

    def __init__(self, *args, drafts=None, **kwargs):
        super().__init__(*args, **kwargs)
        drafts = drafts if drafts is not None else Delegation.objects.filter(status=DelegationStatus.DRAFT)
        self.fields["target"].choices = [(NEW_DELEGATION, _("une nouvelle délégation"))] + [
            (str(d.pk), _("la délégation %(ref)s (en préparation)") % {"ref": d.reference}) for d in drafts
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("target") == NEW_DELEGATION:
            if not (cleaned.get("reference") or "").strip():
                self.add_error("reference", _("La référence de la circulaire est obligatoire."))
            if not cleaned.get("circular_date") and "circular_date" not in self.errors:
                self.add_error("circular_date", _("La date de la circulaire est obligatoire."))
        return cleaned
