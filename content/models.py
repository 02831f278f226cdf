"""Page models and site settings of the public site."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """Identity shown in the DSFR header and footer; attribute names follow django-dsfr's."""

    site_title = models.CharField(_("titre du site"), max_length=200, default="SIRANo")
    site_tagline = models.CharField(
        _("sous-titre"),
        max_length=200,
        default="Suivi des projets de recherche appliquée en santé financés par la DGOS",
    )
    header_brand_html = models.CharField(
        _("marque de l'État (en-tête)"), max_length=200, default="Ministère<br>chargé<br>de la santé"
    )
    footer_brand_html = models.CharField(
        _("marque de l'État (pied de page)"), max_length=200, default="Ministère<br>chargé<br>de la santé"
    )
    footer_description = models.TextField(
        _("texte du pied de page"),
        blank=True,
        default=(
            "SIRANo est la plateforme de la Direction générale de l'offre de soins (DGOS) pour le "
            "suivi des projets de recherche appliquée en santé qu'elle finance."
        ),
    )
    contact_email = models.EmailField(_("adresse de contact"), default="dgos-pf4@sante.gouv.fr")
    accessibility_status = models.CharField(
        _("conformité RGAA"),
        max_length=4,
        choices=[("FULL", _("totale")), ("PART", _("partielle")), ("NOT", _("non conforme"))],
        default="PART",
    )
    beta_tag = models.BooleanField(_("afficher le badge BETA"), default=True)
    mourning = models.BooleanField(_("mode deuil"), default=False)
    notice_title = models.CharField(_("bandeau d'information"), max_length=200, blank=True)
    notice_description = models.CharField(_("texte du bandeau"), max_length=400, blank=True)
    notice_link = models.URLField(_("lien du bandeau"), blank=True)
    notice_type = "info"
    notice_icon_class = ""
    notice_is_collapsible = True

    panels = [
        MultiFieldPanel(
            [FieldPanel("site_title"), FieldPanel("site_tagline"), FieldPanel("beta_tag")],
            heading=_("Identité"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("header_brand_html"),
                FieldPanel("footer_brand_html"),
                FieldPanel("footer_description"),
                FieldPanel("contact_email"),
                FieldPanel("accessibility_status"),
            ],
            heading=_("Pied de page"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("notice_title"),
                FieldPanel("notice_description"),
                FieldPanel("notice_link"),
                FieldPanel("mourning"),
            ],
            heading=_("Bandeau"),
        ),
    ]

    class Meta:
        verbose_name = _("identité du site")


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")


# Indicators page (reports area): self-contained, reads everything through `reports.indicators`.


def _public_indicator_choices() -> list[tuple[str, str]]:
    from reports.registry import public_indicators

    return [(ind.key, ind.title) for ind in public_indicators()]


class IndicatorsPage(RoutablePageMixin, Page):
    """Public indicators with their charts, data tables, downloads and the editors' method notes.

    Sub-routes serve each chart and table: `<key>/svg/`, `<key>/png/`, `<key>/csv/`, `<key>/xlsx/`.
    Figures come from the reports cache; only public projects are counted.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("indicator_notes", label=_("notes de méthode par indicateur")),
    ]
    parent_page_types = ["wagtailcore.Page", "content.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "content/indicators_page.html"

    class Meta:
        verbose_name = _("page des indicateurs")

    def indicator_sections(self) -> list[dict]:
        from reports import indicators
        from reports.snapshot import Filters

        notes = {note.indicator: note.note for note in self.indicator_notes.all()}
        base = self.url or ""
        sections = []
        for ind in indicators.public_indicators():
            sections.append(
                {
                    "indicator": ind,
                    "table": indicators.table(ind.key, filters=Filters(public_only=True)),
                    "note": notes.get(ind.key, ""),
                    "links": {fmt: f"{base}{ind.key}/{fmt}/" for fmt in ("svg", "png", "csv", "xlsx")},
                }
            )
        return sections

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.indicator_sections()
        return context

    @path("")
    def index(self, request):
        return self.render(request)

    @path("<slug:key>/<str:file_format>/")
    def download(self, request, key: str, file_format: str):
        from django.core.exceptions import ValidationError
        from django.http import Http404, HttpResponse

        from reports import indicators
        from reports.snapshot import Filters

        ind = indicators.INDICATORS.get(key)
        if ind is None or not ind.public or file_format not in DOWNLOAD_TYPES:
            raise Http404(_("Indicateur ou format inconnu."))
        filters = Filters(public_only=True)
        try:
            if file_format in ("svg", "png"):
                data = indicators.chart(key, file_format, filters=filters)
            else:
                data = indicators.download(key, file_format, filters=filters)
        except ValidationError as error:
            raise Http404(error.messages[0])
        response = HttpResponse(data, content_type=DOWNLOAD_TYPES[file_format])
        disposition = "inline" if file_format in ("svg", "png") else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="sirano-{key}.{file_format}"'
        response["Cache-Control"] = "public, max-age=300"
        return response


DOWNLOAD_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class IndicatorNote(Orderable):
    """An editor's method note shown under one indicator of the indicators page."""

    page = ParentalKey(IndicatorsPage, on_delete=models.CASCADE, related_name="indicator_notes")
    indicator = models.CharField(_("indicateur"), max_length=60, choices=_public_indicator_choices)
    note = RichTextField(_("note de méthode"), features=["bold", "italic", "link", "ul", "ol"])

    panels = [FieldPanel("indicator"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("note de méthode")
        verbose_name_plural = _("notes de méthode")
        constraints = [models.UniqueConstraint(fields=["page", "indicator"], name="unique_indicator_note")]
