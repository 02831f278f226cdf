"""Sign-in and sign-out with Django auth (throttled by django-axes)."""

from django.contrib.auth import views as auth_views

from portal.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass
