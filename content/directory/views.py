"""Directory, project page and CSV of the results: reads go through `workflows.selectors`,
fields through `workflows.visibility` (via `presenters`)."""

from __future__ import annotations

import functools
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from content.directory import grant_markup, presenters
from content.directory.cards import CARD_COLUMNS, cards_html, cards_of_rows
from content.directory.facts import project_facts
from content.directory.filters import SORTS, ProjectFilter, facet_choices, facets
from content.directory.page_cache import cached_public_page
from content.directory.queries import card_queryset, directory_queryset
from fileformats import csv as safe_csv
from formatting import format_euros
from search.query import suggest
from web import export_files, page_store
from web.absolute_urls import absolute_url, site_root
from web.process_memo import under_content_version, under_version
from web.structured_data import json_ld_script
from workflows import data_version, selectors, visibility
from workflows.models import Project, TrancheRequest
from workflows.registration_column import with_registrations
from workflows.visibility import Tier

PAGE_SIZE = 20


def _active_filters(filterset: ProjectFilter, facet_values: dict) -> list[dict]:
    """Tags for the active filters, each with the URL that removes it."""
    data = filterset.data
    tags = []
    if data.get("q"):
        rest = data.copy()
        rest.pop("q")
        rest.pop("page", None)
        tags.append({"label": _("« %(q)s »") % {"q": data["q"]}, "remove": rest.urlencode(), "search": True})
    for name, options in facet_values.items():
        labels = {o["value"]: o["label"] for o in options}
        for value in data.getlist(name):
            rest = data.copy()
            rest.setlist(name, [v for v in data.getlist(name) if v != value])
            rest.pop("page", None)
            tags.append({"label": labels.get(value, value), "remove": rest.urlencode()})
    return tags


def _suggestion(data, count: int) -> dict | None:
    """For a search that found nothing: the corrected query and the nearest terms, as links."""
    text = (data.get("q") or "").strip()
    if count or not text:
        return None
    found = suggest(text)

    def query_for(value: str) -> str:
        query = data.copy()
        query["q"] = value
        query.pop("page", None)
        return query.urlencode()

    return {
        "corrected": found.corrected,
        "corrected_query": query_for(found.corrected) if found.corrected else "",
        "terms": [{"label": term, "query": query_for(term)} for term in found.terms],
    }


def _without_empty_values(query):
    """The query without empty values: the filters form sends `etablissement=` for "Tous les
    établissements" and `q=` for an empty search, which mean "no filter", not an invalid choice."""
    data = query.copy()
    for key in list(data):
        values = [value for value in data.getlist(key) if value.strip()]
        if values:
            data.setlist(key, values)
        else:
            del data[key]
    return data


#: what the directory reads from its query: the filters, and the page number
DIRECTORY_PARAMETERS = frozenset({*ProjectFilter.base_filters, "page"})


@require_GET
@cached_public_page(parameters=DIRECTORY_PARAMETERS)
def project_list(request, page=None):
    """The faceted directory; `page` is the Wagtail DirectoryPage when served from the tree."""
    if page is None:
        from content.models import DirectoryPage

        page = DirectoryPage.objects.live().first()
    choices = facet_choices()
    data = _without_empty_values(request.GET)
    filterset = ProjectFilter(data, card_queryset(), choices=choices)
    queryset = filterset.qs.order_by(*filterset.ordering())
    facet_values, total = facets(data, directory_queryset(), choices) if filterset.is_valid() else ({}, None)
    paginator = Paginator(queryset, PAGE_SIZE)
    if total is not None:
        paginator.count = total  # counted with the facets: no second COUNT over the same rows
    page_obj = paginator.get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    ordering = filterset.ordering()
    active_filters = _active_filters(filterset, facet_values)
    return render(
        request,
        "content/directory/project_list.html",
        {
            "page": page,
            "filter": filterset,
            "facet_groups": [
                {
                    "name": name,
                    "label": filterset.filters[name].label,
                    "options": options,
                    "open": name in ("programme", "annee") or bool(data.getlist(name)),
                }
                for name, options in facet_values.items()
            ],
            "home_links": [{"url": "/", "title": _("Accueil")}],
            "active_filters": active_filters,
            # the search text is shown as a tag, but it is not a filter (« 1 filtre actif »)
            "filter_count": sum(1 for tag in active_filters if not tag.get("search")),
            "page_obj": page_obj,
            "paginator": paginator,
            "pages": page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1),
            "query": query.urlencode(),
            "csv_url": f"{reverse('projects:csv')}?{query.urlencode()}",
            "current_sort": next(key for key, (_label, order) in SORTS.items() if order == ordering),
            "suggestion": _suggestion(data, paginator.count),
            "title": page.title if page else _("Projets financés"),
        },
    )


