"""Validation of collector reports: the whole payload at once, with field paths.

Hand-written rather than a DRF serializer because a report holds up to 5,000 items and
must validate in milliseconds; the API schema describes the same shape with serializers
(``cameras/api/serializers.py``).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

#: Most stream items one request may carry.
MAX_STREAMS = 5000
#: Most recorder items one request may carry.
MAX_RECORDERS = 1000
#: How far in the future a timestamp may lie (collector clocks drift a little).
MAX_CLOCK_SKEW = timedelta(minutes=5)

REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NOT_A_STRING = "Not a valid string."
BLANK = "This field may not be blank."
NOT_A_BOOLEAN = "Must be a valid boolean."
NOT_A_LIST = 'Expected a list of items but got type "{}".'
NOT_AN_OBJECT = "Invalid data. Expected a dictionary, but got {}."
BAD_CHARACTERS = "Null characters and unpaired surrogates are not allowed."
TOO_LONG = "Ensure this field has no more than {} characters."
TOO_MANY = "Ensure this field has no more than {} elements."
BAD_DATETIME = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)
IN_THE_FUTURE = "Timestamp is more than 5 minutes in the future."

# PostgreSQL rejects NUL in text, and lone surrogates cannot be encoded as UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidObservations(Exception):
    """The report is invalid; ``errors`` maps field paths to messages, as DRF does."""

    def __init__(self, errors: dict[str, Any]):
        self.errors = errors
        super().__init__(errors)


@dataclass(slots=True)
class RecorderReport:
    name: str
    online: bool
    host: str | None
    vms: str | None


@dataclass(slots=True)
class StreamReport:
    camera: str
    camera_name: str | None
    recorder: str
    profile: str
    recording_enabled: bool
    recording: bool
    observed_at: datetime


@dataclass
class ObservationReport:
    """One validated collector report for one site."""

    site: str
    observed_at: datetime
    recorders: list[RecorderReport]
    streams: list[StreamReport]


class _Fields:
    """Reads typed fields out of one JSON object, collecting errors by field name."""

    def __init__(self, data: dict, errors: dict[str, list[str]]):
        self.data = data
        self.errors = errors

    def _get(self, name: str, required: bool):
        if name not in self.data:
            if required:
                self.errors[name] = [REQUIRED]
            return None
        value = self.data[name]
        if value is None:
            if required:
                self.errors[name] = [NOT_NULL]
            return None
        return value

    def string(self, name: str, max_length: int, *, required: bool = False, blank: bool = False):
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.errors[name] = [NOT_A_STRING]
        elif not blank and not value.strip():
            self.errors[name] = [BLANK]
        elif len(value) > max_length:
            self.errors[name] = [TOO_LONG.format(max_length)]
        elif _UNSTORABLE.search(value):
            self.errors[name] = [BAD_CHARACTERS]
        else:
            return value
        return None

    def boolean(self, name: str, *, required: bool = False, default: bool | None = None):
        value = self._get(name, required)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.errors[name] = [NOT_A_BOOLEAN]
            return None
        return value

    def timestamp(self, name: str, latest: datetime, default: datetime | None = None):
        value = self._get(name, False)
        if value is None:
            return default
        parsed = _parse_timestamp(value)
        if parsed is None:
            self.errors[name] = [BAD_DATETIME]
        elif parsed > latest:
            self.errors[name] = [IN_THE_FUTURE]
        return parsed

    def items(self, name: str, limit: int) -> list:
        value = self._get(name, False)
        if value is None:
            return []
        if not isinstance(value, list):
            self.errors[name] = [NOT_A_LIST.format(type(value).__name__)]
            return []
        if len(value) > limit:
            self.errors[name] = [TOO_MANY.format(limit)]
            return []
        return value


def _parse_timestamp(value) -> datetime | None:
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _object_or_error(value, errors: dict, key: str) -> dict | None:
    if isinstance(value, dict):
        return value
    errors[key] = {"non_field_errors": [NOT_AN_OBJECT.format(type(value).__name__)]}
    return None


def parse_observations(data: Any, *, now: datetime | None = None) -> ObservationReport:
    """Validate a collector's report as a whole; raise ``InvalidObservations`` if any is bad.

    Errors carry field paths like ``{"streams": {"3": {"recording": ["..."]}}}``.
    """
    now = now or timezone.now()
    latest = now + MAX_CLOCK_SKEW
    if not isinstance(data, dict):
        raise InvalidObservations({"non_field_errors": [NOT_AN_OBJECT.format(type(data).__name__)]})
    errors: dict[str, Any] = {}
    top = _Fields(data, errors)
    site = top.string("site", 64, required=True)
    observed_at = top.timestamp("observed_at", latest, default=now) or now

    recorders: list[RecorderReport] = []
    recorder_errors: dict[str, Any] = {}
    for index, item in enumerate(top.items("recorders", MAX_RECORDERS)):
        if (item := _object_or_error(item, recorder_errors, str(index))) is None:
            continue
        item_errors: dict[str, list[str]] = {}
        fields = _Fields(item, item_errors)
        report = RecorderReport(
            name=fields.string("name", 200, required=True),
            online=fields.boolean("online", default=True),
            host=fields.string("host", 255, blank=True),
            vms=fields.string("vms", 64, blank=True),
        )
        if item_errors:
            recorder_errors[str(index)] = item_errors
        else:
            recorders.append(report)

    streams: list[StreamReport] = []
    stream_errors: dict[str, Any] = {}
    for index, item in enumerate(top.items("streams", MAX_STREAMS)):
        if (item := _object_or_error(item, stream_errors, str(index))) is None:
            continue
        item_errors = {}
        fields = _Fields(item, item_errors)
        report = StreamReport(
            camera=fields.string("camera", 200, required=True),
            camera_name=fields.string("camera_name", 200, blank=True),
            recorder=fields.string("recorder", 200, required=True),
            profile=fields.string("profile", 64) or "primary",
            recording_enabled=fields.boolean("recording_enabled", default=True),
            recording=fields.boolean("recording", required=True),
            observed_at=fields.timestamp("observed_at", latest, default=observed_at),
        )
        if item_errors:
            stream_errors[str(index)] = item_errors
        else:
            streams.append(report)

    if recorder_errors:
        errors["recorders"] = recorder_errors
    if stream_errors:
        errors["streams"] = stream_errors
    if errors:
        raise InvalidObservations(errors)
    return ObservationReport(site, observed_at, recorders, streams)
