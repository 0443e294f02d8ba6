"""WSGI entry point: `gunicorn viakoo_ha.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viakoo_ha.settings")

application = get_wsgi_application()
