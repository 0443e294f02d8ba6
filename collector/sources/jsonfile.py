"""The ``json`` source: observations written by a custom script, from a file or stdin.

```toml
[source]
type = "json"
path = "/run/my-vms-export.json"   # or "-" for standard input (read once: use --once)
```

The document is the body of ``POST /api/v1/observations/`` without ``site``:
``{"observed_at": ..., "recorders": [...], "streams": [...]}``. Items without their own
``observed_at`` get the document's, or the time of the pass. A file is read again on
every pass, so a script can rewrite it (atomically, please) whenever it likes.
"""

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from ..config import Table, resolve
from ..observations import Observation, RecorderStatus, StreamStatus, parse_timestamp
from . import SourceError


class JsonSource:
    def __init__(self, path: Path | None, stdin: TextIO | None = None, site: str | None = None):
        self.path = path  # None: standard input
        self.stdin = stdin
        self.site = site
        self._stdin_consumed = False

    @classmethod
    def from_config(cls, options: Table, base_dir: Path, site: str | None = None) -> "JsonSource":
        path = options.string("path")
        return cls(None if path == "-" else resolve(path, base_dir), site=site)

    def collect(self, now: datetime) -> Observation:
        if self.path is None:
            if self._stdin_consumed:
                return Observation(observed_at=now)
            self._stdin_consumed = True
            text, where = (self.stdin or sys.stdin).read(), "standard input"
        else:
            where = str(self.path)
            try:
                text = self.path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise SourceError(f"cannot read {where}: {error}") from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise SourceError(f"{where} is not valid JSON: {error}") from None
        return parse_observation(document, now, where, self.site)


def parse_observation(
    document, now: datetime, where: str = "document", site: str | None = None
) -> Observation:
    """An Observation from the API's payload shape; SourceError names the bad field.

    A ``site`` in the document, if any, must be the collector's own.
    """
    if not isinstance(document, dict):
        raise SourceError(f"{where}: expected a JSON object")
    if site is not None and document.get("site", site) != site:
        raise SourceError(f"{where}: site {document['site']!r} is not this collector's {site!r}")
    unknown = set(document) - {"site", "observed_at", "recorders", "streams"}
    if unknown:
        raise SourceError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    observed_at = _timestamp(document, "observed_at", now, where)
    recorders = []
    for index, item in enumerate(_list(document, "recorders", where)):
        at = f"{where}: recorders[{index}]"
        _object(item, at, required={"name"}, optional={"online", "host", "vms"})
        recorders.append(
            RecorderStatus(
                name=_typed(item, "name", str, at),
                online=_typed(item, "online", bool, at, True),
                host=_typed(item, "host", str, at, ""),
                vms=_typed(item, "vms", str, at, ""),
            )
        )
    streams = []
    for index, item in enumerate(_list(document, "streams", where)):
        at = f"{where}: streams[{index}]"
        _object(
            item,
            at,
            required={"camera", "recorder", "recording"},
            optional={"profile", "recording_enabled", "camera_name", "observed_at"},
        )
        streams.append(
            StreamStatus(
                camera=_typed(item, "camera", str, at),
                recorder=_typed(item, "recorder", str, at),
                recording=_typed(item, "recording", bool, at),
                profile=_typed(item, "profile", str, at, "primary"),
                recording_enabled=_typed(item, "recording_enabled", bool, at, True),
                camera_name=_typed(item, "camera_name", str, at, ""),
                observed_at=_timestamp(item, "observed_at", observed_at, at),
            )
        )
    return Observation(observed_at=observed_at, recorders=recorders, streams=streams)


def _list(document: dict, key: str, where: str) -> list:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise SourceError(f"{where}: {key} must be a list")
    return value


def _object(item, at: str, required: set[str], optional: set[str]) -> None:
    if not isinstance(item, dict):
        raise SourceError(f"{at}: expected an object")
    missing = required - set(item)
    if missing:
        raise SourceError(f"{at}: missing {', '.join(sorted(missing))}")
    unknown = set(item) - required - optional
    if unknown:
        raise SourceError(f"{at}: unknown field(s) {', '.join(sorted(unknown))}")


_NO_DEFAULT = object()


def _typed(item: dict, key: str, kind: type, at: str, default=_NO_DEFAULT):
    if key not in item and default is not _NO_DEFAULT:
        return default
    value = item.get(key)
    if not isinstance(value, kind) or (kind is str and not value):
        expected = "a non-empty string" if kind is str else "true or false"
        raise SourceError(f"{at}: {key} must be {expected}")
    return value


def _timestamp(item: dict, key: str, default: datetime, at: str) -> datetime:
    if key not in item:
        return default
    value = item[key]
    try:
        if not isinstance(value, str):
            raise ValueError
        return parse_timestamp(value)
    except ValueError:
        raise SourceError(f"{at}: {key} must be an ISO 8601 timestamp with a time zone") from None
