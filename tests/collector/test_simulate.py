"""The simulator's script, checked against the HA rules of the server (tickets.rules).

For every event of the timeline, the streams the simulator reports are fed to
``wanted_tickets`` with each camera's intended HA mode: the tickets must be exactly the
ones the script says, no more, no fewer.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from cameras.choices import HAMode, StreamState
from collector.sources.simulate import (
    CAMERAS,
    CYCLE_SECONDS,
    TIMELINE,
    SimulatedSite,
    SiteState,
    intended_ha_modes,
    state_after,
)
from tickets.choices import TicketKind
from tickets.rules import StreamFacts, wanted_tickets

START = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def tickets_for(observation, ha_modes: dict[str, str]) -> set[tuple[str, str, str | None]]:
    """What the server's rules want for the streams of one observation."""
    online = {recorder.name: recorder.online for recorder in observation.recorders}
    facts = defaultdict(list)
    for index, stream in enumerate(observation.streams):
        recording = stream.recording and online[stream.recorder]
        facts[stream.camera].append(
            StreamFacts(
                id=index,
                recorder=stream.recorder,
                profile=stream.profile,
                state=StreamState.RECORDING if recording else StreamState.NOT_RECORDING,
                recording_enabled=stream.recording_enabled,
            )
        )
    labels = {index: stream.label for index, stream in enumerate(observation.streams)}
    return {
        (camera, str(ticket.kind), labels.get(ticket.stream_id))
        for camera, streams in facts.items()
        for ticket in wanted_tickets(ha_modes[camera], streams)
    }


def moment(at: float, speed: float = 1.0, cycles: int = 0) -> datetime:
    """One second into the event starting ``at``, as wall-clock time at ``speed``."""
    return START + timedelta(seconds=(cycles * CYCLE_SECONDS + at + 1) / speed)


@pytest.mark.parametrize("event", TIMELINE, ids=[event.title for event in TIMELINE])
def test_each_event_yields_exactly_the_tickets_the_script_says(event):
    site = SimulatedSite(speed=1, start=START)

    observation = site.collect(moment(event.at))

    assert site.event(moment(event.at)) == event
    assert tickets_for(observation, intended_ha_modes()) == set(event.expected_tickets)


def test_background_cameras_add_streams_but_never_tickets():
    site = SimulatedSite(speed=1, start=START, background=50)
    for event in TIMELINE:
        observation = site.collect(moment(event.at))
        cameras = {stream.camera for stream in observation.streams}
        modes = intended_ha_modes() | dict.fromkeys(cameras - set(intended_ha_modes()), "none")
        assert len(cameras) == 58
        assert tickets_for(observation, modes) == set(event.expected_tickets)


def test_the_script_covers_every_scenario_and_ends_where_it_started():
    kinds = {kind for event in TIMELINE for _, kind, _ in event.expected_tickets}
    assert kinds == set(TicketKind.values)
    assert set(intended_ha_modes().values()) == set(HAMode.values)
    assert [event.at for event in TIMELINE] == sorted(event.at for event in TIMELINE)
    assert TIMELINE[0].at == 0 and TIMELINE[-1].at < CYCLE_SECONDS
    assert state_after(len(TIMELINE) - 1) == SiteState.initial()
    assert TIMELINE[0].expected_tickets == TIMELINE[-1].expected_tickets == frozenset()
    # Between two events, at least one ticket opens or resolves, or a failover happens.
    assert all(event.changes for event in TIMELINE[1:])


def test_the_script_repeats_and_speed_compresses_it():
    fast = SimulatedSite(speed=10, start=START)
    normal = SimulatedSite(speed=1, start=START)
    for event in TIMELINE:
        expected = normal.collect(moment(event.at)).streams
        later = fast.collect(moment(event.at, speed=10, cycles=3)).streams
        assert [(s.label, s.recording) for s in later] == [(s.label, s.recording) for s in expected]


def test_the_first_pass_starts_the_script_and_every_item_is_timestamped():
    site = SimulatedSite(speed=2)
    now = datetime(2026, 1, 1, tzinfo=UTC)

    observation = site.collect(now)

    assert site.start == now
    assert site.event(now) == TIMELINE[0]
    assert {stream.observed_at for stream in observation.streams} == {now}
    assert {stream.camera for stream in observation.streams} == {c.external_id for c in CAMERAS}
    view_only = {(s.camera, s.label) for s in observation.streams if not s.recording_enabled}
    assert view_only == {("cam-01", "primary@rec-b"), ("cam-05", "primary@rec-b")}


def test_as_discovered_with_ha_none_the_ha_cameras_look_wrong_until_an_admin_sets_the_mode():
    observation = SimulatedSite(start=START).collect(moment(0))
    discovered = dict.fromkeys(intended_ha_modes(), HAMode.NONE)

    assert tickets_for(observation, discovered) == {
        ("cam-02", TicketKind.STREAM_NOT_RECORDING, "primary@rec-b"),  # the standby
        ("cam-03", TicketKind.STREAM_NOT_RECORDING, "primary@rec-b"),
        ("cam-04", TicketKind.MULTIPLE_RECORDERS, None),
        ("cam-07", TicketKind.MULTIPLE_RECORDERS, None),
    }
