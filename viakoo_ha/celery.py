"""The Celery application: `celery -A viakoo_ha worker` and `celery -A viakoo_ha beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viakoo_ha.settings")

app = Celery("viakoo_ha")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
