"""WSGI entry point (gunicorn sirano.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirano.settings")
application = get_wsgi_application()
