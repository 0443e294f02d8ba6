"""Ingest of collector observations: validate a whole report, then apply it set-based.

A collector reports, for one site, which recorders are online and which recorder records
which stream of which camera. ``parse_observations`` validates the entire payload first
(nothing is stored when any item is invalid) and ``ingest_observations`` upserts recorders,
cameras and streams with a fixed number of SQL statements whatever the size of the report,
applies each stream's report only if it is not older than the one stored, and schedules
the reconcile of the cameras whose streams changed once the transaction commits.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sites.models import Site

from .choices import StreamState
from .models import Camera, Recorder, Stream

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


@dataclass
class IngestResult:
    """What an ingest did, in the shape the API answers."""

    site: str
    streams_accepted: int = 0
    streams_created: int = 0
    streams_ignored_stale: int = 0
    cameras_created: int = 0
    recorders_created: int = 0
    cameras_to_reconcile: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "streams": {
                "accepted": self.streams_accepted,
                "created": self.streams_created,
                "ignored_stale": self.streams_ignored_stale,
            },
            "cameras": {"created": self.cameras_created},
            "recorders": {"created": self.recorders_created},
        }


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


def ingest_observations(
    site: Site, report: ObservationReport, *, now: datetime | None = None
) -> IngestResult:
    """Apply a validated report to ``site`` atomically; reconcile what changed after commit.

    A stream is recording when its report says so, its recorder is online and the report
    is not older than the site's ``stale_after_seconds``. A report older than the stream's
    latest one is ignored and counted in ``streams_ignored_stale``.
    """
    now = now or timezone.now()
    result = IngestResult(site=site.slug)
    with transaction.atomic():
        recorders = _upsert_recorders(site, report, result)
        camera_ids = _upsert_cameras(site, report, result)
        _apply_stream_reports(site, report, recorders, camera_ids, now, result)
        _stop_streams_of_offline_recorders(report, recorders, now, result)
        if result.cameras_to_reconcile:
            from tickets.tasks import reconcile_cameras

            reconcile_cameras.delay_on_commit(sorted(result.cameras_to_reconcile))
    return result


def _upsert_recorders(
    site: Site, report: ObservationReport, result: IngestResult
) -> dict[str, Recorder]:
    """Create or update every recorder the report names; return them by name."""
    reported = {recorder.name: recorder for recorder in report.recorders}
    seen_at: dict[str, datetime] = dict.fromkeys(reported, report.observed_at)
    for stream in report.streams:
        if stream.recorder not in seen_at or stream.observed_at > seen_at[stream.recorder]:
            seen_at[stream.recorder] = stream.observed_at
    if not seen_at:
        return {}

    existing = {
        recorder.name: recorder
        for recorder in Recorder.objects.select_for_update()
        .filter(site=site, name__in=list(seen_at))
        .order_by("id")
    }
    rows = []
    for name in sorted(seen_at):
        recorder = existing.get(name)
        if recorder is None:
            recorder = Recorder(site=site, name=name)
            result.recorders_created += 1
        elif recorder.last_seen_at and seen_at[name] < recorder.last_seen_at:
            continue  # an older report than the one we hold
        if (status := reported.get(name)) is not None:
            recorder.online = status.online
            if status.host is not None:
                recorder.host = status.host
            if status.vms is not None:
                recorder.vms = status.vms
        recorder.last_seen_at = seen_at[name]
        rows.append(recorder)
    Recorder.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["site", "name"],
        update_fields=["online", "host", "vms", "last_seen_at"],
    )
    by_name = existing | {recorder.name: recorder for recorder in rows}
    if any(recorder.pk is None for recorder in by_name.values()):  # a backend without RETURNING
        by_name = {r.name: r for r in Recorder.objects.filter(site=site, name__in=list(seen_at))}
    return by_name


def _upsert_cameras(site: Site, report: ObservationReport, result: IngestResult) -> dict[str, int]:
    """Create the cameras the report names (auto-discovery, HA mode none); return their ids."""
    names: dict[str, str | None] = {}
    for stream in report.streams:
        if stream.camera_name is not None or stream.camera not in names:
            names[stream.camera] = stream.camera_name
    if not names:
        return {}
    existing = {
        external_id: (camera_id, name)
        for external_id, camera_id, name in Camera.objects.filter(
            site=site, external_id__in=list(names)
        ).values_list("external_id", "id", "name")
    }
    rows = []
    for external_id in sorted(names):
        name = names[external_id]
        if external_id not in existing:
            result.cameras_created += 1
            rows.append(Camera(site=site, external_id=external_id, name=name or ""))
        elif name is not None and name != existing[external_id][1]:
            rows.append(Camera(site=site, external_id=external_id, name=name))
    Camera.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["site", "external_id"], update_fields=["name"]
    )
    ids = {external_id: camera_id for external_id, (camera_id, _) in existing.items()}
    ids |= {camera.external_id: camera.pk for camera in rows}
    if None in ids.values():  # a backend without RETURNING
        ids = dict(
            Camera.objects.filter(site=site, external_id__in=list(names)).values_list(
                "external_id", "id"
            )
        )
    return ids


def _apply_stream_reports(
    site: Site,
    report: ObservationReport,
    recorders: dict[str, Recorder],
    camera_ids: dict[str, int],
    now: datetime,
    result: IngestResult,
) -> None:
    """Upsert every reported stream whose report is not older than the one stored."""
    latest: dict[tuple[int, int, str], StreamReport] = {}
    for stream in report.streams:
        key = (camera_ids[stream.camera], recorders[stream.recorder].pk, stream.profile)
        previous = latest.get(key)
        if previous is None or stream.observed_at >= previous.observed_at:
            latest[key] = stream
        if previous is not None:  # the same stream twice: only the newest counts
            result.streams_ignored_stale += 1
    if not latest:
        return

    current = {
        (camera_id, recorder_id, profile): (enabled, state, state_since, last_report_at)
        for camera_id, recorder_id, profile, enabled, state, state_since, last_report_at in (
            Stream.objects.select_for_update()
            .filter(camera_id__in=sorted({key[0] for key in latest}))
            .order_by("id")
            .values_list(
                "camera_id",
                "recorder_id",
                "profile",
                "recording_enabled",
                "state",
                "state_since",
                "last_report_at",
            )
        )
    }
    online = {recorder.pk: recorder.online for recorder in recorders.values()}
    stale_before = now - timedelta(seconds=site.stale_after_seconds)
    rows = []
    for key in sorted(latest):
        stream = latest[key]
        camera_id, recorder_id, profile = key
        is_recording = (
            stream.recording and online[recorder_id] and stream.observed_at >= stale_before
        )
        state = StreamState.RECORDING if is_recording else StreamState.NOT_RECORDING
        state_since = min(stream.observed_at, now)
        stored = current.get(key)
        if stored is None:
            result.streams_created += 1
            result.cameras_to_reconcile.add(camera_id)
        else:
            enabled, stored_state, stored_since, last_report_at = stored
            if last_report_at is not None and stream.observed_at < last_report_at:
                result.streams_ignored_stale += 1
                continue
            if stored_state == state:
                state_since = stored_since
            if stored_state != state or enabled != stream.recording_enabled:
                result.cameras_to_reconcile.add(camera_id)
        rows.append(
            Stream(
                camera_id=camera_id,
                recorder_id=recorder_id,
                profile=profile,
                recording_enabled=stream.recording_enabled,
                last_recording=stream.recording,
                last_report_at=stream.observed_at,
                state=state,
                state_since=state_since,
                created_at=now,
            )
        )
    result.streams_accepted = len(rows)
    Stream.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["camera", "recorder", "profile"],
        update_fields=[
            "recording_enabled",
            "last_recording",
            "last_report_at",
            "state",
            "state_since",
        ],
    )


def _stop_streams_of_offline_recorders(
    report: ObservationReport, recorders: dict[str, Recorder], now: datetime, result: IngestResult
) -> None:
    """A recorder reported offline records nothing: all its streams stop at once."""
    offline = [
        recorders[status.name].pk
        for status in report.recorders
        if not status.online and not recorders[status.name].online
    ]
    if not offline:
        return
    stopping = Stream.objects.filter(recorder_id__in=offline).exclude(
        state=StreamState.NOT_RECORDING
    )
    stopped = list(stopping.select_for_update().order_by("id").values_list("id", "camera_id"))
    Stream.objects.filter(id__in=[stream_id for stream_id, _ in stopped]).update(
        state=StreamState.NOT_RECORDING, state_since=now
    )
    result.cameras_to_reconcile.update(camera_id for _, camera_id in stopped)
