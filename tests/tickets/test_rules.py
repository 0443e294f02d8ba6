"""The HA rules as a pure function: the spec's consequences and property-based invariants."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cameras.choices import HAMode, StreamState
from tickets.choices import Severity, TicketKind
from tickets.rules import StreamFacts, resolution_reason, wanted_tickets

REC, STOP, UNKNOWN = StreamState.RECORDING, StreamState.NOT_RECORDING, StreamState.UNKNOWN


def stream(id, recorder="rec-a", state=REC, profile="primary", enabled=True):
    return StreamFacts(id, recorder, profile, state, enabled)


def kinds(tickets):
    return sorted((t.kind, t.stream_id) for t in tickets)


def test_none_multi_stream_camera_on_one_recorder_has_no_multiple_recorders_ticket():
    streams = [stream(1, profile="primary"), stream(2, profile="secondary")]
    assert wanted_tickets(HAMode.NONE, streams) == []


def test_none_view_only_stream_on_second_recorder_never_triggers_multiple_recorders():
    streams = [stream(1), stream(2, recorder="rec-b", enabled=False)]
    assert wanted_tickets(HAMode.NONE, streams) == []


def test_none_counts_only_recorders_recording_now():
    streams = [stream(1), stream(2, recorder="rec-b", state=STOP)]
    assert kinds(wanted_tickets(HAMode.NONE, streams)) == [(TicketKind.STREAM_NOT_RECORDING, 2)]


def test_none_two_recording_recorders_is_one_camera_warning():
    [ticket] = wanted_tickets(HAMode.NONE, [stream(1), stream(2, recorder="rec-b")])
    assert (ticket.kind, ticket.severity, ticket.stream_id) == (
        TicketKind.MULTIPLE_RECORDERS,
        Severity.WARNING,
        None,
    )
    assert ticket.details["recorders"] == ["rec-a", "rec-b"]


def test_active_passive_primary_down_standby_recording_is_fine():
    streams = [stream(1, state=STOP), stream(2, recorder="rec-b")]
    assert wanted_tickets(HAMode.ACTIVE_PASSIVE, streams) == []


def test_active_passive_both_down_is_one_camera_ticket_listing_every_stream():
    streams = [stream(1, state=STOP), stream(2, recorder="rec-b", state=STOP)]
    [ticket] = wanted_tickets(HAMode.ACTIVE_PASSIVE, streams)
    assert (ticket.kind, ticket.severity, ticket.stream_id) == (
        TicketKind.STREAM_NOT_RECORDING,
        Severity.CRITICAL,
        None,
    )
    assert [s["recorder"] for s in ticket.details["streams"]] == ["rec-a", "rec-b"]


def test_active_passive_waits_for_a_young_unknown_stream():
    streams = [stream(1, state=STOP), stream(2, recorder="rec-b", state=UNKNOWN)]
    assert wanted_tickets(HAMode.ACTIVE_PASSIVE, streams) == []


def test_active_active_every_stream_is_required():
    streams = [stream(1), stream(2, recorder="rec-b", state=STOP), stream(3, "rec-c", STOP)]
    assert kinds(wanted_tickets(HAMode.ACTIVE_ACTIVE, streams)) == [
        (TicketKind.STREAM_NOT_RECORDING, 2),
        (TicketKind.STREAM_NOT_RECORDING, 3),
    ]


def test_active_active_on_one_recorder_is_misconfigured_even_when_recording():
    streams = [stream(1, profile="primary"), stream(2, profile="secondary")]
    assert kinds(wanted_tickets(HAMode.ACTIVE_ACTIVE, streams)) == [
        (TicketKind.HA_MISCONFIGURED, None)
    ]


@pytest.mark.parametrize("mode", HAMode.values)
def test_a_camera_without_recording_enabled_streams_gets_no_ticket(mode):
    assert wanted_tickets(mode, []) == []
    assert wanted_tickets(mode, [stream(1, state=STOP, enabled=False)]) == []


def test_unknown_young_stream_opens_nothing():
    assert wanted_tickets(HAMode.NONE, [stream(1, state=UNKNOWN)]) == []
    assert (
        wanted_tickets(HAMode.ACTIVE_ACTIVE, [stream(1, state=UNKNOWN), stream(2, "rec-b")]) == []
    )


@pytest.mark.parametrize(
    ("kind", "stream_id", "mode", "streams", "reason"),
    [
        (
            TicketKind.MULTIPLE_RECORDERS,
            None,
            HAMode.ACTIVE_ACTIVE,
            [],
            "HA mode changed to Active-Active",
        ),
        (
            TicketKind.STREAM_NOT_RECORDING,
            1,
            HAMode.ACTIVE_PASSIVE,
            [],
            "HA mode changed to Active-Passive",
        ),
        (TicketKind.STREAM_NOT_RECORDING, None, HAMode.NONE, [], "HA mode changed to None"),
        (TicketKind.STREAM_NOT_RECORDING, 1, HAMode.NONE, [stream(1)], "stream recording again"),
        (TicketKind.STREAM_NOT_RECORDING, 1, HAMode.NONE, [], "stream removed or made view-only"),
        (
            TicketKind.STREAM_NOT_RECORDING,
            None,
            HAMode.ACTIVE_PASSIVE,
            [stream(1)],
            "a stream is recording again",
        ),
        (
            TicketKind.MULTIPLE_RECORDERS,
            None,
            HAMode.NONE,
            [stream(1)],
            "recorded by one recorder only",
        ),
        (
            TicketKind.HA_MISCONFIGURED,
            None,
            HAMode.ACTIVE_ACTIVE,
            [stream(1), stream(2, "rec-b")],
            "streams on two or more recorders",
        ),
    ],
)
def test_resolution_reason_says_why(kind, stream_id, mode, streams, reason):
    assert resolution_reason(kind, stream_id, mode, streams) == reason


# Property-based: random cameras with random streams.

recorders = st.sampled_from(["rec-a", "rec-b", "rec-c"])
streams_strategy = st.lists(
    st.builds(
        StreamFacts,
        id=st.integers(1, 10_000),
        recorder=recorders,
        profile=st.sampled_from(["primary", "secondary"]),
        state=st.sampled_from(list(StreamState)),
        recording_enabled=st.booleans(),
    ),
    max_size=8,
    unique_by=lambda s: s.id,
)
modes = st.sampled_from(list(HAMode))


def keys(tickets):
    return sorted((t.kind, t.stream_id or 0) for t in tickets)


@given(modes, streams_strategy, st.randoms())
def test_order_of_streams_never_matters(mode, streams, random):
    shuffled = list(streams)
    random.shuffle(shuffled)
    assert wanted_tickets(mode, shuffled) == wanted_tickets(mode, streams)


@given(modes, streams_strategy, streams_strategy)
def test_view_only_streams_never_change_the_result(mode, streams, extra):
    used = {s.id for s in streams}
    view_only = [
        StreamFacts(s.id, s.recorder, s.profile, s.state, False) for s in extra if s.id not in used
    ]
    assert keys(wanted_tickets(mode, streams + view_only)) == keys(wanted_tickets(mode, streams))


@given(streams_strategy)
def test_active_passive_yields_at_most_one_ticket_and_never_per_stream(streams):
    tickets = wanted_tickets(HAMode.ACTIVE_PASSIVE, streams)
    assert len(tickets) <= 1
    assert all(t.stream_id is None and t.kind == TicketKind.STREAM_NOT_RECORDING for t in tickets)


@given(streams_strategy)
def test_active_passive_ticket_exactly_when_every_stream_stopped(streams):
    enabled = [s for s in streams if s.recording_enabled]
    expected = bool(enabled) and all(s.state == STOP for s in enabled)
    assert bool(wanted_tickets(HAMode.ACTIVE_PASSIVE, streams)) == expected


@given(streams_strategy)
def test_none_never_yields_ha_misconfigured(streams):
    assert TicketKind.HA_MISCONFIGURED not in {t.kind for t in wanted_tickets(HAMode.NONE, streams)}


@given(modes, streams_strategy)
def test_stream_tickets_only_for_enabled_streams_that_stopped(mode, streams):
    stopped = {s.id for s in streams if s.recording_enabled and s.state == STOP}
    for ticket in wanted_tickets(mode, streams):
        if ticket.stream_id is not None:
            assert ticket.stream_id in stopped
            assert ticket.severity == Severity.CRITICAL


@given(modes, streams_strategy)
def test_every_recording_stream_means_no_critical_ticket(mode, streams):
    all_recording = [
        StreamFacts(s.id, s.recorder, s.profile, REC, s.recording_enabled) for s in streams
    ]
    severities = {t.severity for t in wanted_tickets(mode, all_recording)}
    assert Severity.CRITICAL not in severities


@given(modes, streams_strategy)
def test_keys_are_unique_per_camera(mode, streams):
    tickets = wanted_tickets(mode, streams)
    assert len({t.key for t in tickets}) == len(tickets)


@given(modes, streams_strategy)
def test_a_wanted_ticket_never_gets_a_mode_change_resolution(mode, streams):
    # Whatever the rules want under a mode is a ticket that can exist under that mode.
    for ticket in wanted_tickets(mode, streams):
        assert not resolution_reason(ticket.kind, ticket.stream_id, mode, streams).startswith(
            "HA mode changed"
        )
