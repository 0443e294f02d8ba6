"""The Camera Table (Details tab): filters, sorting, paging, CSV export, query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cameras.choices import HAMode, StreamState
from cameras.models import Camera, Recorder, Stream
from tests.factories import make_camera
from tickets.reconcile import reconcile_site

REC, STOP = StreamState.RECORDING, StreamState.NOT_RECORDING


@pytest.fixture
def cameras(site):
    """A small site: cam-3 is recorded twice in mode None (a multiple_recorders warning)."""
    made = {
        "cam-1": make_camera(site, "cam-1", HAMode.NONE, [("primary", "rec-a", REC)]),
        "cam-3": make_camera(
            site, "cam-3", HAMode.NONE, [("primary", "rec-a", REC), ("primary", "rec-b", REC)]
        ),
        "cam-4": make_camera(
            site,
            "cam-4",
            HAMode.NONE,
            [("primary", "rec-a", REC), ("primary", "rec-b", REC)],
            view_only=("primary@rec-b",),
        ),
        "cam-5": make_camera(
            site,
            "cam-5",
            HAMode.ACTIVE_ACTIVE,
            [("primary", "rec-a", REC), ("primary", "rec-b", STOP)],
        ),
        "cam-7": make_camera(
            site,
            "cam-7",
            HAMode.ACTIVE_PASSIVE,
            [("primary", "rec-a", STOP), ("primary", "rec-c", REC)],
        ),
    }
    reconcile_site(site.id)
    return made


def table(client, site, **params):
    return client.get(reverse("cameras:table", args=[site.slug]), params)


def shown(response) -> list[str]:
    return [camera.external_id for camera in response.context["page"].object_list]


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["cam-1", "cam-3", "cam-4", "cam-5", "cam-7"]),
        ({"search": "CAM-3"}, ["cam-3"]),
        ({"ha_mode": "none"}, ["cam-1", "cam-3", "cam-4"]),
        ({"ha_mode": "active_passive"}, ["cam-7"]),
        ({"recorder": "rec-c"}, ["cam-7"]),
        ({"recorder": "rec-b"}, ["cam-3", "cam-4", "cam-5"]),
        ({"has_open_tickets": "true"}, ["cam-3", "cam-5"]),
        ({"has_open_tickets": "false"}, ["cam-1", "cam-4", "cam-7"]),
        ({"state": "not_recording"}, ["cam-5", "cam-7"]),
        ({"ha_mode": "none", "recorder": "rec-b", "has_open_tickets": "true"}, ["cam-3"]),
    ],
)
def test_filters(admin_client, site, cameras, params, expected):
    response = table(admin_client, site, **params)
    assert response.status_code == 200
    assert shown(response) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"ha_mode": "bogus"},
        {"state": "<script>"},
        {"has_open_tickets": "maybe"},
        {"sort": "password"},
        {"per_page": "many"},
        {"per_page": "7"},
        {"page": "999"},
        {"page": "-1"},
        {"search": "x" * 5000},
    ],
)
def test_nonsense_in_the_query_string_never_breaks_the_page(admin_client, site, cameras, params):
    response = table(admin_client, site, **params)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("camera", ["cam-1", "cam-3", "cam-4", "cam-5", "cam-7"]),
        ("-camera", ["cam-7", "cam-5", "cam-4", "cam-3", "cam-1"]),
        ("ha", ["cam-1", "cam-3", "cam-4", "cam-5", "cam-7"]),
        ("-ha", ["cam-7", "cam-5", "cam-4", "cam-3", "cam-1"]),
        ("-tickets", ["cam-5", "cam-3", "cam-7", "cam-4", "cam-1"]),
        ("recorders", ["cam-1", "cam-3", "cam-4", "cam-5", "cam-7"]),
    ],
)
def test_sorting(admin_client, site, cameras, sort, expected):
    assert shown(table(admin_client, site, sort=sort)) == expected


def test_row_shows_streams_recorders_ha_label_and_open_tickets(admin_client, site, cameras):
    response = table(admin_client, site, search="cam-4")
    html = response.content.decode()
    assert "primary @ rec-a" in html
    assert "view only" in html  # primary@rec-b of cam-4 is view-only
    assert '<span class="chip">rec-b</span>' in html
    assert '<span class="badge ha-none">None</span>' in html

    row = table(admin_client, site, search="cam-5").context["page"].object_list[0]
    assert row.recorder_names == ["rec-a", "rec-b"]
    assert row.open_tickets == 1
    assert row.get_ha_mode_display() == "Active-Active"


def test_sort_headers_keep_filters_and_reverse_on_second_click(admin_client, site, cameras):
    html = table(admin_client, site, ha_mode="none", sort="ha", page="1").content.decode()
    assert 'href="?ha_mode=none&amp;sort=-ha"' in html
    assert 'href="?ha_mode=none&amp;sort=camera"' in html


def bulk_cameras(site, count: int, start: int = 0) -> None:
    """``count`` cameras, each recorded by two recorders, in a handful of statements."""
    rec_a = Recorder.objects.get_or_create(site=site, name="rec-a")[0]
    rec_b = Recorder.objects.get_or_create(site=site, name="rec-b")[0]
    made = Camera.objects.bulk_create(
        Camera(site=site, external_id=f"bulk-{number:05d}", name=f"Bulk {number:05d}")
        for number in range(start, start + count)
    )
    Stream.objects.bulk_create(
        Stream(camera=camera, recorder=recorder, state=REC)
        for camera in made
        for recorder in (rec_a, rec_b)
    )


@pytest.mark.parametrize("per_page", [50, 100, 500])
def test_paging(admin_client, site, per_page):
    bulk_cameras(site, 620)
    response = table(admin_client, site, per_page=per_page, page=2)
    page = response.context["page"]
    assert page.paginator.num_pages == -(-620 // per_page)
    assert len(page.object_list) == min(per_page, 620 - per_page)
    assert page.object_list[0].external_id == f"bulk-{per_page:05d}"


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["cameras:table", "cameras:edit"])
def test_query_count_does_not_grow_with_the_page(admin_client, site, page):
    url = reverse(page, args=[site.slug]) + "?per_page=500&sort=-tickets"
    bulk_cameras(site, 10)
    reconcile_site(site.id)  # every camera gets a multiple_recorders ticket
    small = count_queries(admin_client, url)
    bulk_cameras(site, 490, start=10)
    reconcile_site(site.id)
    response = admin_client.get(url)
    assert len(response.context["page"].object_list) == 500
    assert count_queries(admin_client, url) == small


def test_query_count_is_bounded(admin_client, site, cameras, django_assert_max_num_queries):
    # session, user, site, role, count, cameras, streams+recorders, recorder names
    with django_assert_max_num_queries(8):
        table(admin_client, site, per_page=500, has_open_tickets="true", sort="-ha")


def test_csv_export_has_what_is_filtered(admin_client, site, cameras):
    response = admin_client.get(
        reverse("cameras:table_csv", args=[site.slug]), {"ha_mode": "none", "sort": "-camera"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "external_id",
        "name",
        "high_availability",
        "streams",
        "recorders",
        "open_tickets",
    ]
    assert [row[0] for row in rows[1:]] == ["cam-4", "cam-3", "cam-1"]
    cam_4 = rows[1]
    assert cam_4[2] == "None"
    assert cam_4[3] == "primary@rec-a (Recording); primary@rec-b (view only)"
    assert cam_4[4] == "rec-a rec-b"
    assert rows[2][5] == "1"  # cam-3's multiple_recorders warning


def test_csv_export_is_not_paged_and_costs_few_queries(admin_client, site):
    bulk_cameras(site, 1200)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("cameras:table_csv", args=[site.slug]))
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1201
    assert len(queries) <= 10  # two chunks of 1000, each one camera and one stream query


def test_csv_export_never_hands_a_spreadsheet_a_formula(admin_client, site):
    make_camera(site, "=1+1", HAMode.NONE, [("primary", "rec-a", REC)])
    Camera.objects.filter(external_id="=1+1").update(name='@SUM(A1)"')
    response = admin_client.get(reverse("cameras:table_csv", args=[site.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][:2] == ["'=1+1", "'@SUM(A1)\""]
