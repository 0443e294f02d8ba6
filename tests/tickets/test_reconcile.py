"""Reconcile: opening, resolving with a reason, idempotence, reopening, the database key."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cameras.choices import HAMode, StreamState
from cameras.models import Stream
from tests.factories import make_camera
from tickets.choices import TicketAction, TicketKind, TicketStatus
from tickets.models import Ticket
from tickets.reconcile import (
    acknowledge_tickets,
    reconcile_cameras,
    reconcile_site,
    resolve_tickets,
)


def set_state(camera, state, recorder="rec-a"):
    Stream.objects.filter(camera=camera, recorder__name=recorder).update(state=state)


def test_it_opens_a_ticket_with_an_opened_event(site):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])

    result = reconcile_cameras([camera.id])

    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.status, ticket.camera, ticket.site) == (
        TicketKind.STREAM_NOT_RECORDING,
        TicketStatus.OPEN,
        camera,
        site,
    )
    assert ticket.summary == "primary@rec-a is not recording"
    assert [e.action for e in ticket.events.all()] == [TicketAction.OPENED]
    assert ticket.events.get().actor is None
    assert result.opened == [f"cam-1: {ticket.summary}"]


def test_it_resolves_with_a_reason_when_the_stream_records_again(site):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    reconcile_cameras([camera.id])
    set_state(camera, StreamState.RECORDING)

    reconcile_cameras([camera.id])

    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.resolution == "stream recording again"
    assert ticket.resolved_at is not None
    last = ticket.events.last()
    assert (last.action, last.note) == (TicketAction.RESOLVED, "stream recording again")


def test_it_is_idempotent(site):
    make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    make_camera(
        site,
        "cam-2",
        streams=[("primary", "rec-a", "recording"), ("primary", "rec-b", "recording")],
    )
    reconcile_site(site.id)
    tickets = list(Ticket.objects.order_by("id").values())
    events = Ticket.objects.values_list("events__id", flat=True).count()

    result = reconcile_site(site.id)

    assert not result.changed
    assert list(Ticket.objects.order_by("id").values()) == tickets
    assert Ticket.objects.values_list("events__id", flat=True).count() == events


def test_it_reopens_a_ticket_resolved_within_the_window(site):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    start = timezone.now()
    reconcile_cameras([camera.id], now=start)
    set_state(camera, StreamState.RECORDING)
    reconcile_cameras([camera.id], now=start + timedelta(seconds=60))
    set_state(camera, StreamState.NOT_RECORDING)

    result = reconcile_cameras([camera.id], now=start + timedelta(seconds=60 + 599))

    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.reopen_count, ticket.resolution) == (TicketStatus.OPEN, 1, "")
    assert ticket.resolved_at is None
    assert [e.action for e in ticket.events.all()] == [
        TicketAction.OPENED,
        TicketAction.RESOLVED,
        TicketAction.REOPENED,
    ]
    assert len(result.reopened) == 1 and not result.opened


def test_it_opens_a_new_ticket_after_the_window(site):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    start = timezone.now()
    reconcile_cameras([camera.id], now=start)
    set_state(camera, StreamState.RECORDING)
    reconcile_cameras([camera.id], now=start + timedelta(seconds=60))
    set_state(camera, StreamState.NOT_RECORDING)

    reconcile_cameras([camera.id], now=start + timedelta(seconds=60 + 601))

    old, new = Ticket.objects.order_by("id")
    assert old.status == TicketStatus.RESOLVED and old.reopen_count == 0
    assert new.status == TicketStatus.OPEN and new.reopen_count == 0


def test_reopen_window_is_the_sites_own(site):
    site.reopen_window_seconds = 30
    site.save()
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    start = timezone.now()
    reconcile_cameras([camera.id], now=start)
    set_state(camera, StreamState.RECORDING)
    reconcile_cameras([camera.id], now=start + timedelta(seconds=1))
    set_state(camera, StreamState.NOT_RECORDING)

    reconcile_cameras([camera.id], now=start + timedelta(seconds=40))

    assert Ticket.objects.count() == 2


def test_a_reopened_ticket_forgets_its_acknowledgement(site, site_admin):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    reconcile_cameras([camera.id])
    acknowledge_tickets(Ticket.objects.all(), site_admin, "on it")
    set_state(camera, StreamState.RECORDING)
    reconcile_cameras([camera.id])
    set_state(camera, StreamState.NOT_RECORDING)

    reconcile_cameras([camera.id])

    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.OPEN
    assert ticket.acknowledged_at is None and ticket.acknowledged_by is None


def test_acknowledged_tickets_stay_acknowledged_while_the_condition_holds(site, site_admin):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    reconcile_cameras([camera.id])

    assert acknowledge_tickets(Ticket.objects.all(), site_admin, "on it") == 1
    reconcile_cameras([camera.id])

    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.ACKNOWLEDGED
    assert ticket.acknowledged_by == site_admin
    event = ticket.events.last()
    assert (event.action, event.actor, event.note) == (
        TicketAction.ACKNOWLEDGED,
        site_admin,
        "on it",
    )
    assert acknowledge_tickets(Ticket.objects.all(), site_admin) == 0


def test_a_ticket_resolved_by_hand_reopens_while_the_condition_holds(site, site_admin):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    reconcile_cameras([camera.id])

    assert resolve_tickets(Ticket.objects.all(), site_admin, "rebooted the NVR") == 1
    assert Ticket.objects.get().resolution == "rebooted the NVR"
    reconcile_cameras([camera.id])

    ticket = Ticket.objects.get()
    assert (ticket.status, ticket.reopen_count) == (TicketStatus.OPEN, 1)


def test_changing_ha_mode_resolves_what_no_longer_applies_and_opens_what_does(site):
    camera = make_camera(
        site,
        "cam-1",
        HAMode.NONE,
        [("primary", "rec-a", "not_recording"), ("primary", "rec-b", "recording")],
    )
    reconcile_cameras([camera.id])
    assert Ticket.objects.get().stream is not None

    camera.ha_mode = HAMode.ACTIVE_PASSIVE
    camera.save()
    reconcile_cameras([camera.id])
    assert Ticket.objects.get().resolution == "HA mode changed to Active-Passive"

    set_state(camera, StreamState.NOT_RECORDING, recorder="rec-b")
    reconcile_cameras([camera.id])
    camera_ticket = Ticket.objects.get(status=TicketStatus.OPEN)
    assert camera_ticket.stream is None


def test_a_removed_stream_resolves_its_ticket(site):
    camera = make_camera(
        site,
        "cam-1",
        streams=[("primary", "rec-a", "recording"), ("primary", "rec-b", "not_recording")],
    )
    reconcile_cameras([camera.id])
    Stream.objects.filter(camera=camera, recorder__name="rec-b").update(recording_enabled=False)

    reconcile_cameras([camera.id])

    assert Ticket.objects.get().resolution == "stream removed or made view-only"


def test_reconcile_only_touches_the_cameras_it_is_given(site):
    one = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    make_camera(site, "cam-2", streams=[("primary", "rec-a", "not_recording")])

    reconcile_cameras([one.id])

    assert list(Ticket.objects.values_list("camera__external_id", flat=True)) == ["cam-1"]


@pytest.mark.parametrize("with_stream", [True, False], ids=["stream", "camera-level"])
def test_the_database_rejects_a_second_unresolved_ticket_for_one_key(site, with_stream):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "not_recording")])
    stream = camera.streams.get() if with_stream else None
    fields = dict(site=site, camera=camera, stream=stream, kind=TicketKind.STREAM_NOT_RECORDING)
    Ticket.objects.create(severity="critical", summary="first", **fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(severity="critical", summary="duplicate", **fields)

    # Resolved tickets do not count: history may hold many.
    Ticket.objects.update(status=TicketStatus.RESOLVED)
    Ticket.objects.create(severity="critical", summary="again", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(
            severity="critical", summary="duplicate", status="acknowledged", **fields
        )


def test_the_generic_write_path_matches_the_postgresql_one(site, site_admin, monkeypatch):
    """SQLite (make run's default) writes through the ORM: the same rows must come out."""

    def scenario(prefix: str) -> list[tuple]:
        cams = [
            make_camera(
                site,
                f"{prefix}-{n}",
                mode,
                [("primary", "rec-a", "not_recording"), ("primary", "rec-b", "recording")],
            )
            for n, mode in enumerate(HAMode)
        ]
        ids = [camera.id for camera in cams]
        reconcile_cameras(ids)
        acknowledge_tickets(Ticket.objects.filter(camera_id__in=ids), site_admin, "seen")
        Stream.objects.filter(camera_id__in=ids).update(state=StreamState.RECORDING)
        reconcile_cameras(ids)
        Stream.objects.filter(camera_id__in=ids).update(state=StreamState.NOT_RECORDING)
        reconcile_cameras(ids)
        return [
            (
                t.camera.external_id.split("-")[1],
                t.kind,
                t.severity,
                t.status,
                t.summary,
                t.details,
                t.reopen_count,
                [(e.action, e.actor_id, e.note) for e in t.events.all()],
            )
            for t in Ticket.objects.filter(camera_id__in=ids).order_by(
                "camera__external_id", "kind", "id"
            )
        ]

    fast = scenario("pg")
    monkeypatch.setattr(connection, "vendor", "generic")
    generic = scenario("orm")

    assert fast == generic
    # The scenario went through every kind of write: opened, acknowledged, resolved, reopened.
    assert any(row[6] == 1 for row in fast)
    assert any(("acknowledged", site_admin.id, "seen") in row[7] for row in fast)
    assert {row[3] for row in fast} == {TicketStatus.OPEN, TicketStatus.RESOLVED}
