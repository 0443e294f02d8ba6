"""The High Availability rules, as pure functions.

One camera and its streams in, the tickets it should have out. No database access, so
the rules can be tested exhaustively; ``tickets.reconcile`` turns them into rows.

| mode           | condition                                             | ticket               |
|----------------|-------------------------------------------------------|----------------------|
| none           | a stream is not recording                             | stream_not_recording |
| none           | streams on two or more distinct recorders recording   | multiple_recorders   |
| active_active  | a stream is not recording                             | stream_not_recording |
| active_active  | streams exist but all sit on fewer than two recorders | ha_misconfigured     |
| active_passive | streams exist and none is recording                   | stream_not_recording |
|                |                                                       | (camera, no stream)  |

"Streams" means recording-enabled streams: view-only streams are ignored as if they did
not exist. A stream in state ``unknown`` has never reported and is still young: it opens
no ticket and counts as neither recording nor stopped.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from cameras.choices import HAMode, StreamState

from .choices import Severity, TicketKind


@dataclass(frozen=True, slots=True)
class StreamFacts:
    """What the rules need to know about one stream."""

    id: int
    recorder: str
    profile: str
    state: StreamState
    recording_enabled: bool = True

    @property
    def label(self) -> str:
        return f"{self.profile}@{self.recorder}"


@dataclass(frozen=True, slots=True)
class WantedTicket:
    """A ticket the rules say should be unresolved right now."""

    kind: TicketKind
    severity: Severity
    stream_id: int | None
    summary: str
    details: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> tuple[str, int | None]:
        """Identity within a camera: ``(kind, stream-or-none)``."""
        return (self.kind, self.stream_id)


def wanted_tickets(ha_mode: str, streams: Iterable[StreamFacts]) -> list[WantedTicket]:
    """The tickets one camera should have, given its HA mode and its streams."""
    streams = sorted(
        (stream for stream in streams if stream.recording_enabled),
        key=lambda stream: (stream.recorder, stream.profile, stream.id),
    )
    if not streams:
        return []
    stopped = [stream for stream in streams if stream.state == StreamState.NOT_RECORDING]
    recording = [stream for stream in streams if stream.state == StreamState.RECORDING]

    if ha_mode == HAMode.NONE:
        tickets = [_stream_not_recording(stream) for stream in stopped]
        recording_recorders = sorted({stream.recorder for stream in recording})
        if len(recording_recorders) >= 2:
            tickets.append(_multiple_recorders(recording_recorders, recording))
        return tickets

    if ha_mode == HAMode.ACTIVE_ACTIVE:
        tickets = [_stream_not_recording(stream) for stream in stopped]
        recorders = sorted({stream.recorder for stream in streams})
        if len(recorders) < 2:
            tickets.append(_ha_misconfigured(recorders, streams))
        return tickets

    if ha_mode == HAMode.ACTIVE_PASSIVE:
        if len(stopped) == len(streams):
            return [_camera_not_recording(streams)]
        return []

    raise ValueError(f"unknown HA mode {ha_mode!r}")


def resolution_reason(
    kind: str, stream_id: int | None, ha_mode: str, streams: Iterable[StreamFacts]
) -> str:
    """Why a ticket the rules no longer want can be resolved, in words for people."""
    if not _rule_applies(kind, stream_id, ha_mode):
        return f"HA mode changed to {HAMode(ha_mode).label}"
    enabled = {stream.id: stream for stream in streams if stream.recording_enabled}
    if kind == TicketKind.STREAM_NOT_RECORDING and stream_id is not None:
        stream = enabled.get(stream_id)
        if stream is None:
            return "stream removed or made view-only"
        if stream.state == StreamState.RECORDING:
            return "stream recording again"
        return "stream state unknown"
    if not enabled:
        return "camera has no recording-enabled streams"
    if kind == TicketKind.STREAM_NOT_RECORDING:
        return "a stream is recording again"
    if kind == TicketKind.MULTIPLE_RECORDERS:
        return "recorded by one recorder only"
    if kind == TicketKind.HA_MISCONFIGURED:
        return "streams on two or more recorders"
    return "condition no longer holds"


def _rule_applies(kind: str, stream_id: int | None, ha_mode: str) -> bool:
    """Whether a ticket of this kind and scope can exist at all under ``ha_mode``."""
    if kind == TicketKind.STREAM_NOT_RECORDING:
        per_stream_modes = (HAMode.NONE, HAMode.ACTIVE_ACTIVE)
        return (ha_mode in per_stream_modes) == (stream_id is not None)
    if kind == TicketKind.MULTIPLE_RECORDERS:
        return ha_mode == HAMode.NONE
    if kind == TicketKind.HA_MISCONFIGURED:
        return ha_mode == HAMode.ACTIVE_ACTIVE
    return False


def _describe(streams: Iterable[StreamFacts]) -> list[dict]:
    return [
        {"recorder": stream.recorder, "profile": stream.profile, "state": str(stream.state)}
        for stream in streams
    ]


def _stream_not_recording(stream: StreamFacts) -> WantedTicket:
    return WantedTicket(
        TicketKind.STREAM_NOT_RECORDING,
        Severity.CRITICAL,
        stream.id,
        f"{stream.label} is not recording",
        {"streams": _describe([stream])},
    )


def _multiple_recorders(recorders: list[str], recording: list[StreamFacts]) -> WantedTicket:
    return WantedTicket(
        TicketKind.MULTIPLE_RECORDERS,
        Severity.WARNING,
        None,
        f"Recorded by {len(recorders)} recorders ({', '.join(recorders)}) "
        "but High Availability is None",
        {"recorders": recorders, "streams": _describe(recording)},
    )


def _ha_misconfigured(recorders: list[str], streams: list[StreamFacts]) -> WantedTicket:
    where = f"one recorder ({recorders[0]})" if recorders else "no recorder"
    return WantedTicket(
        TicketKind.HA_MISCONFIGURED,
        Severity.WARNING,
        None,
        f"Active-Active but every stream is on {where}",
        {"recorders": recorders, "streams": _describe(streams)},
    )


def _camera_not_recording(streams: list[StreamFacts]) -> WantedTicket:
    return WantedTicket(
        TicketKind.STREAM_NOT_RECORDING,
        Severity.CRITICAL,
        None,
        f"No stream is recording (Active-Passive, {len(streams)} down)",
        {"streams": _describe(streams)},
    )
