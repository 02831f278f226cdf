"""Page models and site settings of the public site."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page


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
