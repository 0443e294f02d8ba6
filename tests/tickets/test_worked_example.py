"""The worked example of the HA rules, end to end through the sweep and reconcile."""

import pytest

from cameras.choices import HAMode
from cameras.high_availability import set_ha_mode
from cameras.sweep import sweep_site
from tests.factories import make_camera
from tickets.choices import UNRESOLVED, Severity, TicketKind, TicketStatus
from tickets.models import Ticket

REC, STOP, STALE = "recording", "not_recording", "stale"
NONE, AA, AP = HAMode.NONE, HAMode.ACTIVE_ACTIVE, HAMode.ACTIVE_PASSIVE

# camera, ha_mode, streams (profile, recorder, state), view-only streams, expected tickets
WORKED_EXAMPLE = [
    ("cam-1", NONE, [("primary", "rec-a", REC)], (), set()),
    ("cam-2", NONE, [("primary", "rec-a", REC), ("secondary", "rec-a", REC)], (), set()),
    (
        "cam-3",
        NONE,
        [("primary", "rec-a", REC), ("primary", "rec-b", REC)],
        (),
        {(TicketKind.MULTIPLE_RECORDERS, None, Severity.WARNING)},
    ),
    (
        "cam-4",
        NONE,
        [("primary", "rec-a", REC), ("primary", "rec-b", REC)],
        ("primary@rec-b",),
        set(),
    ),
    (
        "cam-5",
        AA,
        [("primary", "rec-a", REC), ("primary", "rec-b", STOP)],
        (),
        {(TicketKind.STREAM_NOT_RECORDING, "primary@rec-b", Severity.CRITICAL)},
    ),
    (
        "cam-6",
        AA,
        [("primary", "rec-a", REC)],
        (),
        {(TicketKind.HA_MISCONFIGURED, None, Severity.WARNING)},
    ),
    ("cam-7", AP, [("primary", "rec-a", STOP), ("primary", "rec-b", REC)], (), set()),
    (
        "cam-8",
        AP,
        [("primary", "rec-a", STOP), ("primary", "rec-b", STOP)],
        (),
        {(TicketKind.STREAM_NOT_RECORDING, None, Severity.CRITICAL)},
    ),
    (
        "cam-9",
        NONE,
        [("primary", "rec-a", STALE)],
        (),
        {(TicketKind.STREAM_NOT_RECORDING, "primary@rec-a", Severity.CRITICAL)},
    ),
    ("cam-10", AA, [("primary", "rec-a", REC), ("primary", "rec-b", REC)], (), set()),
]


def unresolved_tickets(site) -> dict[str, set]:
    found: dict[str, set] = {}
    for ticket in Ticket.objects.filter(site=site, status__in=UNRESOLVED).select_related(
        "camera", "stream__recorder"
    ):
        label = ticket.stream.label if ticket.stream else None
        found.setdefault(ticket.camera.external_id, set()).add(
            (ticket.kind, label, ticket.severity)
        )
    return found


@pytest.fixture
def worked_example(site):
    for external_id, ha_mode, streams, view_only, _ in WORKED_EXAMPLE:
        make_camera(site, external_id, ha_mode, streams, view_only=view_only)
    sweep_site(site.id)
    return site


@pytest.mark.parametrize(
    ("camera", "expected"), [(row[0], row[4]) for row in WORKED_EXAMPLE], ids=lambda v: str(v)
)
def test_worked_example_opens_exactly_the_expected_tickets(worked_example, camera, expected):
    assert unresolved_tickets(worked_example).get(camera, set()) == expected


def test_worked_example_active_passive_ticket_lists_every_stream(worked_example):
    ticket = Ticket.objects.get(camera__external_id="cam-8")
    assert ticket.stream is None
    assert {(s["profile"], s["recorder"]) for s in ticket.details["streams"]} == {
        ("primary", "rec-a"),
        ("primary", "rec-b"),
    }


def test_switching_cam3_to_active_active_resolves_its_warning_and_opens_nothing(worked_example):
    before = unresolved_tickets(worked_example)
    cam3 = worked_example.cameras.get(external_id="cam-3")

    result = set_ha_mode([cam3.id], AA, actor=None)

    after = unresolved_tickets(worked_example)
    assert "cam-3" not in after
    assert {k: v for k, v in before.items() if k != "cam-3"} == after
    ticket = Ticket.objects.get(camera=cam3)
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.resolution == "HA mode changed to Active-Active"
    assert result.changed == [cam3.id]
    assert len(result.tickets.resolved) == 1 and not result.tickets.opened


def test_switching_cam5_to_active_passive_resolves_its_stream_ticket(worked_example):
    cam5 = worked_example.cameras.get(external_id="cam-5")

    set_ha_mode([cam5.id], AP, actor=None)

    assert "cam-5" not in unresolved_tickets(worked_example)
    assert Ticket.objects.get(camera=cam5).resolution == "HA mode changed to Active-Passive"


def test_sweeping_the_worked_example_again_changes_nothing(worked_example):
    before = list(Ticket.objects.order_by("id").values())
    result = sweep_site(worked_example.id, full=True)
    assert not result.tickets.changed
    assert list(Ticket.objects.order_by("id").values()) == before