def _tier(request) -> Tier:
    return visibility.tier_for(request.user)


#: the money figures a project page shows (`presenters.PROJECT_FIELDS`): the others are not computed
PAGE_FIGURES = ("amount_delegated", "tranche_number")


@functools.cache
def _project_prototype():
    """Built once per process: the money selector's annotations take longer to build than the
    query takes to run. Never evaluated itself; each page filters a copy."""
    return with_registrations(selectors.with_funding_figures(directory_queryset(), figures=PAGE_FIGURES))


def project_queryset():
    return _project_prototype().all()


@require_GET
@cached_public_page(versions=lambda public_id: data_version.project_page_keys(public_id))
def project_detail(request, public_id: str):
    """A public project's page; unknown or internal (non-public) ids are 404 for everyone."""
    project = project_queryset().filter(public_id=public_id).first()
    if project is None:
        raise Http404(_("Aucun projet publié ne porte cet identifiant."))
    tier = _tier(request)
    milestones = list(
        project.milestones.order_by("rank").prefetch_related(
            Prefetch(
                "tranche_requests",
                queryset=TrancheRequest.objects.filter(status__in=visibility.PUBLIC_TRANCHE_STATES).only(
                    "id",
                    "milestone_id",
                    "amount",
                    "status",
                    "delegated_at",
                    "paid_at",
                    "is_historical",
                    "amount_is_derived",
                ),
            )
        )
    )
    steps = presenters.timeline(project, milestones, tier)
    shown = presenters.project_values(project, tier)
    related = _neighbours(project)
    programme_page_url = under_content_version(
        "programme-page-url",
        (project.call.programme_id,),
        lambda: _programme_page_url(project.call.programme_id),
    )
    canonical_url = absolute_url(project_url(project.public_id))
    description = Truncator(
        _(
            "%(acronym)s — %(title)s. Projet %(call)s %(year)s coordonné par %(establishment)s, financement de %(award)s."
        )
        % {
            "acronym": project.acronym,
            "title": project.title,
            "call": project.call.code,
            "year": project.call.year,
            "establishment": project.establishment.name,
            "award": format_euros(project.award_amount),
        }
    ).chars(300)
    return render(
        request,
        "content/directory/project_detail.html",
        {
            "shown": shown,
            "steps": steps,
            "steps_reached": sum(1 for s in steps if s["values"].get("reached")),
            "related": related,
            "facts": project_facts(shown, programme_page_url),
            "crumbs": [
                {"url": "/", "title": _("Accueil")},
                {"url": reverse("projects:list"), "title": _("Projets financés")},
            ],
            "programme_page_url": programme_page_url,
            "tier_is_expert": tier >= Tier.EXPERT,
            "title": f"{project.acronym} — {project.public_id}",
            "meta_description": description,
            "canonical_url": canonical_url,
            "grant_markup": json_ld_script(
                grant_markup.grant_json_ld(
                    project, canonical_url, public_values=shown if tier == Tier.PUBLIC else None
                )
            ),
        },
    )


#: how many neighbours a project page shows (« Projets proches »)
NEIGHBOURS = 4


