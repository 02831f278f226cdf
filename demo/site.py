"""Demo step: the public page tree (home, directory, programme pages, news, about), published,
plus the moderation workflow. Idempotent; pages are found by slug under the home page."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from content import legal
from content.models import (
    DirectoryPage,
    HomePage,
    ProgrammePage,
    SiteIdentity,
    SitemapPage,
    StandardPage,
    StoryIndexPage,
    StoryKind,
    StoryPage,
)
from content.moderation import ensure_moderation
from workflows import services
from workflows.data_version import bump_on_commit
from workflows.models import Discipline, Establishment, Investigator, Programme, Project
from workflows.reference import get_or_create_call

HOME_INTRO = (
    "<p>Chaque année, la Direction générale de l'offre de soins (DGOS) finance environ deux cents "
    "projets de recherche appliquée en santé menés dans les hôpitaux. SIRANo rend compte de leur "
    "avancement et des crédits versés, projet par projet.</p>"
)
PROGRAMME_INTROS = {
    "PHRCN": "Le PHRC national finance des essais cliniques à fort impact sur la prise en charge des patients.",
    "PHRCK": "Piloté par l'Institut national du cancer, il finance la recherche clinique en cancérologie.",
    "PHRCI": "Animé par les sept GIRCI, il soutient des projets de recherche clinique à l'échelle interrégionale.",
    "PRME": "Il évalue l'efficience des innovations en santé pour éclairer leur prise en charge par l'Assurance maladie.",
    "PRMEK": "Le volet cancérologie du programme de recherche médico-économique, piloté par l'INCa.",
    "PREPS": "Il finance des recherches sur l'organisation, la qualité et la sécurité des soins.",
    "PHRIP": "Il soutient la recherche portée par les infirmiers et les professionnels paramédicaux.",
    "PRTS": "Il finance, avec l'ANR, des projets translationnels entre recherche fondamentale et clinique.",
    "PRTK": "Le volet cancérologie de la recherche translationnelle, piloté par l'INCa.",
    "RESPIR": "Des appels thématiques lancés selon les priorités de santé publique.",
}


def _text(html: str) -> list[tuple[str, str]]:
    return [("text", html)]


def _publish(page: Page) -> None:
    page.save_revision().publish()


def ensure_home() -> HomePage:
    """The HomePage at the default site's root (created, or the one a migration put there)."""

    # A flushed database (transactional tests) has lost Wagtail's migration-made root and locale.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant("fr"))
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(
            instance=HomePage(
                title="Suivre la recherche en santé financée par l'État", slug="accueil", intro=HOME_INTRO
            )
        )
    if not home.intro:
        home.intro = HOME_INTRO
        _publish(home)
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="SIRANo"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    # Wagtail's placeholder "Welcome" page is no longer the site root; drop it.
    Page.objects.filter(depth=2, content_type__model="page", slug="home").exclude(pk=home.pk).delete()
    return home


def _child(parent: Page, model, slug: str, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=model(slug=slug, **fields))
        _publish(page)
    return page


def ensure_journey_project() -> Project:
    """A public PHRCN 2016 cardiology project, so the documented journey works on any seed."""

    cardiology = Discipline.objects.get(code="cardiologie")
    existing = (
        Project.objects.public()
        .filter(call__code="PHRCN", call__year=2016, discipline=cardiology)
        .order_by("public_id")
        .first()
    )
    if existing:
        return existing
    establishment = Establishment.objects.filter(finess="690781810").first() or Establishment.objects.first()
    investigator = Investigator.objects.create(title="Pr", last_name="MERCIER", first_name="Claire")
    return services.select_project(
        actor=User.objects.filter(is_superuser=True).first(),
        call=get_or_create_call("PHRCN", 2016),
        acronym="TELECARD",
        title="Télésurveillance de l'insuffisance cardiaque après hospitalisation : essai randomisé",
        summary="Essai multicentrique comparant la télésurveillance au suivi habituel après une hospitalisation.",
        discipline=cardiology,
        discipline_raw="cardiologie",
        establishment=establishment,
        investigator=investigator,
        award_amount=Decimal("612000.00"),
        selected_on=datetime.date(2016, 11, 14),
        status="in_progress",
    )


def build_site(*, rng: random.Random, today: datetime.date, stdout=None) -> dict:
    with transaction.atomic():
        home = ensure_home()
        ensure_moderation()
        ensure_journey_project()
        directory = _child(
            home,
            DirectoryPage,
            "projets",
            title="Projets financés",
            intro="<p>Tous les projets de recherche financés et publiés : cherchez, filtrez, téléchargez.</p>",
        )
        section = _child(
            home,
            StandardPage,
            "programmes",
            title="Les programmes de recherche",
            intro="La DGOS finance la recherche appliquée en santé au travers de plusieurs programmes annuels.",
        )
        programme_pages = []
        for programme in Programme.objects.order_by("code"):
            programme_pages.append(
                _child(
                    section,
                    ProgrammePage,
                    programme.code.lower(),
                    title=f"{programme.name} ({programme.code})",
                    programme=programme,
                    intro=PROGRAMME_INTROS.get(programme.code, programme.description),
                    body=[
                        (
                            "project_list",
                            {
                                "title": "Projets les mieux financés",
                                "programme": programme.code,
                                "sort": "-montant",
                                "limit": 4,
                            },
                        )
                    ],
                )
            )
        news = _child(
            home,
            StoryIndexPage,
            "actualites",
            title="Actualités",
            intro="Les nouvelles des programmes et des projets financés.",
        )
        stories = _stories(news, rng=rng, today=today)
        _child(
            home,
            StandardPage,
            "a-propos",
            title="À propos",
            intro="SIRANo est la plateforme de suivi des projets de recherche appliquée en santé financés par la DGOS.",
            body=[
                (
                    "text",
                    "<h2>Ce que vous trouverez ici</h2><p>Pour chaque projet : son appel à projets, "
                    "l'établissement qui le coordonne, son porteur, le montant attribué, les étapes "
                    "atteintes et les crédits délégués. Les données sont aussi publiées en données "
                    "ouvertes.</p>",
                ),
                ("live_figure", {"figure": "projects", "programme": ""}),
                ("live_figure", {"figure": "delegated", "programme": ""}),
                (
                    "quote",
                    {
                        "text": "Rendre compte de l'argent public consacré à la recherche, c'est aussi "
                        "faire connaître ce qu'elle apporte aux patients.",
                        "author": "Direction générale de l'offre de soins",
                        "source": "",
                    },
                ),
                (
                    "callout",
                    {
                        "title": "Une question sur un projet ?",
                        "text": "Écrivez à l'équipe de la DGOS : l'adresse figure en bas de chaque page.",
                        "link_text": "Parcourir les projets",
                        "link_url": "/projets/",
                    },
                ),
            ],
        )
        _footer_links(home)
        _legal_pages(home)
    bump_on_commit()  # bulk-created demo records fire no save signal: recompute figures on next view
    if stdout is not None:
        stdout.write(
            f"Site public : accueil, annuaire, {len(programme_pages)} pages programme, "
            f"{len(stories)} actualités."
        )
    return {"home": home, "directory": directory, "programmes": programme_pages, "stories": stories}


def _footer_links(home: HomePage) -> None:

    site = Site.objects.filter(root_page=home).first()
    if site is None:
        return
    identity = SiteIdentity.for_site(site)
    if not identity.footer_links:
        identity.footer_links = [
            ("link", {"label": "À propos", "url": "/a-propos/"}),
            ("link", {"label": "Actualités", "url": "/actualites/"}),
            ("link", {"label": "Les programmes", "url": "/programmes/"}),
        ]
        identity.save()


def _legal_pages(home: HomePage) -> None:
    """The pages French State websites must carry, editable, linked from the footer."""

    site = Site.objects.filter(root_page=home).first()
    identity = SiteIdentity.for_site(site) if site else None
    for slug, (title, intro, body, field) in legal.PAGES.items():
        page = _child(
            home, StandardPage, slug, title=title, intro=intro, body=_text(body), show_in_menus=False
        )
        if identity is not None and getattr(identity, f"{field}_id") is None:
            setattr(identity, field, page)
    sitemap = _child(
        home,
        SitemapPage,
        "plan-du-site",
        title="Plan du site",
        intro="Toutes les pages du site, et les espaces de données.",
    )
    if identity is not None:
        identity.sitemap_page = identity.sitemap_page or sitemap
        identity.save()


def _stories(index: StoryIndexPage, *, rng: random.Random, today: datetime.date) -> list[StoryPage]:
    cardiology = Discipline.objects.filter(code="cardiologie").first()
    featured = (
        Project.objects.public()
        .filter(call__code="PHRCN", call__year=2016, discipline=cardiology)
        .order_by("public_id")
        .first()
    )
    samples = [
        (
            "resultats-campagne",
            StoryKind.NEWS,
            "Les projets sélectionnés de la dernière campagne sont en ligne",
            "La liste des projets retenus au titre des programmes de recherche est publiée, avec les "
            "montants attribués et les établissements coordonnateurs.",
            "",
        ),
        (
            "registre-obligatoire",
            StoryKind.NEWS,
            "Enregistrement des essais : une condition de financement depuis 2024",
            "Depuis la campagne 2024, l'enregistrement dans un registre d'essais est obligatoire et la "
            "dernière tranche exige la publication des résultats.",
            "",
        ),
        (
            "histoire-projet-cardiologie",
            StoryKind.PROJECT,
            "Insuffisance cardiaque : suivre les patients à domicile",
            "Une équipe hospitalière évalue la télésurveillance des patients insuffisants cardiaques "
            "après une hospitalisation.",
            featured.public_id if featured else "",
        ),
    ]
    pages = []
    for index_number, (slug, kind, title, intro, ids) in enumerate(samples):
        pages.append(
            _child(
                index,
                StoryPage,
                slug,
                title=title,
                kind=kind,
                intro=intro,
                date=today - datetime.timedelta(days=7 * index_number + rng.randint(0, 6)),
                body=_text(f"<p>{intro}</p><p>Retrouvez le détail dans l'annuaire des projets.</p>"),
                project_ids=ids,
            )
        )
    return pages
