"""Every answer under /api/ is JSON, with a 4xx for bad input and never a 500."""

import pytest
from django.test import RequestFactory

from cameras.choices import HAMode, StreamState
from tests.factories import make_camera
from viakoo_ha import rest


@pytest.fixture
def cameras(site):
    return [
        make_camera(
            site, f"cam-{n:02d}", HAMode.NONE, [("primary", "rec-a", StreamState.RECORDING)]
        )
        for n in range(7)
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nowhere/",
        "/api/nowhere",
        "/api/v1/cameras/999999999999999999999999999/",
        "/api/v1/tickets/0/",
        "/api/v1/sites/no-such-site/",
        "/api/v1/sites/hq/members/nobody/",
    ],
)
def test_unknown_paths_and_objects_are_json_404s(api, staff, site, path):
    method = "delete" if path.endswith("nobody/") else "get"
    response = getattr(api(staff), method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_browsers_get_json_too(client, viewer, site):
    client.force_login(viewer)
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    for path, status in [
        ("/api/v1/cameras/", 200),
        ("/api/v1/cameras/12345/", 404),
        ("/api/v1/nowhere/", 404),
    ]:
        response = client.get(path, HTTP_ACCEPT=accept)
        assert (response.status_code, response["Content-Type"]) == (status, "application/json")


def test_a_missing_trailing_slash_gets_a_hint_not_a_crash(api, collector, site):
    response = api(collector).post("/api/v1/observations", {"site": "hq"}, format="json")
    assert response.status_code == 404
    assert "/api/v1/observations/" in response.json()["detail"]


def test_a_post_to_an_unknown_path_is_a_json_404_even_without_csrf(api, site_admin):
    client = api(site_admin)
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/tickets//acknowledge/", {"note": "x"}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_pages_default_to_50_and_stop_at_1000(api, viewer, cameras):
    client = api(viewer)
    body = client.get("/api/v1/cameras/").json()
    assert (body["count"], len(body["results"]), body["next"]) == (7, 7, None)
    body = client.get("/api/v1/cameras/", {"page_size": 3, "page": 2}).json()
    assert [row["external_id"] for row in body["results"]] == ["cam-03", "cam-04", "cam-05"]
    assert body["previous"] and body["next"]
    assert client.get("/api/v1/cameras/", {"page": 99}).status_code == 404
    assert client.get("/api/v1/cameras/", {"page": "1e99"}).status_code == 404
    assert len(client.get("/api/v1/cameras/", {"page_size": 10**9}).json()["results"]) == 7


def test_unknown_filter_choices_are_400_with_the_field(api, viewer, cameras):
    response = api(viewer).get("/api/v1/cameras/", {"ha_mode": "sometimes"})
    assert response.status_code == 400
    assert list(response.json()) == ["ha_mode"]
    response = api(viewer).get("/api/v1/tickets/", {"status": "bogus"})
    assert response.status_code == 400


def test_camera_filters(api, viewer, cameras, site):
    make_camera(site, "lobby", HAMode.ACTIVE_ACTIVE, [("primary", "rec-b", StreamState.RECORDING)])
    client = api(viewer)

    def ids(**query):
        return [
            row["external_id"] for row in client.get("/api/v1/cameras/", query).json()["results"]
        ]

    assert ids(ha_mode="active_active") == ["lobby"]
    assert ids(recorder="rec-b") == ["lobby"]
    assert ids(search="LOB") == ["lobby"]
    assert ids(site="hq", has_open_tickets="true") == []


def test_null_bytes_in_query_strings_are_400(api, viewer, cameras):
    response = api(viewer).get("/api/v1/cameras/?search=a%00b")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"ha_mode": "sometimes"},
        {"ha_mode": None},
        {"ha_mode": ["active_active"]},
        {},
    ],
)
def test_patch_rejects_bad_modes(api, site_admin, cameras, body):
    response = api(site_admin).patch(f"/api/v1/cameras/{cameras[0].pk}/", body, format="json")
    assert response.status_code == 400
    assert "ha_mode" in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"site": "hq", "external_ids": ["cam-00", "ghost"], "ha_mode": "active_active"},
            "external_ids",
        ),
        ({"site": "hq", "ha_mode": "active_active"}, "non_field_errors"),
        ({"external_ids": ["cam-00"], "ha_mode": "active_active"}, "site"),
        ({"ids": [2**64], "ha_mode": "active_active"}, "ids"),
        ({"ids": "1,2", "ha_mode": "active_active"}, "ids"),
        ({"site": "h\x00q", "ids": [1], "ha_mode": "active_active"}, "site"),
    ],
)
def test_bulk_update_is_all_or_nothing(api, site_admin, cameras, body, field):
    response = api(site_admin).post("/api/v1/cameras/bulk-update/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert {camera.ha_mode for camera in cameras[0].site.cameras.all()} == {HAMode.NONE}


def test_bulk_update_by_ids(api, site_admin, cameras):
    ids = [camera.pk for camera in cameras[:3]]
    response = api(site_admin).post(
        "/api/v1/cameras/bulk-update/", {"ids": ids, "ha_mode": "active_passive"}, format="json"
    )
    assert response.json()["updated"] == 3
    assert sorted(
        cameras[0].site.cameras.filter(ha_mode=HAMode.ACTIVE_PASSIVE).values_list("id", flat=True)
    ) == sorted(ids)


def test_validation_errors_of_list_items_carry_their_index():
    detail = {"streams": [{}, {}, {"recording": ["This field is required."]}], "site": ["x"]}
    assert rest._with_index_keys(detail) == {
        "streams": {"2": {"recording": ["This field is required."]}},
        "site": ["x"],
    }


def test_members_post_validates(api, site_admin, site):
    client = api(site_admin)
    assert (
        client.post(
            "/api/v1/sites/hq/members/", {"username": "ghost", "role": "viewer"}
        ).status_code
        == 400
    )
    response = client.post("/api/v1/sites/hq/members/", {"username": "ann", "role": "owner"})
    assert response.status_code == 400
    assert list(response.json()) == ["role"]


def test_site_create_validates(api, staff, site):
    client = api(staff)
    response = client.post("/api/v1/sites/", {"slug": "hq", "name": "Again"}, format="json")
    assert response.status_code == 400
    response = client.post(
        "/api/v1/sites/", {"slug": "x", "name": "X", "stale_after_seconds": 10**20}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["stale_after_seconds"]
    response = client.post("/api/v1/sites/", {"slug": "new", "name": "New"}, format="json")
    assert response.json() == {
        "slug": "new",
        "name": "New",
        "stale_after_seconds": 300,
        "reopen_window_seconds": 600,
        "camera_count": 0,
        "open_tickets": 0,
    }


@pytest.mark.parametrize(
    ("handler", "status"),
    [(rest.server_error, 500), (rest.bad_request, 400), (rest.permission_denied, 403)],
)
def test_error_handlers_answer_json_under_api(handler, status):
    request = RequestFactory().get("/api/v1/cameras/")
    response = handler(request) if handler is rest.server_error else handler(request, Exception())
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


def test_error_handlers_leave_other_pages_alone(db):
    response = rest.page_not_found(RequestFactory().get("/somewhere/"), Exception())
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
