"""`/donnees/`: the releases page, the ministry-compatible file, and release files.

Everything streams: sirano.csv row by row from the database, release files in blocks from
disk. Release files are looked up by name in a fixed list, never by joining a user path.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from opendata import compat_csv, dcat, markup, releases
from opendata.release_schema import PROJECT_COLUMNS, TRANCHE_COLUMNS
from web import export_files
from web.absolute_urls import absolute_url
from web.structured_data import json_ld_script

FILE_DESCRIPTIONS = {
    releases.PROJECTS_CSV: _(
        "Une ligne par projet publié : identifiants stables, financement, avancement, registres d'essais typés. UTF-8, virgule, point décimal."
    ),
    releases.TRANCHES_CSV: _(
        "Une ligne par tranche déléguée ou versée, reliée au projet par son identifiant."
    ),
    releases.XLSX: _(
        "Les deux tables dans un classeur (feuilles « projets » et « tranches ») pour une ouverture directe dans un tableur."
    ),
    releases.DATAPACKAGE: _(
        "Description Frictionless (Data Package) : schéma de chaque table, types, contraintes, clés, licence."
    ),
    releases.CHANGELOG: _(
        "Ce qui a changé depuis la publication précédente : nouveaux projets, montants modifiés, projets retirés, tranches."
    ),
    releases.CHECKSUMS: _("Empreintes SHA-256 de chaque fichier (vérification : sha256sum -c SHA256SUMS)."),
}
COMPAT_DESCRIPTIONS = {
    "appel_a_projets": _("Code de l'appel à projets (PHRCN, PREPS-IQ…)."),
    "annee_de_selection": _("Année de sélection."),
    "region": _("Région de l'établissement coordonnateur."),
    "nom_etablissement": _("Nom de l'établissement coordonnateur."),
    "finess": _("FINESS juridique de l'établissement."),
    "type_etablissement": _("CHUR, CH, CLCC, GCS, EPSM ou EBNL."),
    "acronyme": _("Acronyme du projet."),
    "titre": _("Titre du projet."),
    "discipline_principale": _("Discipline telle qu'écrite à la source (texte libre)."),
    "nom_porteur": _("Nom du porteur."),
    "prenom_porteur": _("Prénom du porteur."),
    "financement_total": _("Financement total en euros, virgule décimale."),
    "numero_registre_essais": _("Numéros de registre d'essais, séparés par une virgule."),
    "numero_tranche": "Rang de la dernière tranche déléguée (1 à 5) ou « Aucune tranche ».",
}


class OpenDataIndexView(TemplateView):
    template_name = "opendata/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Données ouvertes"),
            releases=releases.list_releases(),
            latest=releases.latest_name(),
            file_descriptions=[(name, FILE_DESCRIPTIONS[name]) for name in releases.RELEASE_FILES],
            project_columns=PROJECT_COLUMNS,
            tranche_columns=TRANCHE_COLUMNS,
            compat_columns=[(name, COMPAT_DESCRIPTIONS[name]) for name in compat_csv.COLUMNS],
            dataset_markup=json_ld_script(markup.dataset_json_ld()),
            catalogue_url=absolute_url(reverse("opendata:catalogue_jsonld")),
            catalogue_turtle_url=absolute_url(reverse("opendata:catalogue_ttl")),
        )
        return context


COMPAT_TYPE = "text/csv; charset=windows-1252"


@require_GET
@export_files.rate_limited
def compat_file(request):
    """The historical file, built once per data version from the published projects, streamed."""
    opened = export_files.cached_file("sirano.csv", (), compat_csv.iter_csv_bytes)
    if opened is not None:
        return export_files.file_response(
            opened, content_type=COMPAT_TYPE, filename="sirano.csv", request=request
        )
    response = StreamingHttpResponse(compat_csv.iter_csv_bytes(), content_type=COMPAT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="sirano.csv"'
    return response


def release_detail(request, release: str):
    """One release's files (`/donnees/latest/` is the newest): size, SHA-256, description."""
    loaded = releases.load_release(release)
    if loaded is None:
        raise Http404(_("Publication inconnue."))
    descriptions = dict(FILE_DESCRIPTIONS)
    is_latest = loaded.name == releases.latest_name()
    response = render(
        request,
        "opendata/release.html",
        {
            "title": _("Publication %(name)s") % {"name": loaded.name},
            "release": loaded,
            "is_latest": is_latest,
            "via_latest": release == releases.LATEST,
            "files": [(file, descriptions.get(file.name, "")) for file in loaded.files],
            "crumbs": [
                {"url": "/", "title": _("Accueil")},
                {"url": reverse("opendata:index"), "title": _("Données ouvertes")},
            ],
        },
    )
    if release == releases.LATEST:
        response["Cache-Control"] = "no-cache"
    return response


def release_file(request, release: str, filename: str):
    if filename not in releases.RELEASE_FILES:
        raise Http404(_("Fichier inconnu."))
    name = releases.release_name(release)
    try:
        handle = releases.open_release_file(name, filename) if name else None
    except FileNotFoundError:
        handle = None
    if handle is None:
        raise Http404(_("Publication inconnue."))
    response = FileResponse(
        handle,  # FileResponse closes it
        content_type=releases.CONTENT_TYPES[filename],
        as_attachment=filename != releases.CHANGELOG,
        filename=filename,
    )
    if release == releases.LATEST:
        response["Cache-Control"] = "no-cache"
        response["Content-Location"] = f"/donnees/{name}/{filename}"
    else:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


#: Harvesters come back daily; an hour keeps a new release visible soon without rebuilding per hit.
CATALOGUE_MAX_AGE = 3600


@require_GET
@cache_control(public=True, max_age=CATALOGUE_MAX_AGE)
def catalogue_jsonld(request):
    """The DCAT-AP catalogue in JSON-LD (inline context), the format data.gouv.fr harvests."""
    return HttpResponse(dcat.catalogue_jsonld(), content_type="application/ld+json; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=CATALOGUE_MAX_AGE)
def catalogue_turtle(request):
    """The same catalogue in Turtle."""
    return HttpResponse(dcat.catalogue_turtle(), content_type="text/turtle; charset=utf-8")
