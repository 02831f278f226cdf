"""Routes of the establishment portal, under /portail/."""

from django.urls import path

from portal.views import accounts, dashboard

app_name = "portal"

urlpatterns = [
    path("connexion/", accounts.LoginView.as_view(), name="login"),
    path("deconnexion/", accounts.LogoutView.as_view(), name="logout"),
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
]