def _neighbours(project) -> list[str]:
    """The cards (HTML) of the most recent public projects of the same discipline and programme,
    the page's own left out. A group's cards are read (as rows named from the catalogue: no join
    but the programme's) and written once per version of the group (`data_version.neighbours_key`,
    which the stored page depends on) and language in each process, not once per page of the group."""
    key = data_version.neighbours_key(project.discipline_id, project.call.programme_id)
    versions = page_store.depends_on([key])

    def read() -> list[tuple[int, str]]:
        group = Project.objects.public().filter(
            discipline_id=project.discipline_id, call__programme_id=project.call.programme_id
        )
        cards = cards_of_rows(
            list(group.order_by("-call_year", "public_id").values(*CARD_COLUMNS)[: NEIGHBOURS + 1])
        )
        return list(zip((card.pk for card in cards), cards_html(cards), strict=True))

    if versions is None:
        group = read()
    else:
        group = under_version("neighbours", (key, get_language()), versions[key], read)
    return [html for pk, html in group if pk != project.pk][:NEIGHBOURS]


def _programme_page_url(programme_id: int) -> str | None:
    from content.models import ProgrammePage

    page = ProgrammePage.objects.live().filter(programme_id=programme_id).first()
    return page.url if page else None


def project_url(public_id: str) -> str:
    return reverse("projects:detail", args=[public_id])


#: CSV columns: (header, registry field, getter). Every field must be public: tested.
CSV_COLUMNS = [
    ("identifiant", "public_id", lambda p: p.public_id),
    ("appel_a_projets", "call", lambda p: p.call.code),
    ("programme", "programme", lambda p: p.call.programme.code),
    ("annee_de_selection", "year", lambda p: p.call.year),
    ("acronyme", "acronym", lambda p: p.acronym),
    ("titre", "title", lambda p: p.title),
    ("discipline", "discipline", lambda p: p.discipline.label if p.discipline else ""),
    ("etablissement", "establishment", lambda p: p.establishment.name),
    ("finess", "establishment_finess", lambda p: p.establishment.finess),
    ("type_etablissement", "establishment_type", lambda p: p.establishment.type),
    ("region", "region", lambda p: p.establishment.get_region_display()),
    ("porteur", "investigator", lambda p: p.pi_full_name),
    ("financement_total", "award_amount", lambda p: f"{p.award_amount:.2f}".replace(".", ",")),
    ("credits_delegues", "amount_delegated", lambda p: f"{p.amount_delegated:.2f}".replace(".", ",")),
    ("numero_tranche", "tranche_number", lambda p: p.tranche_number or ""),
    ("registres_essais", "registrations", lambda p: " ".join(r.identifier for r in p.registrations.all())),
    ("statut", "status", lambda p: p.get_status_display()),
    # empty when the source gave only the year (annee_de_selection)
    ("date_selection", "selected_on", lambda p: p.selected_on.isoformat() if p.selected_on else ""),
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(queryset, base_url: str) -> Iterator[str]:
    writer = safe_csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([c[0] for c in CSV_COLUMNS] + ["url"])
    for project in queryset.iterator(chunk_size=1000):
        yield writer.writerow(
            [c[2](project) for c in CSV_COLUMNS] + [base_url + project_url(project.public_id)]
        )


CSV_TYPE = "text/csv; charset=utf-8"


@require_GET
@export_files.rate_limited
def project_csv(request):
    """The current results (same filters as the page), public fields only: built once per data
    version and query, then streamed from the file."""
    base_url = site_root()
    query = sorted((key, tuple(values)) for key, values in request.GET.lists() if key != "page")

    def build():
        filterset = ProjectFilter(
            _without_empty_values(request.GET), directory_queryset(), choices=facet_choices()
        )
        queryset = (
            selectors.with_funding_figures(filterset.qs)
            .prefetch_related("registrations")
            .order_by(*filterset.ordering())
        )
        return (line.encode("utf-8") for line in _csv_rows(queryset, base_url))

    opened = export_files.cached_file("resultats.csv", (base_url, tuple(query)), build)
    if opened is not None:
        return export_files.file_response(
            opened, content_type=CSV_TYPE, filename="sirano-projets.csv", request=request
        )
    response = StreamingHttpResponse(build(), content_type=CSV_TYPE)
    response["Content-Disposition"] = 'attachment; filename="sirano-projets.csv"'
    return response
