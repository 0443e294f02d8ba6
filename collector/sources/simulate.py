"""A virtual VMS for demos and tests: three recorders, eight cameras, a scripted day.

Every kind of ticket happens: a failover and failback (no ticket), an Active-Passive
camera lost on both recorders, an Active-Active camera losing one stream, a None camera
recorded by a second recorder, a recorder going offline, a flapping stream, an
Active-Active camera left on one recorder, and a recovery from each.

The script (``TIMELINE``) is data: a list of timed events, each changing a few streams or
recorders and stating which tickets the server should have while it lasts, per the
HA rules. It repeats every ``CYCLE_SECONDS`` (divided by the ``speed`` option), and
the last event restores the first state, so the loop never drifts.

The simulator reports what a VMS would: recorders and streams, never an HA mode. The
server discovers each camera with ``ha_mode: none``; ``CAMERAS`` says which mode an
administrator is meant to give it (``intended_ha_modes()``, used by the demo seeding).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..config import Table
from ..observations import Observation, RecorderStatus, StreamStatus

NONE, ACTIVE_ACTIVE, ACTIVE_PASSIVE = "none", "active_active", "active_passive"
STREAM_NOT_RECORDING = "stream_not_recording"
MULTIPLE_RECORDERS = "multiple_recorders"
HA_MISCONFIGURED = "ha_misconfigured"


@dataclass(frozen=True)
class SimulatedStream:
    """A stream at the start of the script: ``profile@recorder``, recording or not."""

    label: str
    recording: bool = True
    recording_enabled: bool = True

    @property
    def profile(self) -> str:
        return self.label.split("@")[0]

    @property
    def recorder(self) -> str:
        return self.label.split("@")[1]


@dataclass(frozen=True)
class SimulatedCamera:
    external_id: str
    name: str
    ha_mode: str  # what the administrator is meant to set on the server
    streams: tuple[SimulatedStream, ...]


RECORDERS = (
    RecorderStatus("rec-a", host="10.20.0.11", vms="simulated"),
    RecorderStatus("rec-b", host="10.20.0.12", vms="simulated"),
    RecorderStatus("rec-c", host="10.20.0.13", vms="simulated"),
)

CAMERAS = (
    SimulatedCamera(
        "cam-01",
        "Lobby",
        NONE,
        (
            SimulatedStream("primary@rec-a"),
            SimulatedStream("secondary@rec-a"),  # multi-stream, one recorder: fine in None
            SimulatedStream("primary@rec-b", recording=False, recording_enabled=False),
        ),
    ),
    SimulatedCamera(
        "cam-02",
        "Parking entrance",
        ACTIVE_PASSIVE,
        (SimulatedStream("primary@rec-a"), SimulatedStream("primary@rec-b", recording=False)),
    ),
    SimulatedCamera(
        "cam-03",
        "Loading dock",
        ACTIVE_PASSIVE,
        (SimulatedStream("primary@rec-a"), SimulatedStream("primary@rec-b", recording=False)),
    ),
    SimulatedCamera(
        "cam-04",
        "Server room",
        ACTIVE_ACTIVE,
        (
            SimulatedStream("primary@rec-a"),
            SimulatedStream("secondary@rec-a"),
            SimulatedStream("primary@rec-b"),
            SimulatedStream("secondary@rec-b"),
        ),
    ),
    SimulatedCamera(
        "cam-05",
        "Cash desk",
        NONE,
        (
            SimulatedStream("primary@rec-a"),
            SimulatedStream("primary@rec-b", recording=False, recording_enabled=False),
        ),
    ),
    SimulatedCamera("cam-06", "Warehouse", NONE, (SimulatedStream("primary@rec-c"),)),
    SimulatedCamera(
        "cam-07",
        "Yard",
        ACTIVE_ACTIVE,
        (SimulatedStream("primary@rec-b"), SimulatedStream("primary@rec-c")),
    ),
    SimulatedCamera("cam-08", "Back door", NONE, (SimulatedStream("primary@rec-b"),)),
)


@dataclass(frozen=True)
class StreamChange:
    """Stream ``label`` of ``camera`` starts or stops recording (or is made view-only)."""

    camera: str
    label: str
    recording: bool
    recording_enabled: bool | None = None


@dataclass(frozen=True)
class RecorderChange:
    """A whole recorder goes offline or comes back."""

    recorder: str
    online: bool


#: A ticket the server should have: ``(camera, kind, "profile@recorder" or None)``.
Ticket = tuple[str, str, str | None]


@dataclass(frozen=True)
class Event:
    """From ``at`` seconds into the cycle (at speed 1) until the next event."""

    at: float
    title: str
    changes: tuple[StreamChange | RecorderChange, ...] = ()
    expected_tickets: frozenset[Ticket] = field(default_factory=frozenset)


def _tickets(*tickets: Ticket) -> frozenset[Ticket]:
    return frozenset(tickets)


CYCLE_SECONDS = 600.0

TIMELINE = (
    Event(0, "Normal operation: every camera recorded as intended"),
    Event(
        40,
        "Failover: rec-a stops recording Parking entrance, standby rec-b takes over",
        (
            StreamChange("cam-02", "primary@rec-a", False),
            StreamChange("cam-02", "primary@rec-b", True),
        ),
    ),
    Event(
        80,
        "Failback: rec-a records Parking entrance again, rec-b back to standby",
        (
            StreamChange("cam-02", "primary@rec-a", True),
            StreamChange("cam-02", "primary@rec-b", False),
        ),
    ),
    Event(
        120,
        "Loading dock lost on both recorders (Active-Passive, primary and standby down)",
        (StreamChange("cam-03", "primary@rec-a", False),),
        _tickets(("cam-03", STREAM_NOT_RECORDING, None)),
    ),
    Event(
        160,
        "Loading dock recording again on rec-a",
        (StreamChange("cam-03", "primary@rec-a", True),),
    ),
    Event(
        200,
        "Server room loses its secondary stream on rec-b (Active-Active)",
        (StreamChange("cam-04", "secondary@rec-b", False),),
        _tickets(("cam-04", STREAM_NOT_RECORDING, "secondary@rec-b")),
    ),
    Event(
        240,
        "Server room secondary stream recording again on rec-b",
        (StreamChange("cam-04", "secondary@rec-b", True),),
    ),
    Event(
        280,
        "Cash desk accidentally recorded by a second recorder, rec-b (HA None)",
        (StreamChange("cam-05", "primary@rec-b", True, recording_enabled=True),),
        _tickets(("cam-05", MULTIPLE_RECORDERS, None)),
    ),
    Event(
        320,
        "Recording of Cash desk disabled on rec-b (view-only again)",
        (StreamChange("cam-05", "primary@rec-b", False, recording_enabled=False),),
    ),
    Event(
        360,
        "Recorder rec-c goes offline",
        (
            RecorderChange("rec-c", False),
            StreamChange("cam-06", "primary@rec-c", False),
            StreamChange("cam-07", "primary@rec-c", False),
        ),
        _tickets(
            ("cam-06", STREAM_NOT_RECORDING, "primary@rec-c"),
            ("cam-07", STREAM_NOT_RECORDING, "primary@rec-c"),
        ),
    ),
    Event(
        400,
        "Recorder rec-c back online",
        (
            RecorderChange("rec-c", True),
            StreamChange("cam-06", "primary@rec-c", True),
            StreamChange("cam-07", "primary@rec-c", True),
        ),
    ),
    *(
        Event(
            at,
            f"Back door flapping: {'stops' if stopped else 'records again'}",
            (StreamChange("cam-08", "primary@rec-b", not stopped),),
            _tickets(("cam-08", STREAM_NOT_RECORDING, "primary@rec-b")) if stopped else _tickets(),
        )
        for at, stopped in ((440, True), (460, False), (480, True), (500, False), (520, True))
    ),
    Event(
        540,
        "Back door recording steadily again",
        (StreamChange("cam-08", "primary@rec-b", True),),
    ),
    Event(
        560,
        "Recording of Yard disabled on rec-b by mistake: Active-Active on one recorder",
        (StreamChange("cam-07", "primary@rec-b", False, recording_enabled=False),),
        _tickets(("cam-07", HA_MISCONFIGURED, None)),
    ),
    Event(
        580,
        "Recording of Yard enabled again on rec-b; every camera as intended",
        (StreamChange("cam-07", "primary@rec-b", True, recording_enabled=True),),
    ),
)


def intended_ha_modes() -> dict[str, str]:
    """``{camera external_id: ha_mode}``: what the demo's administrator sets."""
    return {camera.external_id: camera.ha_mode for camera in CAMERAS}


