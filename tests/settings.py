"""Settings for the test suite: the project's settings, against PostgreSQL by default.

CI and `make test` exercise the real services; point DATABASE_URL elsewhere to use
another server (the test database is created next to it and dropped afterwards).
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/viakoo_ha")

from viakoo_ha.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
