"""What a collector saw, and how it travels: the payload of ``POST /api/v1/observations/``."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: The server refuses requests with more stream items than this (the API contract).
MAX_STREAMS_PER_BATCH = 5000


@dataclass(frozen=True, slots=True)
class RecorderStatus:
    """A recorder and whether it is online."""

    name: str
    online: bool = True
    host: str = ""
    vms: str = ""

    def to_json(self) -> dict:
        item = {"name": self.name, "online": self.online}
        if self.host:
            item["host"] = self.host
        if self.vms:
            item["vms"] = self.vms
        return item


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """Whether recorder ``recorder`` was recording profile ``profile`` of ``camera``."""

    camera: str
    recorder: str
    recording: bool
    observed_at: datetime
    profile: str = "primary"
    recording_enabled: bool = True
    camera_name: str = ""

    @property
    def label(self) -> str:
        return f"{self.profile}@{self.recorder}"

    def to_json(self) -> dict:
        item = {
            "camera": self.camera,
            "recorder": self.recorder,
            "profile": self.profile,
            "recording_enabled": self.recording_enabled,
            "recording": self.recording,
            "observed_at": format_timestamp(self.observed_at),
        }
        if self.camera_name:
            item["camera_name"] = self.camera_name
        return item


@dataclass(slots=True)
class Observation:
    """One pass of a source: the recorders and streams it saw at ``observed_at``."""

    observed_at: datetime
    recorders: list[RecorderStatus] = field(default_factory=list)
    streams: list[StreamStatus] = field(default_factory=list)

    def payloads(self, site: str, batch_size: int = MAX_STREAMS_PER_BATCH) -> Iterator[dict]:
        """Request bodies of at most ``batch_size`` stream items each.

        Every stream item carries its own ``observed_at``, so a batch replayed from the
        spool hours later still says when it was true. Recorders travel with every
        batch: they are few, and the server applies them idempotently.
        """
        if not 1 <= batch_size <= MAX_STREAMS_PER_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_STREAMS_PER_BATCH}")
        recorders = [recorder.to_json() for recorder in self.recorders]
        streams = [stream.to_json() for stream in self.streams]
        for start in range(0, max(len(streams), 1), batch_size):
            chunk = streams[start : start + batch_size]
            if not chunk and not recorders:
                return
            yield {
                "site": site,
                "observed_at": format_timestamp(self.observed_at),
                "recorders": recorders,
                "streams": chunk,
            }


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as the API expects; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_timestamp(text: str) -> datetime:
    """The inverse of ``format_timestamp``; raises ValueError on anything else."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no time zone")
    return moment


def utc_now() -> datetime:
    return datetime.now(UTC)
