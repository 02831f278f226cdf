"""Page models and site settings of the public site."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from content.blocks import BodyBlock, LiveFigureBlock
from content.indicator_blocks import indicator_section
from reports import indicators
from reports.indicators import parse_as_of
from reports.registry import public_indicators
from reports.snapshot import Filters
from workflows import selectors
from workflows.models import Project


def _legal_page_field(verbose_name) -> models.ForeignKey:
    return models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


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
    contact_address = models.TextField(
        _("adresse postale"),
        blank=True,
        default="Direction générale de l'offre de soins\n14 avenue Duquesne\n75350 Paris 07 SP",
    )
    footer_links = StreamField(
        [
            (
                "link",
                blocks.StructBlock(
                    [
                        ("label", blocks.CharBlock(label=_("intitulé"))),
                        ("url", blocks.CharBlock(label=_("adresse"), help_text=_("Ex. : /a-propos/"))),
                    ],
                    label=_("lien"),
                ),
            )
        ],
        verbose_name=_("liens du pied de page"),
        blank=True,
    )
    accessibility_status = models.CharField(
        _("conformité RGAA"),
        max_length=4,
        choices=[("FULL", _("totale")), ("PART", _("partielle")), ("NOT", _("non conforme"))],
        # RGAA: a site that has not been audited must declare itself "non conforme".
        default="NOT",
    )
    legal_notice_page = _legal_page_field(_("page « Mentions légales »"))
    personal_data_page = _legal_page_field(_("page « Données personnelles »"))
    cookies_page = _legal_page_field(_("page « Gestion des cookies »"))
    accessibility_page = _legal_page_field(_("page « Accessibilité » (déclaration RGAA)"))
    sitemap_page = _legal_page_field(_("page « Plan du site »"))
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
                FieldPanel("contact_address"),
                FieldPanel("footer_links"),
                FieldPanel("accessibility_status"),
            ],
            heading=_("Pied de page"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("legal_notice_page"),
                FieldPanel("personal_data_page"),
                FieldPanel("cookies_page"),
                FieldPanel("accessibility_page"),
                FieldPanel("sitemap_page"),
            ],
            heading=_("Pages obligatoires des sites de l'État (liées au pied de page)"),
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

    def legal_links(self, request=None) -> list[dict]:
        """The footer's mandatory links, in the DSFR order, with one query for the five pages.

        The accessibility link carries the RGAA status ("Accessibilité : partiellement conforme")."""
        wanted = [
            ("sitemap_page_id", _("Plan du site")),
            ("accessibility_page_id", _("Accessibilité : %(status)s") % {"status": self.accessibility_label}),
            ("legal_notice_page_id", _("Mentions légales")),
            ("personal_data_page_id", _("Données personnelles")),
            ("cookies_page_id", _("Gestion des cookies")),
        ]
        ids = [getattr(self, attribute) for attribute, _label in wanted if getattr(self, attribute)]
        pages = {page.pk: page for page in Page.objects.live().filter(pk__in=ids)} if ids else {}
        links = []
        for attribute, label in wanted:
            page = pages.get(getattr(self, attribute))
            url = page.get_url(request) if page else None
            if url or attribute == "accessibility_page_id":
                links.append({"label": label, "url": url, "key": attribute.removesuffix("_page_id")})
        return links

    @property
    def accessibility_label(self) -> str:
        """The RGAA wording of the status: "totalement conforme", "partiellement conforme"…"""
        return str(
            ACCESSIBILITY_WORDING.get(self.accessibility_status, self.get_accessibility_status_display())
        )


ACCESSIBILITY_WORDING = {
    "FULL": _("totalement conforme"),
    "PART": _("partiellement conforme"),
    "NOT": _("non conforme"),
}


class HomePage(Page):
    """The site root: editorial intro, live key figures, featured stories, free content."""

    intro = RichTextField(_("introduction"), blank=True)
    figures = StreamField(
        [("figure", LiveFigureBlock())],
        verbose_name=_("chiffres clés"),
        blank=True,
        help_text=_("Vide : les chiffres clés par défaut (projets, montants attribués et délégués…)."),
    )
    featured_stories = StreamField(
        [("story", blocks.PageChooserBlock(page_type="content.StoryPage", label=_("actualité")))],
        verbose_name=_("actualités à la une"),
        blank=True,
        help_text=_("Vide : les trois actualités les plus récentes."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("figures"),
        FieldPanel("featured_stories"),
        FieldPanel("body"),
    ]
    subpage_types = [
        "content.DirectoryPage",
        "content.StandardPage",
        "content.StoryIndexPage",
        "content.SitemapPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("page d'accueil")

    def get_context(self, request, *args, **kwargs):
        from content.figures import key_figures

        context = super().get_context(request, *args, **kwargs)
        if self.figures:
            chosen = [key_figure_for(block.value) for block in self.figures]
            context["key_figures"] = [f for f in chosen if f is not None]
        else:
            context["key_figures"] = key_figures()
        stories = [
            block.value.specific for block in self.featured_stories if block.value and block.value.live
        ]
        context["stories"] = stories or list(
            StoryPage.objects.live().public().order_by("-date", "-first_published_at")[:3]
        )
        context["directory"] = DirectoryPage.objects.live().first()
        return context


def key_figure_for(value):
    from content.figures import key_figure

    return key_figure(value["figure"], value.get("programme") or None)


class DirectoryPage(Page):
    """Entry point of the project directory: editors write its intro; `/projets/` is served by
    `content.directory.views` (stable URL), which reads this page for its title and intro."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("annuaire des projets")

    def serve(self, request, *args, **kwargs):
        # The directory's own view, found through its URL (this model never imports the views
        # that import it back).
        return resolve(reverse("projects:list")).func(request, page=self)


