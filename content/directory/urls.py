from django.urls import path

from content.directory import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("resultats.csv", views.project_csv, name="csv"),
    path("<str:public_id>/", views.project_detail, name="detail"),
]
