"""Every page of the web UI for every persona: exact outcomes, parametrized.

anonymous -> redirected to log in; outsider (admin of another site) -> 404, the site
does not exist for them; viewer and collector -> read-only (403 on what changes things);
site admin and staff -> everything.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from cameras.choices import HAMode
from tests.factories import make_camera
from tickets.models import Ticket
from tickets.reconcile import reconcile_site

PERSONAS = ["anonymous", "outsider", "viewer", "collector", "site_admin", "staff"]


@pytest.fixture
def hq_objects(site):
    """A camera with an open ticket at the persona's site under test."""
    camera = make_camera(
        site,
        "cam-3",
        HAMode.NONE,
        [("primary", "rec-a", "recording"), ("primary", "rec-b", "recording")],
    )
    reconcile_site(site.id)
    return {"camera": camera, "ticket": Ticket.objects.get(camera=camera)}


@pytest.fixture
def login_as(client, request):
    def login(persona: str):
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return login


def _url(name: str, site, objects) -> str:
    args = [site.slug]
    if name == "cameras:detail":
        args.append(objects["camera"].pk)
    elif name in ("tickets:detail", "tickets:acknowledge"):
        args.append(objects["ticket"].pk)
    return reverse(name, args=args)


READ_PAGES = [
    "sites:detail",
    "cameras:table",
    "cameras:table_csv",
    "cameras:detail",
    "cameras:recorders",
    "tickets:list",
    "tickets:detail",
]
READ_OUTCOMES = {
    "anonymous": 302,
    "outsider": 404,
    "viewer": 200,
    "collector": 200,
    "site_admin": 200,
    "staff": 200,
}

# (method, page): what changes things is for the site's administrators (and staff) only.
ADMIN_ACTIONS = [
    ("get", "cameras:edit"),
    ("post", "cameras:edit"),
    ("post", "tickets:acknowledge"),
    ("post", "tickets:acknowledge_many"),
]
ADMIN_OUTCOMES = {
    "anonymous": 302,
    "outsider": 404,
    "viewer": 403,
    "collector": 403,
    "site_admin": "ok",
    "staff": "ok",
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", READ_PAGES)
def test_read_pages(login_as, persona, page, site, hq_objects):
    url = _url(page, site, hq_objects)
    response = login_as(persona).get(url)
    assert response.status_code == READ_OUTCOMES[persona]
    if persona == "anonymous":
        assert response["Location"] == f"{reverse('login')}?next={quote(url)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "page"), ADMIN_ACTIONS)
def test_admin_actions(login_as, persona, method, page, site, hq_objects):
    url = _url(page, site, hq_objects)
    response = getattr(login_as(persona), method)(url)
    expected = ADMIN_OUTCOMES[persona]
    if expected == "ok":
        # A bare GET shows the form; an empty POST saves nothing and goes back.
        expected = 200 if method == "get" else 302
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    if expected in (403, 404):
        ticket = hq_objects["ticket"]
        ticket.refresh_from_db()
        assert ticket.status == "open"


@pytest.mark.parametrize("persona", PERSONAS)
def test_sites_list(login_as, persona, site, other_site):
    response = login_as(persona).get(reverse("sites:list"))
    if persona == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    names = {visible.slug for visible in response.context["sites"]}
    expected = {
        "outsider": {"branch"},
        "viewer": {"hq"},
        "collector": {"hq"},
        "site_admin": {"hq"},
        "staff": {"hq", "branch"},
    }[persona]
    assert names == expected


@pytest.mark.parametrize(
    ("persona", "sees_button"),
    [("viewer", False), ("collector", False), ("site_admin", True), ("staff", True)],
)
def test_edit_cameras_button_only_for_administrators(login_as, persona, sees_button, site):
    make_camera(site, "cam-1", HAMode.NONE, [("primary", "rec-a", "recording")])
    response = login_as(persona).get(reverse("cameras:table", args=[site.slug]))
    assert response.status_code == 200
    edit_url = reverse("cameras:edit", args=[site.slug])
    assert (f'href="{edit_url}' in response.content.decode()) is sees_button


def test_root_redirects_to_sites(client, site_admin):
    client.force_login(site_admin)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("sites:list")


def test_objects_of_another_site_are_not_found_through_ours(client, site, other_site, site_admin):
    """Ids are global: asking for another site's camera or ticket under our slug is a 404."""
    theirs = make_camera(
        other_site,
        "br-1",
        HAMode.NONE,
        [("primary", "nvr-1", "recording"), ("primary", "nvr-2", "recording")],
    )
    reconcile_site(other_site.id)
    ticket = Ticket.objects.get(camera=theirs)
    client.force_login(site_admin)
    assert client.get(reverse("cameras:detail", args=["hq", theirs.pk])).status_code == 404
    assert client.get(reverse("tickets:detail", args=["hq", ticket.pk])).status_code == 404
    response = client.post(reverse("tickets:acknowledge", args=["hq", ticket.pk]))
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_unknown_site_is_not_found(client, staff):
    client.force_login(staff)
    assert client.get("/sites/nowhere/").status_code == 404
    assert client.get("/sites/nowhere/details/").status_code == 404


def test_login_and_logout(client, site_admin, site):
    response = client.post(
        reverse("login"), {"username": "ann", "password": "pw-ann", "next": "/sites/hq/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/sites/hq/"
    assert client.get("/sites/hq/").status_code == 200

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/sites/hq/").status_code == 302


def test_login_with_a_wrong_password_says_so(client, site_admin):
    response = client.post(reverse("login"), {"username": "ann", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_site_parameter_of_the_filtersets_cannot_reach_another_site(
    client, site, other_site, site_admin
):
    """The shared FilterSets accept ``site`` (for the API); through our URLs it only narrows."""
    make_camera(other_site, "br-1", HAMode.NONE, [("primary", "nvr", "not_recording")])
    reconcile_site(other_site.id)
    client.force_login(site_admin)
    cameras = client.get(reverse("cameras:table", args=["hq"]), {"site": "branch"})
    assert list(cameras.context["page"].object_list) == []
    tickets = client.get(reverse("tickets:list", args=["hq"]), {"site": "branch", "status": ""})
    assert list(tickets.context["page"].object_list) == []
    csv = client.get(reverse("cameras:table_csv", args=["hq"]), {"site": "branch"})
    assert b"br-1" not in b"".join(csv.streaming_content)


@pytest.mark.parametrize(
    "url", ["/sites/hq/cameras/{huge}/", "/sites/hq/tickets/{huge}/", "/sites/hq/cameras/0/"]
)
def test_impossible_ids_are_not_found(client, site_admin, url):
    client.force_login(site_admin)
    assert client.get(url.format(huge="9" * 25)).status_code == 404
    if "tickets" in url:
        response = client.post(url.format(huge="9" * 25) + "acknowledge/")
        assert response.status_code == 404
