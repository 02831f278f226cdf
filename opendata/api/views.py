"""Read-only viewsets of the open-data API; each reads through `opendata.api.selectors`."""

from __future__ import annotations

from django.db.models import F, IntegerField, Value
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from opendata.api import changes, filters, project_rows, selectors, serializers
from opendata.api.errors import api_exception_handler
from opendata.api.pagination import KeysetPagination
from opendata.api.renderers import CSVRenderer, FastJSONRenderer
from opendata.api.schema import SiranoAutoSchema
from opendata.api.throttling import AnonymousThrottle, SignedInThrottle
from search.query import RELEVANCE
from web import page_store
from web.absolute_urls import absolute_url
from workflows.models import selection_sort_key
from workflows.visibility import FIELDS, Tier, fields_for, tier_for

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description="Format de la réponse (sinon selon l'en-tête Accept).",
)


class OpenDataViewSet(viewsets.GenericViewSet):
    """Shared wiring: tiers, renderers, keyset pagination, throttling, the error shape."""

    renderer_classes = [FastJSONRenderer, CSVRenderer]
    pagination_class = KeysetPagination
    throttle_classes = [AnonymousThrottle, SignedInThrottle]
    filter_backends = [DjangoFilterBackend]
    schema = SiranoAutoSchema()

    def get_exception_handler(self):
        return api_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.reject_empty_parameters(request)

    def known_parameters(self) -> frozenset[str]:
        """What a list reads from its query: format, pagination, ordering and the filters."""
        known = {"format", "cursor", "page_size", "ordering"}
        if self.filterset_class is not None:
            known |= set(self.filterset_class.base_filters)
        return frozenset(known)

    def reject_empty_parameters(self, request) -> None:
        """`?year=` is a mistake to report, not a filter to drop silently."""
        known = self.known_parameters()
        empty = sorted(k for k in known if request.query_params.get(k) == "")
        if empty:
            message = _("Valeur vide : donnez une valeur ou retirez le paramètre.")
            raise exceptions.ValidationError({name: [message] for name in empty})

    def filter_queryset(self, queryset):
        """The filter set only when the query names one of its filters: every filter skips an
        absent value (an empty one is refused above), so without any the filter set, its form
        and its validation (1 to 1.5 ms of a cursor page) would return `queryset` unchanged."""
        if self.filterset_class is not None and not set(self.request.query_params) & set(
            self.filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(queryset)

    @property
    def tier(self) -> Tier:
        return tier_for(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # Schema generation documents every field, each labelled with its tier.
        context["tier"] = None if getattr(self, "swagger_fake_view", False) else self.tier
        return context


#: seconds a public page of projects is kept (the data version moves sooner on any write)
PUBLIC_PAGE_MAX_AGE = 600
#: seconds a browser or shared proxy may reuse a public page without asking again
CLIENT_MAX_AGE = 60
#: what else a public page's answer depends on: its format, and who asks (a token sees more)
PUBLIC_PAGE_VARY = ("Accept", "Authorization", "Cookie")


def _documented(*, list_parameters: tuple = (), **operations: tuple[str, str]):
    """Each operation's French summary and description in the API docs (the class docstrings,
    which drf-spectacular would show, are the developers' English); `list_parameters` are the
    list operation's own query parameters beside `format`."""
    return extend_schema_view(
        **{
            action: extend_schema(
                summary=summary,
                description=description,
                parameters=[FORMAT_PARAMETER, *(list_parameters if action == "list" else ())],
            )
            for action, (summary, description) in operations.items()
        }
    )


#: names a client may give to `fields=` without a token (the schema's enum)
_PUBLIC_PROJECT_FIELDS = fields_for("project", Tier.PUBLIC)
FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    {
        "type": "array",
        "items": {"type": "string", "enum": list(_PUBLIC_PROJECT_FIELDS)},
        "minItems": 1,
        "uniqueItems": True,
    },
    style="form",
    explode=False,
    description=(
        "Champs de chaque ligne, séparés par des virgules (`public_id` et `url` toujours présents). "
        "Sans ce paramètre : {default}. Avec un jeton, les champs de son niveau s'ajoutent."
    ).format(default=", ".join(serializers.LIST_FIELDS)),
)


@_documented(
    list_parameters=(FIELDS_PARAMETER,),
    list=(
        gettext_lazy("Lister les projets financés"),
        gettext_lazy(
            "Projets publiés, filtrables par programme, appel, année, région, établissement (FINESS), "
            "type d'établissement, discipline, statut et montant, avec une recherche plein texte "
            "(`search`, triée par pertinence). Chaque ligne porte les colonnes du fichier et `url`, "
            "l'adresse du projet (résumé, jalons, calendrier) ; `fields=` choisit les colonnes ; un jeton "
            "d'expert ou de la DGOS ajoute les champs de son niveau. `selected_on` vaut `null` quand la source ne donne que l'année (`year`)."
        ),
    ),
    retrieve=(
        gettext_lazy("Lire un projet"),
        gettext_lazy(
            "Un projet publié désigné par son identifiant stable (APPEL-ANNÉE-NNNN), avec tous les "
            "champs du niveau d'accès du lecteur (résumé, jalons et calendrier compris). Un identifiant inconnu ou non "
            "publié répond 404."
        ),
    ),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OpenDataViewSet):
    """Funded projects published as open data; experts and DGOS see more fields with a token.

    A row of the list carries `serializers.LIST_FIELDS` (the long texts and nested lists are at
    its `url`), or the fields `fields=` chooses among those the reader's tier may see."""

    serializer_class = serializers.ProjectSerializer
    filterset_class = filters.ProjectFilter
    lookup_field = "public_id"
    lookup_value_regex = "[^/]+"
    orderings = {
        "public_id": ["public_id"],
        "year": ["call_year"],
        "award_amount": ["award_amount"],
        # unknown dates (NULL) sort as `UNKNOWN_SELECTION_SORT`: last, or first with `-selected_on`
        "selected_on": ["selection_sort"],
        "acronym": ["acronym"],
        "relevance": ["relevance"],
    }
    tiebreak = "public_id"

    @property
    def default_ordering(self) -> str:
        """With `search=`, the most relevant first (exact identifier or acronym, then title…)."""
        request = getattr(self, "request", None)
        return "-relevance" if request is not None and request.query_params.get("search") else "public_id"

    def get_queryset(self):
        tier = Tier.INTERNAL if getattr(self, "swagger_fake_view", False) else self.tier
        return selectors.api_projects(tier)

    def get_serializer_class(self):
        return serializers.ProjectListSerializer if self.action == "list" else serializers.ProjectSerializer

    def known_parameters(self) -> frozenset[str]:
        return super().known_parameters() | {"fields"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.chosen_fields = self._chosen_fields(request) if self.action == "list" else None

    def _chosen_fields(self, request) -> tuple[str, ...]:
        """`fields=a,b` (or repeated): checked against the reader's tier, in the row's order."""
        values = request.query_params.getlist("fields")
        if not values:
            return (*serializers.ALWAYS_LISTED, *serializers.LIST_FIELDS)
        names = [name.strip() for value in values for name in value.split(",")]
        if any(not name for name in names):
            raise exceptions.ValidationError(
                {
                    "fields": [
                        _("Liste de champs mal formée : des noms séparés par des virgules, sans nom vide.")
                    ]
                }
            )
        visible = fields_for("project", self.tier)
        errors = []
        for name in dict.fromkeys(names):
            if name in visible:
                continue
            level = FIELDS["project"].get(name)
            if level is None:
                errors.append(
                    _("Champ inconnu « %(name)s ». Champs disponibles : %(allowed)s.")
                    % {"name": name, "allowed": ", ".join(visible)}
                )
            else:
                errors.append(
                    _("Le champ « %(name)s » n'est servi qu'avec un jeton de niveau %(level)s.")
                    % {"name": name, "level": serializers.TIER_LABELS[level]}
                )
        if errors:
            raise exceptions.ValidationError({"fields": errors})
        return tuple(name for name in visible if name in names or name in serializers.ALWAYS_LISTED)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "chosen_fields", None) is not None and not getattr(self, "swagger_fake_view", False):
            context["fields"] = self.chosen_fields
        return context

    def list(self, request, *args, **kwargs):
        """Public pages are answered from `web.page_store` (after authentication and throttling,
        which DRF ran in `initial`): kept as the bytes sent, per data version, address and format,
        so a repeated question renders nothing and costs one query; `If-None-Match` gets a 304.
        Pages for a token or a session (their tier may show more) are never kept: `private`.
        """
        if self.tier != Tier.PUBLIC:
            response = self._list_page()
            patch_cache_control(response, private=True)
            return response
        # Stored under the canonical query (known parameters, sorted), rendered from it too.
        page_store.canonical_query(request._request, self.known_parameters())
        address = absolute_url(request.get_full_path())  # links in the answer are on SITE_URL
        key = page_store.key_for("api-projects", address, request.accepted_media_type)
        answer = page_store.get(key)
        if answer is None:
            response = self.finalize_response(request, self._list_page())
            response.render()
            headers = {"Link": response["Link"]} if response.has_header("Link") else {}
            answer = page_store.Answer.of(response.content, response["Content-Type"], headers)
            sent = page_store.public_response(request, answer, max_age=CLIENT_MAX_AGE, vary=PUBLIC_PAGE_VARY)
            page_store.put(key, answer, timeout=PUBLIC_PAGE_MAX_AGE, once_sent=sent)
            return sent
        return page_store.public_response(request, answer, max_age=CLIENT_MAX_AGE, vary=PUBLIC_PAGE_VARY)

    def _list_page(self) -> Response:
        """Rows from `values()` (`project_rows`): the serializer's output without its per-cell cost."""
        queryset = self.filter_queryset(self.get_queryset())
        paths = [path for paths in self.orderings.values() for path in paths] + [self.tiebreak]
        rows = project_rows.project_values(queryset, self.tier, paths, self.chosen_fields)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(project_rows.project_rows(page, self.tier, self.chosen_fields))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        queryset = queryset.annotate(selection_sort=selection_sort_key())
        if "search" in self.request.query_params and RELEVANCE in queryset.query.annotations:
            return queryset.annotate(relevance=F(RELEVANCE))
        return queryset.annotate(relevance=Value(0, output_field=IntegerField()))


@_documented(
    list=(
        gettext_lazy("Lister les tranches"),
        gettext_lazy(
            "Tranches déléguées ou versées des projets publiés (les tranches validées en plus pour un "
            "jeton d'expert ou de la DGOS), tranches antérieures à SIRANo comprises (`is_historical`). "
            "Filtrables par projet, état, année de sélection et établissement."
        ),
    )
)
class TrancheViewSet(mixins.ListModelMixin, OpenDataViewSet):
    """Tranches delegated or paid (validated ones too for experts) of published projects."""

    serializer_class = serializers.TrancheSerializer
    filterset_class = filters.TrancheFilter
    orderings = {"project": ["milestone__project__public_id", "milestone__rank"], "amount": ["amount"]}
    default_ordering = "project"
    tiebreak = "pk"

    def get_queryset(self):
        tier = Tier.PUBLIC if getattr(self, "swagger_fake_view", False) else self.tier
        return selectors.api_tranches(tier)


@_documented(
    list=(
        gettext_lazy("Lister les établissements coordonnateurs"),
        gettext_lazy(
            "Établissements qui coordonnent au moins un projet publié, désignés par leur FINESS "
            "juridique (et leur identifiant ROR quand il est connu), filtrables par région, type et "
            "recherche sur le nom."
        ),
    )
)
class EstablishmentViewSet(mixins.ListModelMixin, OpenDataViewSet):
    """Coordinating establishments, identified by their legal-entity FINESS."""

    serializer_class = serializers.EstablishmentSerializer
    filterset_class = filters.EstablishmentFilter
    orderings = {"finess": ["finess"], "name": ["name"]}
    default_ordering = "finess"
    tiebreak = "finess"

    def get_queryset(self):
        return selectors.api_establishments()


@_documented(
    list=(
        gettext_lazy("Lister les appels à projets"),
        gettext_lazy(
            "Appels à projets annuels (PHRC national, PREPS…) et leur programme, filtrables par "
            "programme et par année ; l'année d'un appel est l'année de sélection de ses projets."
        ),
    )
)
class CallViewSet(mixins.ListModelMixin, OpenDataViewSet):
    """Yearly calls for projects (appels à projets) and their programme."""

    serializer_class = serializers.CallSerializer
    filterset_class = filters.CallFilter
    orderings = {"year": ["year", "code"], "code": ["code", "year"]}
    default_ordering = "year"
    tiebreak = "pk"

    def get_queryset(self):
        return selectors.api_calls()


@extend_schema(exclude=True)
class ApiRootView(APIView):
    """`/api/v1/`: what the API serves and where it is documented, so a reuser can start from
    the address the README gives."""

    renderer_classes = [FastJSONRenderer]
    throttle_classes = [AnonymousThrottle]

    def get_exception_handler(self):
        return api_exception_handler

    def get(self, request):
        def absolute(name: str) -> str:
            return absolute_url(reverse(name))

        return Response(
            {
                "name": "API SIRANo",
                "version": "v1",
                "description": _(
                    "Données ouvertes des projets de recherche appliquée en santé financés par la DGOS, "
                    "en lecture seule (JSON ou CSV, pagination par curseur)."
                ),
                "licence": "Licence Ouverte / Open Licence version 2.0 (etalab-2.0)",
                "endpoints": {
                    "projects": absolute("api:project-list"),
                    "establishments": absolute("api:establishment-list"),
                    "calls": absolute("api:call-list"),
                    "tranches": absolute("api:tranche-list"),
                },
                "documentation": absolute("api:docs"),
                "changes": changes.as_list(),
                "schema": absolute("api:schema"),
                "open_data": absolute("opendata:index"),
            }
        )
