"""The ``directory`` source: recorders that write segment files (NVRs, ffmpeg, ...).

```toml
[source]
type = "directory"
max_age_seconds = 60        # a stream records while its newest file is younger
pattern = "*"               # which files count as segments (fnmatch, optional)

[[source.recorders]]
name = "nvr-a"
root = "/srv/nvr-a"         # missing or unreadable: the recorder is offline

[[source.streams]]
camera = "cam-001"
camera_name = "Lobby"       # optional
profile = "primary"         # optional, default "primary"
recorder = "nvr-a"
directory = "cam-001/main"  # relative to the recorder's root (or absolute)
recording_enabled = true    # optional; false for view-only streams
```

Only the directory itself is scanned (not its subdirectories), and hidden files are
ignored, so a recorder's temporary files do not count.
"""

import fnmatch
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..config import ConfigError, Table, resolve
from ..observations import Observation, RecorderStatus, StreamStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecorderRoot:
    name: str
    root: Path
    host: str = ""
    vms: str = ""


@dataclass(frozen=True)
class StreamDirectory:
    camera: str
    recorder: str
    directory: Path
    profile: str = "primary"
    camera_name: str = ""
    recording_enabled: bool = True


class DirectorySource:
    """A stream records while its newest segment file is younger than ``max_age_seconds``."""

    def __init__(
        self,
        recorders: list[RecorderRoot],
        streams: list[StreamDirectory],
        max_age_seconds: float,
        pattern: str = "*",
    ):
        self.recorders = recorders
        self.streams = streams
        self.max_age_seconds = max_age_seconds
        self.pattern = pattern

    @classmethod
    def from_config(cls, options: Table, base_dir: Path) -> "DirectorySource":
        max_age = options.number("max_age_seconds", 60.0)
        pattern = options.string("pattern", "*")
        recorders = []
        for table in options.tables("recorders"):
            recorders.append(
                RecorderRoot(
                    name=table.string("name"),
                    root=table.path("root", base_dir),
                    host=table.string("host", ""),
                    vms=table.string("vms", "files"),
                )
            )
            table.finish()
        roots = {recorder.name: recorder.root for recorder in recorders}
        if len(roots) != len(recorders):
            raise ConfigError("source.recorders: two recorders have the same name")
        streams, seen = [], set()
        for table in options.tables("streams"):
            recorder = table.string("recorder")
            if recorder not in roots:
                raise ConfigError(f"{table.where}.recorder: no recorder named {recorder!r}")
            stream = StreamDirectory(
                camera=table.string("camera"),
                recorder=recorder,
                directory=resolve(table.string("directory"), roots[recorder]),
                profile=table.string("profile", "primary"),
                camera_name=table.string("camera_name", ""),
                recording_enabled=table.boolean("recording_enabled", True),
            )
            table.finish()
            key = (stream.camera, stream.recorder, stream.profile)
            if key in seen:
                raise ConfigError(f"{table.where}: stream {key} is listed twice")
            seen.add(key)
            streams.append(stream)
        return cls(recorders, streams, max_age, pattern)

    def collect(self, now: datetime) -> Observation:
        online = {recorder.name: self._is_readable(recorder) for recorder in self.recorders}
        cutoff = now.timestamp() - self.max_age_seconds
        streams = []
        for stream in self.streams:
            newest = self._newest_mtime(stream.directory) if online[stream.recorder] else None
            streams.append(
                StreamStatus(
                    camera=stream.camera,
                    camera_name=stream.camera_name,
                    recorder=stream.recorder,
                    profile=stream.profile,
                    recording_enabled=stream.recording_enabled,
                    recording=newest is not None and newest > cutoff,
                    observed_at=now,
                )
            )
        recorders = [
            RecorderStatus(recorder.name, online[recorder.name], recorder.host, recorder.vms)
            for recorder in self.recorders
        ]
        return Observation(observed_at=now, recorders=recorders, streams=streams)

    def _is_readable(self, recorder: RecorderRoot) -> bool:
        """A recorder whose storage root is missing or unreadable is offline."""
        try:
            with os.scandir(recorder.root) as entries:
                next(entries, None)
        except OSError as error:
            log.warning(
                "recorder %s offline: cannot read %s (%s)", recorder.name, recorder.root, error
            )
            return False
        return True

    def _newest_mtime(self, directory: Path) -> float | None:
        """Modification time of the newest segment file, or None (none, or unreadable)."""
        newest = None
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or not fnmatch.fnmatch(entry.name, self.pattern):
                        continue
                    try:
                        if not entry.is_file():
                            continue
                        mtime = entry.stat().st_mtime
                    except OSError:
                        continue  # deleted while we looked: the recorder rotates segments
                    if newest is None or mtime > newest:
                        newest = mtime
        except OSError as error:
            log.warning("cannot read stream directory %s (%s)", directory, error)
            return None
        return newest
