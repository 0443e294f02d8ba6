"""A camera's page and the Recorders tab."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cameras.choices import HAMode, StreamState
from cameras.high_availability import set_ha_mode
from cameras.models import Recorder
from tests.factories import make_camera
from tickets.choices import TicketKind, TicketStatus
from tickets.models import Ticket
from tickets.reconcile import reconcile_site

REC, STOP = StreamState.RECORDING, StreamState.NOT_RECORDING


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


def test_camera_page_shows_streams_history_and_tickets(admin_client, site, site_admin, staff):
    camera = make_camera(
        site,
        "cam-3",
        HAMode.NONE,
        [("primary", "rec-a", REC), ("primary", "rec-b", REC), ("secondary", "rec-b", STOP)],
        view_only=("secondary@rec-b",),
    )
    reconcile_site(site.id)
    set_ha_mode([camera.pk], HAMode.ACTIVE_ACTIVE, site_admin)  # resolves multiple_recorders
    set_ha_mode([camera.pk], HAMode.ACTIVE_PASSIVE, staff)
    camera.streams.filter(profile="primary").update(state=STOP)
    reconcile_site(site.id)  # Active-Passive with every stream down: one camera ticket

    response = admin_client.get(reverse("cameras:detail", args=[site.slug, camera.pk]))
    assert response.status_code == 200
    context = response.context
    assert [str(stream) for stream in context["streams"]] == [
        "primary@rec-a",
        "primary@rec-b",
        "secondary@rec-b",
    ]
    assert [(c.old_mode, c.new_mode, c.changed_by.username) for c in context["history"]] == [
        (HAMode.ACTIVE_ACTIVE, HAMode.ACTIVE_PASSIVE, "sam"),
        (HAMode.NONE, HAMode.ACTIVE_ACTIVE, "ann"),
    ]
    assert [t.kind for t in context["unresolved_tickets"]] == [TicketKind.STREAM_NOT_RECORDING]
    assert [t.kind for t in context["resolved_tickets"]] == [TicketKind.MULTIPLE_RECORDERS]
    html = response.content.decode()
    assert "view only" in html
    assert "HA mode changed to Active-Active" in html
    assert "No stream is recording (Active-Passive, 2 down)" in html


def test_camera_page_hides_old_resolved_tickets(admin_client, site):
    camera = make_camera(
        site, "cam-3", HAMode.NONE, [("primary", "rec-a", REC), ("primary", "rec-b", REC)]
    )
    reconcile_site(site.id)
    Ticket.objects.update(
        status=TicketStatus.RESOLVED, resolved_at=timezone.now() - timedelta(days=40)
    )
    response = admin_client.get(reverse("cameras:detail", args=[site.slug, camera.pk]))
    assert response.context["resolved_tickets"] == []


def test_camera_page_query_count_is_bounded(admin_client, site, django_assert_max_num_queries):
    camera = make_camera(
        site, "cam-3", HAMode.NONE, [("primary", "rec-a", REC), ("primary", "rec-b", STOP)]
    )
    reconcile_site(site.id)
    with django_assert_max_num_queries(8):
        admin_client.get(reverse("cameras:detail", args=[site.slug, camera.pk]))


def test_recorders_tab_counts_streams(admin_client, site):
    make_camera(site, "cam-1", HAMode.NONE, [("primary", "rec-a", REC), ("primary", "rec-b", STOP)])
    make_camera(
        site,
        "cam-2",
        HAMode.NONE,
        [("primary", "rec-a", REC), ("secondary", "rec-a", STOP)],
        view_only=("secondary@rec-a",),
    )
    Recorder.objects.filter(name="rec-b").update(online=False)
    response = admin_client.get(reverse("cameras:recorders", args=[site.slug]))
    assert response.status_code == 200
    rows = {
        recorder.name: (
            recorder.online,
            recorder.camera_count,
            recorder.stream_count,
            recorder.recording_count,
            recorder.not_recording_count,
            recorder.view_only_count,
        )
        for recorder in response.context["recorders"]
    }
    assert rows == {"rec-a": (True, 2, 3, 2, 0, 1), "rec-b": (False, 1, 1, 0, 1, 0)}
    assert list(rows) == ["rec-b", "rec-a"]  # offline first
    assert "Offline" in response.content.decode()
