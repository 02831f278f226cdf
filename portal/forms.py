"""Portal forms, on django-dsfr's base so labels and errors follow the design system."""

from django.contrib.auth.forms import AuthenticationForm
from dsfr.forms import DsfrBaseForm


class LoginForm(AuthenticationForm, DsfrBaseForm):
    pass
