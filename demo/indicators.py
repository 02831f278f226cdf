"""Demo steps of `reports`: the public indicators page (with method notes) and a first open-data
release, so /indicateurs/ and /donnees/ are filled in a fresh demo."""

from __future__ import annotations

from wagtail.models import Page, Site

from content.models import IndicatorNote, IndicatorsPage
from opendata.releases import latest_name, publish_release
from reports.cache import bump_on_commit

NOTES = {
    "awards_by_programme": (
        "<p>Projets sélectionnés à la date indiquée et <b>montant total attribué</b> (financement "
        "total de chaque projet), par programme. Le montant délégué additionne les tranches déléguées "
        "ou versées, y compris celles déléguées avant SIRANo (reprise de l'historique).</p>"
    ),
    "awards_by_year": (
        "<p>Même calcul par <b>année de sélection</b> (campagne de l'appel à projets). Une campagne "
        "récente a mécaniquement peu de montants délégués : les tranches suivent les jalons.</p>"
    ),
    "awards_by_region": (
        "<p>La région est celle de l'<b>établissement coordonnateur</b>, qui reçoit les crédits par "
        "l'intermédiaire de son ARS et les reverse à ses partenaires.</p>"
    ),
    "awards_by_establishment_type": (
        "<p>Types tels qu'enregistrés dans le répertoire FINESS (CHUR, CH, CLCC…). Certains centres "
        "hospitaliers universitaires y figurent encore comme CH.</p>"
    ),
    "awards_by_discipline": (
        "<p>Discipline principale ramenée au vocabulaire contrôlé de SIRANo ; « Non renseignée » regroupe "
        "les projets dont la discipline d'origine n'a pas pu être rattachée.</p>"
    ),
    "funding_by_year": (
        "<p>Année civile de la <b>délégation</b> (circulaire budgétaire) et du <b>versement</b>. Pour les "
        "tranches antérieures à SIRANo, seule la date de vérification du jalon est connue : elle tient lieu "
        "de date de délégation ; leur versement n'est pas daté.</p>"
    ),
    "tranche_pipeline": (
        "<p>État de chaque demande de tranche à la date indiquée, reconstitué à partir du journal "
        "d'audit. Une demande reprise sans historique compte comme soumise le premier jour du mois de sa "
        "validation.</p>"
    ),
}


def create_indicators_page(*, rng=None, today=None, stdout=None) -> Page:
    """Create (or refresh) the `indicateurs` page, publish it, and drop stale cached figures."""

    site = Site.objects.get(is_default_site=True)
    root = site.root_page.specific
    page = IndicatorsPage.objects.child_of(root).filter(slug="indicateurs").first()
    if page is None:
        page = IndicatorsPage(
            title="Indicateurs",
            slug="indicateurs",
            intro=(
                "<p>Les projets de recherche appliquée en santé financés par la DGOS, les montants "
                "attribués et délégués, et l'avancement des tranches, mis à jour en continu. Chaque "
                "graphique est suivi de son tableau de données, téléchargeable en CSV et en XLSX.</p>"
            ),
            seo_title="Indicateurs du financement de la recherche appliquée en santé",
            search_description="Projets, financements attribués, délégués et versés, par programme, année, région.",
        )
        root.add_child(instance=page)
    page.indicator_notes = [
        IndicatorNote(indicator=key, note=text, sort_order=order)
        for order, (key, text) in enumerate(NOTES.items())
    ]
    page.save_revision().publish()
    bump_on_commit()
    if stdout is not None:
        stdout.write(f"Page des indicateurs publiée : {page.url}")
    return page


def publish_demo_release(*, rng, today, stdout) -> None:
    """Publish a first release (skipped when one exists): /donnees/ then lists it."""
    if latest_name() is not None:
        stdout.write(f"Données ouvertes : publication {latest_name()} déjà présente.")
        return
    release = publish_release(today=today)
    stdout.write(f"Données ouvertes : publication {release.name} écrite.")
