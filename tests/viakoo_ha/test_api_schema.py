"""The OpenAPI schema, the docs page, and a schemathesis run against our own schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from cameras.choices import HAMode, StreamState
from tests.factories import make_camera
from tickets.reconcile import reconcile_site

EXAMPLES_PER_OPERATION = 8


def test_the_schema_is_served_to_anyone(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/observations/",
        "/api/v1/sites/{slug}/members/",
        "/api/v1/sites/{slug}/members/{username}/",
        "/api/v1/cameras/bulk-update/",
        "/api/v1/tickets/{id}/acknowledge/",
    ]:
        assert path in paths


def test_the_docs_use_local_static_files_only(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


@pytest.fixture
def populated(site, other_site):
    for number in range(3):
        make_camera(
            site, f"cam-{number}", HAMode.NONE, [("primary", "rec-a", StreamState.NOT_RECORDING)]
        )
    make_camera(other_site, "cam-9", HAMode.NONE, [("primary", "rec-z", StreamState.RECORDING)])
    reconcile_site(site.id)


def _fuzz(operation, mode, headers, failures, statuses):
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def call(case):
        response = case.call(headers=headers)
        statuses.add(response.status_code)
        if response.status_code >= 500:
            failures.append((operation.label, case.path_parameters, case.query, case.body))

    return call


@pytest.fixture
def wsgi_keeps_test_connection():
    """Like Django's test client: do not close the test transaction's connection per request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations():
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("persona", ["site_admin", "staff", "viewer"])
def test_no_generated_request_gets_a_5xx(populated, persona, request, wsgi_keeps_test_connection):
    user = request.getfixturevalue(persona)
    token = Token.objects.create(user=user)
    headers = {"Authorization": f"Token {token.key}"}
    operations = _operations()
    assert len(operations) >= 15
    failures, statuses = [], set()

    for operation in operations:
        for mode in GenerationMode:  # valid requests, then invalid ones
            _fuzz(operation, mode, headers, failures, statuses)()
    assert failures == []
    assert {200, 400, 404} <= statuses  # the run reached the views, not only the router
