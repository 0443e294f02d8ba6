"""Query counts of the API do not grow with the size of the data or of the request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cameras.choices import HAMode, StreamState
from tests.factories import make_camera
from tickets.reconcile import reconcile_site

LISTS = [
    "/api/v1/sites/",
    "/api/v1/cameras/",
    "/api/v1/recorders/",
    "/api/v1/streams/",
    "/api/v1/tickets/",
]
MAX_LIST_QUERIES = 8
MAX_INGEST_QUERIES = 16


def _queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        response = callable_()
    assert response.status_code == 200, response.content
    return len(captured)


def _report(size: int, offset: int = 0) -> dict:
    return {
        "site": "hq",
        "recorders": [{"name": "rec-a", "online": True}, {"name": "rec-b", "online": True}],
        "streams": [
            {
                "camera": f"cam-{offset + index}",
                "recorder": "rec-a" if index % 2 else "rec-b",
                "recording": index % 3 != 0,
            }
            for index in range(size)
        ],
    }


def test_ingest_costs_the_same_for_10_and_1000_items(api, collector, site):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite batches bulk statements by its variable limit")
    client = api(collector)

    def post(size, offset):
        return lambda: client.post("/api/v1/observations/", _report(size, offset), format="json")

    small, large = _queries(post(10, 0)), _queries(post(1000, 10))
    assert small == large <= MAX_INGEST_QUERIES
    # Updating what exists costs no more than creating it.
    assert _queries(post(1000, 10)) <= large


@pytest.mark.parametrize("path", LISTS)
def test_list_queries_do_not_grow_with_rows(api, staff, site, path, django_assert_max_num_queries):
    client = api(staff)

    def add_cameras(count, start):
        for number in range(start, start + count):
            make_camera(
                site,
                f"cam-{number}",
                HAMode.NONE,
                [
                    ("primary", f"rec-{number % 3}", StreamState.NOT_RECORDING),
                    ("secondary", "rec-x", "recording"),
                ],
            )
        reconcile_site(site.id)

    add_cameras(3, 0)
    few = _queries(lambda: client.get(path))
    add_cameras(30, 3)
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        many = _queries(lambda: client.get(path))
    assert few == many


@pytest.mark.parametrize("path", ["/api/v1/cameras/{camera}/", "/api/v1/tickets/{ticket}/"])
def test_detail_queries_are_bounded(api, site_admin, site, path, django_assert_max_num_queries):
    camera = make_camera(
        site,
        "cam-1",
        HAMode.NONE,
        [(f"p{n}", "rec-a", StreamState.NOT_RECORDING) for n in range(20)],
    )
    reconcile_site(site.id)
    ticket = camera.tickets.first()
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        response = api(site_admin).get(path.format(camera=camera.pk, ticket=ticket.pk))
    assert response.status_code == 200