@dataclass(frozen=True)
class SiteState:
    """Every recorder and stream at one point of the script."""

    recorders: dict[str, bool]  # name -> online
    streams: dict[tuple[str, str], SimulatedStream]  # (camera, label) -> stream

    @classmethod
    def initial(cls) -> "SiteState":
        return cls(
            {recorder.name: True for recorder in RECORDERS},
            {
                (camera.external_id, stream.label): stream
                for camera in CAMERAS
                for stream in camera.streams
            },
        )

    def apply(self, changes: Iterable[StreamChange | RecorderChange]) -> "SiteState":
        recorders, streams = dict(self.recorders), dict(self.streams)
        for change in changes:
            if isinstance(change, RecorderChange):
                recorders[change.recorder] = change.online
                continue
            stream = streams[(change.camera, change.label)]
            enabled = stream.recording_enabled
            if change.recording_enabled is not None:
                enabled = change.recording_enabled
            streams[(change.camera, change.label)] = replace(
                stream, recording=change.recording, recording_enabled=enabled
            )
        return SiteState(recorders, streams)


def event_at(position: float) -> int:
    """Index in ``TIMELINE`` of the event in force ``position`` seconds into the cycle."""
    index = 0
    for candidate, event in enumerate(TIMELINE):
        if event.at <= position % CYCLE_SECONDS:
            index = candidate
    return index


