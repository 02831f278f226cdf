"""StreamField blocks editors compose pages with: text, image, quote, call-out, a live key figure
and a list of projects configured with the directory's filters."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from formatting import sorted_french
from workflows.models import Discipline, EstablishmentType, Programme, ProjectStatus, Region


def _figure_choices():
    from content.figures import figure_choices

    return figure_choices()


def _programme_choices():

    return [("", _("Tous les programmes"))] + [
        (code, f"{code} — {name}") for code, name in Programme.objects.values_list("code", "name")
    ]


def _discipline_choices():

    disciplines = sorted_french(Discipline.objects.values_list("code", "label"), key=lambda choice: choice[1])
    return [("", _("Toutes les disciplines")), *disciplines]


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("texte alternatif"),
        required=False,
        help_text=_("Laisser vide si l'image est décorative (RGAA 1.2)."),
    )
    caption = blocks.CharBlock(label=_("légende"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "content/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("citation"))
    author = blocks.CharBlock(label=_("auteur"), required=False)
    source = blocks.CharBlock(label=_("source ou fonction"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Citation")
        template = "content/blocks/quote.html"


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), required=False)
    text = blocks.TextBlock(label=_("texte"))
    link_text = blocks.CharBlock(label=_("texte du lien"), required=False)
    link_url = blocks.CharBlock(label=_("adresse du lien"), required=False, help_text=_("Ex. : /projets/"))

    class Meta:
        icon = "help"
        label = _("Mise en avant")
        template = "content/blocks/callout.html"


class LiveFigureBlock(blocks.StructBlock):
    """A key figure from `content.figures.REGISTRY`, recomputed (and cached) at render time."""

    figure = blocks.ChoiceBlock(choices=_figure_choices, label=_("chiffre"))
    programme = blocks.ChoiceBlock(choices=_programme_choices, required=False, label=_("programme"))

    class Meta:
        icon = "order"
        label = _("Chiffre clé en direct")
        template = "content/blocks/live_figure.html"

    def get_context(self, value, parent_context=None):
        from content.figures import key_figure

        context = super().get_context(value, parent_context)
        context["figure"] = key_figure(value["figure"], value.get("programme") or None)
        return context


class ProjectListBlock(blocks.StructBlock):
    """Projects matching editor-chosen filters, with a link to the same search in the directory."""

    title = blocks.CharBlock(label=_("titre"), required=False)
    query = blocks.CharBlock(label=_("mots-clés"), required=False)
    programme = blocks.ChoiceBlock(choices=_programme_choices, required=False, label=_("programme"))
    year = blocks.IntegerBlock(label=_("année de sélection"), required=False, min_value=2000, max_value=2100)
    discipline = blocks.ChoiceBlock(choices=_discipline_choices, required=False, label=_("discipline"))
    region = blocks.ChoiceBlock(
        choices=[("", _("Toutes les régions")), *Region.choices], required=False, label=_("région")
    )
    establishment_type = blocks.ChoiceBlock(
        choices=[("", _("Tous les types")), *EstablishmentType.choices],
        required=False,
        label=_("type d'établissement"),
    )
    status = blocks.ChoiceBlock(
        choices=[("", _("Tous les statuts")), *ProjectStatus.choices], required=False, label=_("statut")
    )
    sort = blocks.ChoiceBlock(
        choices=[("-annee", _("les plus récents")), ("-montant", _("les mieux financés"))],
        default="-annee",
        label=_("ordre"),
    )
    limit = blocks.IntegerBlock(label=_("nombre de projets"), default=6, min_value=1, max_value=24)

    class Meta:
        icon = "list-ul"
        label = _("Liste de projets")
        template = "content/blocks/project_list.html"

    @staticmethod
    def directory_params(value) -> dict[str, str]:
        """The block's filters as directory GET parameters (the same filter code serves both)."""
        mapping = {
            "q": value.get("query"),
            "programme": value.get("programme"),
            "annee": value.get("year"),
            "discipline": value.get("discipline"),
            "region": value.get("region"),
            "type": value.get("establishment_type"),
            "statut": value.get("status"),
        }
        params = {k: str(v) for k, v in mapping.items() if v not in (None, "")}
        params["tri"] = value.get("sort") or "-annee"
        return params

    def get_context(self, value, parent_context=None):
        from django.http import QueryDict

        from content.directory.filters import ProjectFilter, facet_choices
        from content.directory.queries import directory_queryset

        context = super().get_context(value, parent_context)
        params = self.directory_params(value)
        data = QueryDict(mutable=True)
        data.update(params)
        filterset = ProjectFilter(data, directory_queryset(), choices=facet_choices())
        queryset = filterset.qs.order_by(*filterset.ordering())
        context["projects"] = list(queryset[: value.get("limit") or 6])
        context["total"] = queryset.count()
        context["directory_url"] = "/projets/?" + urlencode(params)
        return context


class BodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        label=_("Texte"), features=["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]
    )
    image = ImageBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    live_figure = LiveFigureBlock()
    project_list = ProjectListBlock()
