"""The permission matrix: every endpoint x every persona, exact status codes, no leaks."""

import pytest
from django.contrib.auth import get_user_model

from cameras.choices import HAMode, StreamState
from sites.choices import Role
from sites.models import SiteMembership
from tests.factories import make_camera
from tickets.models import Ticket
from tickets.reconcile import reconcile_cameras

PERSONAS = ["anonymous", "outsider", "viewer", "collector", "site_admin", "staff"]
NOT_RECORDING = StreamState.NOT_RECORDING


@pytest.fixture
def world(site, other_site):
    """Both sites hold a camera with a stream, a recorder and an open ticket."""
    ours = make_camera(site, "cam-1", HAMode.NONE, [("primary", "rec-a", NOT_RECORDING)])
    theirs = make_camera(other_site, "cam-9", HAMode.NONE, [("primary", "rec-z", NOT_RECORDING)])
    reconcile_cameras([ours.id, theirs.id])
    wendy = get_user_model().objects.create_user("wendy")
    SiteMembership.objects.create(user=wendy, site=site, role=Role.VIEWER)
    get_user_model().objects.create_user("newcomer")
    return {
        "camera": ours,
        "recorder": ours.streams.get().recorder,
        "stream": ours.streams.get(),
        "ticket": Ticket.objects.get(camera=ours),
    }


@pytest.fixture(params=PERSONAS)
def persona(request, site, other_site, world):
    name = request.param
    if name == "anonymous":
        return name, None
    return name, request.getfixturevalue(name)


def _observation():
    return {
        "site": "hq",
        "streams": [{"camera": "cam-1", "recorder": "rec-a", "recording": True}],
    }


# endpoint label -> (method, path template, body, expected status per persona)
R, W, ADMIN, REPORT = "read", "write", "admin", "report"
EXPECTED = {
    # anonymous, outsider, viewer, collector, site_admin, staff
    R: (401, 404, 200, 200, 200, 200),
    ADMIN: (401, 404, 403, 403, 200, 200),
    REPORT: (401, 404, 403, 200, 200, 200),
}
ENDPOINTS = {
    "site detail": ("get", "/api/v1/sites/hq/", None, EXPECTED[R]),
    "members list": ("get", "/api/v1/sites/hq/members/", None, EXPECTED[ADMIN]),
    "member add": (
        "post",
        "/api/v1/sites/hq/members/",
        {"username": "newcomer", "role": "viewer"},
        (401, 404, 403, 403, 201, 201),
    ),
    "member remove": (
        "delete",
        "/api/v1/sites/hq/members/wendy/",
        None,
        (401, 404, 403, 403, 204, 204),
    ),
    "site create": (
        "post",
        "/api/v1/sites/",
        {"slug": "new", "name": "New"},
        (401, 403, 403, 403, 403, 201),
    ),
    "observations": ("post", "/api/v1/observations/", _observation(), EXPECTED[REPORT]),
    "camera detail": ("get", "/api/v1/cameras/{camera}/", None, EXPECTED[R]),
    "camera patch": (
        "patch",
        "/api/v1/cameras/{camera}/",
        {"ha_mode": "active_passive"},
        EXPECTED[ADMIN],
    ),
    "camera bulk update": (
        "post",
        "/api/v1/cameras/bulk-update/",
        {"site": "hq", "external_ids": ["cam-1"], "ha_mode": "active_active"},
        EXPECTED[ADMIN],
    ),
    "camera bulk update by id": (
        "post",
        "/api/v1/cameras/bulk-update/",
        {"ids": ["{camera}"], "ha_mode": "active_active"},
        (401, 404, 403, 403, 200, 200),
    ),
    "recorder detail": ("get", "/api/v1/recorders/{recorder}/", None, EXPECTED[R]),
    "stream detail": ("get", "/api/v1/streams/{stream}/", None, EXPECTED[R]),
    "ticket detail": ("get", "/api/v1/tickets/{ticket}/", None, EXPECTED[R]),
    "ticket acknowledge": (
        "post",
        "/api/v1/tickets/{ticket}/acknowledge/",
        {"note": "on it"},
        EXPECTED[ADMIN],
    ),
}


def _fill(value, world):
    ids = {name: obj.pk for name, obj in world.items()}
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, list):
        return [_fill(item, world) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, world) for key, item in value.items()}
    return value


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_endpoint_answers_each_persona_exactly(endpoint, persona, world, api):
    name, user = persona
    method, path, body, expected = ENDPOINTS[endpoint]
    response = getattr(api(user), method)(_fill(path, world), _fill(body, world), format="json")
    assert response.status_code == expected[PERSONAS.index(name)], response.content
    if response.status_code != 204:
        assert response["Content-Type"].startswith("application/json")
    if response.status_code == 401:
        assert response["WWW-Authenticate"] == "Token"


LISTS = [
    "/api/v1/sites/",
    "/api/v1/cameras/",
    "/api/v1/recorders/",
    "/api/v1/streams/",
    "/api/v1/tickets/",
]
VISIBLE_SITES = {
    "outsider": {"branch"},
    "viewer": {"hq"},
    "collector": {"hq"},
    "site_admin": {"hq"},
    "staff": {"hq", "branch"},
}


@pytest.mark.parametrize("path", LISTS)
def test_lists_hold_only_the_callers_sites(path, persona, api):
    name, user = persona
    response = api(user).get(path)
    if user is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    rows = response.json()["results"]
    sites = {row.get("slug") or row.get("site") for row in rows}
    assert sites == VISIBLE_SITES[name]
    assert response.json()["count"] == len(rows)


def test_a_collector_of_another_site_cannot_post_for_ours(other_site, api, site):
    spy = get_user_model().objects.create_user("spy")
    SiteMembership.objects.create(user=spy, site=other_site, role=Role.COLLECTOR)
    response = api(spy).post("/api/v1/observations/", _observation(), format="json")
    assert response.status_code == 404
    assert not site.cameras.exists()


def test_bad_token_answers_401_with_challenge(api, site):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/sites/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_session_auth_works_for_browsers(client, viewer, world):
    client.force_login(viewer)
    response = client.get("/api/v1/cameras/")
    assert response.status_code == 200
    assert [row["external_id"] for row in response.json()["results"]] == ["cam-1"]


def test_superuser_may_do_everything(api, world, db):
    root = get_user_model().objects.create_superuser("root", password="x")
    client = api(root)
    assert client.get("/api/v1/sites/").json()["count"] == 2
    camera = world["camera"]
    response = client.patch(f"/api/v1/cameras/{camera.pk}/", {"ha_mode": "active_passive"})
    assert response.status_code == 200
    assert response.json()["ha_mode"] == "active_passive"