class StandardPage(Page):
    """A free editorial page (about, methodology, a section listing its child pages)."""

    intro = models.TextField(_("chapô"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("contenu"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["content.StandardPage", "content.ProgrammePage"]

    class Meta:
        verbose_name = _("page standard")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context


class SitemapPage(Page):
    """The HTML "Plan du site" French State websites carry: every public page of the tree, then
    the directory, indicators and open-data areas, built live so it never goes stale."""

    intro = models.TextField(_("chapô"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("plan du site")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tree"] = site_tree(self.get_site().root_page if self.get_site() else None, request)
        context["other_areas"] = [
            {"url": "/donnees/", "title": _("Données ouvertes")},
            {"url": "/donnees/latest/", "title": _("Dernière publication des données")},
            {"url": "/api/v1/docs/", "title": _("Documentation de l'API")},
            {"url": "/portail/", "title": _("Espace établissements (connexion)")},
        ]
        return context


def site_tree(root: Page | None, request=None) -> list[dict]:
    """Live public pages under `root` (root first) as nested `{"title", "url", "children"}`,
    from one query; project pages are reached from the directory, not listed here."""
    if root is None:
        return []
    pages = list(Page.objects.live().public().descendant_of(root, inclusive=True).order_by("path"))
    nodes = {page.path: {"title": page.title, "url": page.get_url(request), "children": []} for page in pages}
    top = []
    for page in pages:
        parent = nodes.get(page.path[: -Page.steplen])
        (parent["children"] if parent and page.pk != root.pk else top).append(nodes[page.path])
    return top


class ProgrammePage(Page):
    """One per programme: editors explain it; figures and projects are live from the portfolio."""

    programme = models.OneToOneField(
        "workflows.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="page",
    )
    intro = models.TextField(_("chapô"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("explication"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("programme"), FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["content.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page programme")

    def get_context(self, request, *args, **kwargs):
        from content.directory.queries import directory_queryset
        from content.figures import key_figures

        context = super().get_context(request, *args, **kwargs)
        code = self.programme.code
        context["key_figures"] = key_figures(
            ("projects", "in_progress", "awarded", "delegated"), programme_code=code
        )
        projects = directory_queryset().filter(call__programme=self.programme)
        context["by_year"] = sorted(selectors.facet_counts(projects, "call__year").items(), reverse=True)[:10]
        context["latest_projects"] = list(projects.order_by("-call_year", "public_id")[:6])
        context["directory_url"] = f"/projets/?programme={code}"
        return context


class StoryIndexPage(Page):
    """The news section: lists its stories, newest first."""

    intro = models.TextField(_("chapô"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.StoryPage"]

    class Meta:
        verbose_name = _("index des actualités")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        stories = StoryPage.objects.child_of(self).live().public().order_by("-date", "-first_published_at")
        context["page_obj"] = Paginator(stories, 12).get_page(request.GET.get("page"))
        return context


class StoryKind(models.TextChoices):
    NEWS = "news", _("Actualité")
    PROJECT = "project", _("Histoire de projet")


class StoryPage(Page):
    """News or a project story, written by the communication team and published by moderation."""

    kind = models.CharField(_("type"), max_length=10, choices=StoryKind.choices, default=StoryKind.NEWS)
    date = models.DateField(_("date"), default=datetime.date.today)
    intro = models.TextField(
        _("chapô"), help_text=_("Résumé affiché sur les cartes et les moteurs de recherche.")
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("contenu"), blank=True)
    project_ids = models.CharField(
        _("projets liés"),
        max_length=400,
        blank=True,
        help_text=_("Identifiants publics séparés par des espaces, ex. : PHRCN-2016-0001"),
    )

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("kind"), FieldPanel("date")], heading=_("Publication")),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("project_ids"),
    ]
    parent_page_types = ["content.StoryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("actualité")

    @property
    def public_ids(self) -> list[str]:
        return [
            value.strip().upper() for value in self.project_ids.replace(",", " ").split() if value.strip()
        ]

    def clean(self) -> None:
        super().clean()

        ids = self.public_ids
        known = set(Project.objects.public().filter(public_id__in=ids).values_list("public_id", flat=True))
        unknown = [value for value in ids if value not in known]
        if unknown:
            raise ValidationError(
                {"project_ids": _("Projets inconnus ou non publiés : %(ids)s") % {"ids": ", ".join(unknown)}}
            )
        if self.date and self.date > timezone.localdate() + datetime.timedelta(days=365):
            raise ValidationError({"date": _("La date est trop lointaine.")})

    def get_context(self, request, *args, **kwargs):
        from content.directory.queries import directory_queryset

        context = super().get_context(request, *args, **kwargs)
        context["projects"] = list(directory_queryset().filter(public_id__in=self.public_ids))
        return context


# Indicators page (reports area): self-contained, reads everything through `reports.indicators`.


def _public_indicator_choices() -> list[tuple[str, str]]:

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

    def indicator_sections(self, as_of: datetime.date | None = None) -> list[dict]:
        """Each public indicator on `as_of` (default today): table, inline charts, links."""

        notes = {note.indicator: note.note for note in self.indicator_notes.all()}
        with indicators.shared_snapshot():
            return [
                indicator_section(ind.key, as_of=as_of, base=self.url or "", note=notes.get(ind.key, ""))
                for ind in indicators.public_indicators()
            ]

    def as_of_from(self, request) -> tuple[datetime.date | None, str]:
        """The `?au=AAAA-MM-JJ` date a citizen chose (None: today), or a French error message."""

        raw = request.GET.get("au", "").strip()
        if not raw:
            return None, ""
        try:
            return parse_as_of(raw), ""
        except ValidationError as error:
            return None, error.messages[0]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        as_of, error = self.as_of_from(request)
        context.update(
            sections=self.indicator_sections(as_of),
            as_of=as_of,
            as_of_error=error,
            as_of_value=(as_of or timezone.localdate()).isoformat(),
            today=timezone.localdate().isoformat(),
        )
        return context

    @path("")
    def index(self, request):
        return self.render(request)

    @path("<slug:key>/<str:file_format>/")
    def download(self, request, key: str, file_format: str):
        from django.core.exceptions import ValidationError
        from django.http import Http404, HttpResponse

        ind = indicators.INDICATORS.get(key)
        if ind is None or not ind.public or file_format not in DOWNLOAD_TYPES:
            raise Http404(_("Indicateur ou format inconnu."))
        filters = Filters(public_only=True)
        as_of = request.GET.get("au") or None
        try:
            if file_format in ("svg", "png"):
                data = indicators.chart(key, file_format, as_of, filters=filters)
            else:
                data = indicators.download(key, file_format, as_of, filters=filters)
        except ValidationError as error:
            raise Http404(error.messages[0])
        response = HttpResponse(data, content_type=DOWNLOAD_TYPES[file_format])
        disposition = "inline" if file_format in ("svg", "png") else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{ind.file_stem}.{file_format}"'
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
