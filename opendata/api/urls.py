"""`/api/v1/`: the router, the OpenAPI schema and its interactive documentation (local assets)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from opendata.api import views
from opendata.api.errors import not_found

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("establishments", views.EstablishmentViewSet, basename="establishment")
router.register("calls", views.CallViewSet, basename="call")
router.register("tranches", views.TrancheViewSet, basename="tranche")

app_name = "api"

SCHEMA_SETTINGS = {
    "PREPROCESSING_HOOKS": ["opendata.api.schema.only_open_data_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "opendata.api.schema.add_error_component",
    ],
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(custom_settings=SCHEMA_SETTINGS), name="schema"),
    path("", views.ApiRootView.as_view(), name="root"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
    re_path(r"^.*$", not_found),
]
