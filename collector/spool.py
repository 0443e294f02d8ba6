"""The on-disk spool: batches wait here, oldest first, until the server accepts them.

Every batch is written here before its first send and removed once the server answers
2xx, so neither a server outage nor a crash nor a power cut loses one. Files are named by
a sequence number and written atomically (temporary file, fsync, rename), so a reader
never sees half a batch.

The spool is bounded (``spool_max_mb``). When a new batch would exceed the bound, the
**oldest** batches are dropped, with an error in the log for each: the newest
observations say what is true now, while the oldest are the least useful (the server
ignores an observation older than a stream's latest one anyway). Refusing the newest
instead would keep the server blind to the present for as long as the outage lasts.

Batches the server refuses (4xx) move to ``dead-letter/`` with the server's answer, for
a person to read; they are never retried automatically.
"""

import fcntl
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .observations import format_timestamp, utc_now

log = logging.getLogger(__name__)

SUFFIX = ".json"
DEAD_LETTER = "dead-letter"


class SpoolLocked(Exception):
    """Another collector process uses this spool directory."""


@dataclass(frozen=True)
class SpooledBatch:
    path: Path
    sequence: int
    size: int

    def read(self) -> bytes:
        return self.path.read_bytes()


class Spool:
    """A directory of batches, in order; one collector process at a time."""

    def __init__(self, directory: Path, max_bytes: int):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.dead_letter_dir = self.directory / DEAD_LETTER
        self.dead_letter_dir.mkdir(parents=True, exist_ok=True)
        self._lock = (self.directory / "spool.lock").open("a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            raise SpoolLocked(
                f"spool directory {self.directory} is in use by another collector"
            ) from None
        for leftover in self.directory.glob(".tmp-*"):
            leftover.unlink(missing_ok=True)  # a write interrupted by a crash
        batches = self.batches()
        self._next_sequence = batches[-1].sequence + 1 if batches else 1
        self.dropped = 0

    def close(self) -> None:
        self._lock.close()

    def batches(self) -> list[SpooledBatch]:
        """Every waiting batch, oldest first."""
        found = []
        for path in self.directory.glob("*" + SUFFIX):
            stem = path.name.removesuffix(SUFFIX)
            if not stem.isdigit():
                continue
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                continue
            found.append(SpooledBatch(path, int(stem), size))
        return sorted(found, key=lambda batch: batch.sequence)

    def __len__(self) -> int:
        return len(self.batches())

    def append(self, payload: dict) -> SpooledBatch:
        """Store a batch after every other; then keep the spool within its bound."""
        sequence = self._next_sequence
        self._next_sequence += 1
        data = json.dumps(payload, separators=(",", ":")).encode()
        path = self.directory / f"{sequence:012d}{SUFFIX}"
        write_atomically(path, data)
        self._enforce_bound(keep=sequence)
        return SpooledBatch(path, sequence, len(data))

    def remove(self, batch: SpooledBatch) -> None:
        batch.path.unlink(missing_ok=True)

    def dead_letter(self, batch: SpooledBatch, status: int | None, message: str) -> Path:
        """Move a refused batch aside, with the server's answer, for a person to read."""
        try:
            payload = json.loads(batch.read())
        except (OSError, ValueError) as error:
            payload = {"unreadable": str(error)}
        record = {
            "dead_lettered_at": format_timestamp(utc_now()),
            "status": status,
            "response": message,
            "payload": payload,
        }
        path = self.dead_letter_dir / batch.path.name
        write_atomically(path, json.dumps(record, indent=1).encode())
        self.remove(batch)
        return path

    def _enforce_bound(self, keep: int) -> None:
        batches = self.batches()
        total = sum(batch.size for batch in batches)
        for batch in batches:
            if total <= self.max_bytes or batch.sequence == keep:
                break
            self.remove(batch)
            total -= batch.size
            self.dropped += 1
            log.error(
                "SPOOL FULL (limit %d bytes, spool_max_mb): dropped the oldest batch %s "
                "(%d bytes); its observations will never reach the server",
                self.max_bytes,
                batch.path.name,
                batch.size,
            )


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` holds either nothing or all of it."""
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    with temporary.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
