"""Routes of the open-data area, under /donnees/."""

from django.urls import path, re_path

from opendata import views as opendata

app_name = "opendata"

urlpatterns = [
    path("", opendata.OpenDataIndexView.as_view(), name="index"),
    path("sirano.csv", opendata.compat_file, name="compat"),
    path("catalogue.jsonld", opendata.catalogue_jsonld, name="catalogue_jsonld"),
    path("catalogue.ttl", opendata.catalogue_turtle, name="catalogue_ttl"),
    re_path(
        r"^(?P<release>latest|\d{4}-\d{2}-\d{2}(?:-\d{1,3})?)/$",
        opendata.release_detail,
        name="release",
    ),
    re_path(
        r"^(?P<release>latest|\d{4}-\d{2}-\d{2}(?:-\d{1,3})?)/(?P<filename>[A-Za-z0-9_.]+)$",
        opendata.release_file,
        name="file",
    ),
]