def state_after(index: int) -> SiteState:
    """The site once events ``0..index`` have happened."""
    state = SiteState.initial()
    for event in TIMELINE[: index + 1]:
        state = state.apply(event.changes)
    return state


def background_cameras(count: int) -> list[SimulatedCamera]:
    """Healthy cameras with HA None, on rec-a and rec-b in turn: a site's quiet majority.

    The script never touches them (rec-a and rec-b never go offline), so they change no
    event's tickets; they make a demo look like a real site, or load a server.
    """
    return [
        SimulatedCamera(
            f"bg-{number:05d}",
            f"Camera {number}",
            NONE,
            (SimulatedStream(f"primary@{'rec-a' if number % 2 else 'rec-b'}"),),
        )
        for number in range(1, count + 1)
    ]


class SimulatedSite:
    """The ``simulate`` source: plays ``TIMELINE`` in a loop, ``speed`` times faster.

    Options: ``speed`` (default 1: the cycle lasts ``CYCLE_SECONDS``) and
    ``background_cameras`` (default 0: only the eight scripted cameras).
    """

    def __init__(self, speed: float = 1.0, start: datetime | None = None, background: int = 0):
        self.speed = speed
        self.start = start
        self._states = [state_after(index) for index in range(len(TIMELINE))]
        self._cameras = {camera.external_id: camera for camera in CAMERAS}
        self._background = background_cameras(background)

    @classmethod
    def from_config(cls, options: Table, base_dir: Path) -> "SimulatedSite":
        return cls(
            speed=options.number("speed", 1.0),
            background=options.integer("background_cameras", 0, minimum=0, maximum=1_000_000),
        )

    def position(self, now: datetime) -> float:
        """Seconds into the cycle, at speed 1; the first pass starts the script."""
        if self.start is None:
            self.start = now
        return ((now - self.start).total_seconds() * self.speed) % CYCLE_SECONDS

    def event(self, now: datetime) -> Event:
        return TIMELINE[event_at(self.position(now))]

    def collect(self, now: datetime) -> Observation:
        state = self._states[event_at(self.position(now))]
        return Observation(
            observed_at=now,
            recorders=[
                replace(recorder, online=state.recorders[recorder.name]) for recorder in RECORDERS
            ],
            streams=[
                StreamStatus(
                    camera=camera,
                    camera_name=self._cameras[camera].name,
                    recorder=stream.recorder,
                    profile=stream.profile,
                    recording=stream.recording and state.recorders[stream.recorder],
                    recording_enabled=stream.recording_enabled,
                    observed_at=now,
                )
                for (camera, _), stream in state.streams.items()
            ]
            + [
                StreamStatus(
                    camera=camera.external_id,
                    camera_name=camera.name,
                    recorder=stream.recorder,
                    profile=stream.profile,
                    recording=True,
                    observed_at=now,
                )
                for camera in self._background
                for stream in camera.streams
            ],
        )
