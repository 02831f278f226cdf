"""Desk URLs, mounted under /admin/bureau/ by agents/desk/hooks.py (stable: see docs/workflow.md)."""

from django.urls import path

from agents.desk import lifecycle, views

app_name = "workflows_desk"

urlpatterns = [
    path("demandes/valider/", views.bulk_validate, name="bulk_validate"),
    path("demandes/<int:pk>/", views.request_inspect, name="request_inspect"),
    path("demandes/<int:pk>/<str:action>/", views.transition, name="transition"),
    path("projets/sans-activite/", lifecycle.dormant_projects, name="dormant_projects"),
    path("projets/<str:public_id>/statut/", lifecycle.project_lifecycle, name="project_lifecycle"),
    path(
        "projets/<str:public_id>/jalons/<int:rank>/hors-ordre/",
        lifecycle.allow_out_of_order,
        name="allow_out_of_order",
    ),
    path("justificatifs/<int:pk>/", views.document_download, name="document_download"),
    path("delegations/nouvelle/", views.delegation_create, name="delegation_create"),
    path("delegations/selection/", views.delegate_selection, name="delegate_selection"),
    path("delegations/<int:pk>/", views.delegation_detail, name="delegation_detail"),
    path("delegations/<int:pk>/ajouter/", views.delegation_add, name="delegation_add"),
    path("delegations/<int:pk>/retirer/<int:request_pk>/", views.delegation_remove, name="delegation_remove"),
    path("delegations/<int:pk>/emettre/", views.delegation_issue, name="delegation_issue"),
    path("delegations/<int:pk>/versement/", views.delegation_pay, name="delegation_pay"),
    path(
        "delegations/<int:pk>/export/<str:region>.<str:fmt>",
        views.delegation_export,
        name="delegation_export",
    ),
]
