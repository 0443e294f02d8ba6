"""The sweep: silent streams stop counting as recording, tickets follow, in set-based SQL."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cameras.choices import HAMode, StreamState
from cameras.models import Camera, Recorder, Stream
from cameras.sweep import sweep_site
from tests.factories import make_camera, make_site, recorder
from tickets.choices import TicketKind, TicketStatus
from tickets.models import Ticket


def state_of(camera, recorder_name="rec-a"):
    return Stream.objects.get(camera=camera, recorder__name=recorder_name).state


def test_a_stale_report_stops_the_stream_and_opens_a_ticket(site):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "stale")])

    result = sweep_site(site.id)

    assert state_of(camera) == StreamState.NOT_RECORDING
    assert result.streams_stopped == 1
    assert Ticket.objects.get().kind == TicketKind.STREAM_NOT_RECORDING


def test_a_fresh_report_is_left_alone(site):
    now = timezone.now()
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "recording")], now=now)

    result = sweep_site(site.id, now=now + timedelta(seconds=299))

    assert state_of(camera) == StreamState.RECORDING
    assert result.streams_stopped == 0 and not Ticket.objects.exists()


def test_the_staleness_threshold_is_the_sites_own(site):
    site.stale_after_seconds = 30
    site.save()
    now = timezone.now()
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "recording")], now=now)

    sweep_site(site.id, now=now + timedelta(seconds=31))

    assert state_of(camera) == StreamState.NOT_RECORDING


def test_an_offline_recorder_stops_all_its_streams_at_once(site):
    one = make_camera(site, "cam-1", streams=[("primary", "rec-a", "recording")])
    two = make_camera(
        site,
        "cam-2",
        streams=[("primary", "rec-a", "recording"), ("primary", "rec-b", "recording")],
    )
    Recorder.objects.filter(name="rec-a").update(online=False)

    result = sweep_site(site.id)

    assert result.streams_stopped == 2
    assert state_of(one) == state_of(two) == StreamState.NOT_RECORDING
    assert state_of(two, "rec-b") == StreamState.RECORDING


def test_a_never_reporting_stream_is_unknown_then_not_recording(site):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "unknown")])
    stream = camera.streams.get()

    sweep_site(site.id, now=stream.created_at + timedelta(seconds=299))
    assert state_of(camera) == StreamState.UNKNOWN and not Ticket.objects.exists()

    sweep_site(site.id, now=stream.created_at + timedelta(seconds=301))
    assert state_of(camera) == StreamState.NOT_RECORDING
    assert Ticket.objects.filter(status=TicketStatus.OPEN).count() == 1


def test_the_sweep_touches_only_its_own_site(site, other_site):
    make_camera(other_site, "cam-x", streams=[("primary", "rec-a", "stale")])

    sweep_site(site.id)

    assert Stream.objects.get().state == StreamState.RECORDING


def test_the_periodic_full_reconcile_is_the_safety_net(site, settings):
    settings.FULL_RECONCILE_INTERVAL_SECONDS = 600
    now = timezone.now()
    assert sweep_site(site.id, now=now).full_reconcile
    # A ticket the incremental path cannot see: state already not recording, never reconciled.
    make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")], now=now)

    assert not sweep_site(site.id, now=now + timedelta(seconds=30)).full_reconcile
    assert not Ticket.objects.exists()

    assert sweep_site(site.id, now=now + timedelta(seconds=601)).full_reconcile
    assert Ticket.objects.count() == 1


def build_site(slug: str, cameras: int):
    """A site where every third camera's report is stale, across the three HA modes."""
    site = make_site(slug)
    now = timezone.now()
    recorders = [recorder(site, "rec-a"), recorder(site, "rec-b")]
    Camera.objects.bulk_create(
        Camera(site=site, external_id=f"cam-{n}", ha_mode=list(HAMode)[n % 3])
        for n in range(cameras)
    )
    Stream.objects.bulk_create(
        Stream(
            camera=camera,
            recorder=rec,
            state=StreamState.RECORDING,
            last_recording=True,
            last_report_at=now - timedelta(minutes=20 if n % 3 == 0 else 0),
            created_at=now - timedelta(hours=1),
        )
        for n, camera in enumerate(site.cameras.order_by("id"))
        for rec in recorders
    )
    return site


@pytest.mark.parametrize("full", [False, True], ids=["incremental", "full"])
def test_sweep_query_count_does_not_grow_with_the_site(db, full):
    counts = []
    for slug, size in (("small", 100), ("large", 2000)):
        site = build_site(slug, size)
        sweep_site(site.id, full=True)  # settle: tickets exist for the first stale batch
        Stream.objects.filter(camera__site=site, camera__id__gt=0).update(
            last_report_at=timezone.now() - timedelta(minutes=30), state=StreamState.RECORDING
        )
        with CaptureQueriesContext(connection) as queries:
            result = sweep_site(site.id, full=full)
        assert result.streams_stopped == size * 2
        assert result.tickets.changed
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 20, counts
