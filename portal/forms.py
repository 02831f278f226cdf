"""Portal forms, on django-dsfr's base so labels and errors follow the design system.

Forms carry only what the establishment may set (dates, comments, files, a choice among its own
establishments or its milestone's evidence types): never a state, an amount or an establishment id
it does not belong to. Files are checked by `inspect_upload` in `clean`, before anything is stored.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from workflows.documents import ALLOWED_LABEL, inspect_upload
from workflows.models import Establishment, EvidenceType, Programme, ProjectStatus


class LoginForm(auth_forms.AuthenticationForm, DsfrBaseForm):
    # Labelled here: DsfrBaseForm gives every unlabelled field its English name ("Username") before
    # AuthenticationForm could take the user model's translated one.
    username = auth_forms.UsernameField(
        label=_("Nom d’utilisateur"), widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Identifiant ou mot de passe incorrect. Après plusieurs échecs, la connexion est "
            "temporairement bloquée pour ce compte et depuis cette adresse."
        ),
        "inactive": _("Ce compte est désactivé."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm, DsfrBaseForm):
    pass


class SetPasswordForm(auth_forms.SetPasswordForm, DsfrBaseForm):
    pass


class PasswordChangeForm(auth_forms.PasswordChangeForm, DsfrBaseForm):
    pass


class EstablishmentSwitchForm(DsfrBaseForm):
    establishment = forms.ModelChoiceField(
        label=_("Établissement"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Vous n'êtes pas rattaché à cet établissement.")},
    )

    def __init__(self, *args, establishments, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["establishment"].queryset = Establishment.objects.filter(
            pk__in=[e.pk for e in establishments]
        ).order_by("name")


class DashboardFilterForm(DsfrBaseForm):
    q = forms.CharField(
        label=_("Rechercher un projet"),
        help_text=_("Acronyme, mots du titre ou du résumé, porteur, identifiant, numéro d'essai…"),
        required=False,
        max_length=100,
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.order_by("code"),
        required=False,
        empty_label=_("Tous les programmes"),
        to_field_name="code",
    )
    year = forms.TypedChoiceField(label=_("Année de sélection"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("Statut du projet"),
        required=False,
        choices=[("", _("Tous les statuts")), *ProjectStatus.choices],
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Toutes les années"))] + [(y, str(y)) for y in years]
        self.fields["programme"].label_from_instance = lambda programme: programme.code


class EvidenceFileField(forms.FileField):
    """A file checked by content, size and name; cleans to a `workflows.documents.InspectedUpload`."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("Formats acceptés : %(formats)s. Taille maximale : %(max)s Mo.")
            % {"formats": ALLOWED_LABEL, "max": settings.MAX_UPLOAD_SIZE // (1024 * 1024)},
        )
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(
                attrs={"class": "fr-upload", "accept": ".pdf,.odt,.docx,.xlsx,.png,.jpg,.jpeg"}
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choisissez un fichier à déposer."),
                "empty": _("Le fichier est vide."),
                "invalid": _("Aucun fichier n'a été reçu : vérifiez le formulaire."),
            },
        )
        super().__init__(**kwargs)
        self.widget.group_class = "fr-upload-group"

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return None
        return inspect_upload(uploaded)

    def to_python(self, data):
        # Let inspect_upload report an empty file with its own message (after name checks).
        if data in self.empty_values:
            return None
        if not getattr(data, "name", None):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return data


class EvidenceFieldsMixin:
    """One optional file field per evidence type the milestone requires (the checklist)."""

    def add_evidence_fields(self, evidence_types) -> None:
        self.evidence_types = list(evidence_types)
        for evidence_type in self.evidence_types:
            self.fields[self.evidence_field_name(evidence_type)] = EvidenceFileField(
                label=evidence_type.label, required=False
            )

    @staticmethod
    def evidence_field_name(evidence_type) -> str:
        return f"evidence_{evidence_type.pk}"

    def evidence_uploads(self) -> list[tuple[EvidenceType, object]]:
        return [
            (evidence_type, self.cleaned_data[self.evidence_field_name(evidence_type)])
            for evidence_type in self.evidence_types
            if self.cleaned_data.get(self.evidence_field_name(evidence_type))
        ]


class MilestoneDeclarationForm(EvidenceFieldsMixin, DsfrBaseForm):
    reached_on = forms.DateField(
        label=_("Date à laquelle le jalon a été atteint"),
        help_text=_("Format : jj/mm/aaaa, ou choisissez la date dans le calendrier"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indiquez la date à laquelle le jalon a été atteint."),
            "invalid": _("Saisissez une date valide, par exemple 15/03/2025."),
        },
    )
    comment = forms.CharField(
        label=_("Commentaire pour la DGOS"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        if milestone.declared_on and not self.is_bound:
            self.initial.setdefault("reached_on", milestone.declared_on)
            self.initial.setdefault("comment", milestone.declaration_comment)
        self.add_evidence_fields(milestone.evidence_types.all())

    def clean_reached_on(self):
        value = self.cleaned_data["reached_on"]
        if value > timezone.localdate():
            raise ValidationError(_("La date d'atteinte du jalon ne peut pas être dans le futur."))
        return value


class EvidenceUploadForm(DsfrBaseForm):
    evidence_type = forms.ModelChoiceField(
        label=_("Type de justificatif"),
        queryset=EvidenceType.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Ce type de justificatif n'est pas demandé pour ce jalon.")},
    )
    file = EvidenceFileField(label=_("Fichier"))

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_type"].queryset = milestone.evidence_types.order_by("label")


class SubmitForm(DsfrBaseForm):
    comment = forms.CharField(
        label=_("Message pour la DGOS (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChangesAnswerForm(EvidenceFieldsMixin, DsfrBaseForm):
    comment = forms.CharField(
        label=_("Votre réponse à la demande de compléments"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Répondez à la demande de compléments avant de renvoyer la demande.")},
    )

    def __init__(self, *args, milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_evidence_fields(milestone.evidence_types.all())


class WithdrawForm(DsfrBaseForm):
    comment = forms.CharField(
        label=_("Motif du retrait (facultatif)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
