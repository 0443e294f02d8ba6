"""Ingest of collector observations: apply a validated report set-based, then reconcile.

``cameras.observations.parse_observations`` validates the entire payload first (nothing
is stored when any item is invalid); ``ingest_observations`` upserts recorders, cameras
and streams with a fixed number of SQL statements whatever the size of the report,
applies each stream's report only if it is not older than the one stored, and schedules
the reconcile of the cameras whose streams changed once the transaction commits.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from sites.models import Site
from tickets.tasks import reconcile_cameras

from .choices import HAMode, StreamState
from .models import Camera, Recorder, Stream
from .observations import ObservationReport, StreamReport


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
            # Robust: the report is stored whatever the broker does; were the task lost, the
            # sweep's periodic full reconcile still catches up.
            changed = sorted(result.cameras_to_reconcile)

            def reconcile_after_commit():
                reconcile_cameras.delay(changed)

            transaction.on_commit(reconcile_after_commit, robust=True)
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
        for external_id, camera_id, name in _cameras_named(site, list(names), "name")
    }
    rows = []
    for external_id in sorted(names):
        name = names[external_id]
        if external_id not in existing:
            result.cameras_created += 1
            rows.append(_new_camera(site, external_id, name or ""))
        elif name is not None and name != existing[external_id][1]:
            rows.append(_new_camera(site, external_id, name))
    ids = {external_id: camera_id for external_id, (camera_id, _) in existing.items()}
    if rows and connection.vendor == "postgresql":
        ids |= dict(_upsert_cameras_postgresql(rows))
    elif rows:
        Camera.objects.bulk_create(
            [Camera(**row) for row in rows],
            update_conflicts=True,
            unique_fields=["site", "external_id"],
            update_fields=["name"],
        )
        ids = dict(_cameras_named(site, list(names)))
    return ids


_UPSERT_CAMERAS = """
INSERT INTO {table} AS stored (site_id, external_id, name, ha_mode, ha_mode_changed_at,
                               created_at)
SELECT * FROM unnest(%b::bigint[], %b::text[], %b::text[], %b::text[], %b::timestamptz[],
                     %b::timestamptz[])
ON CONFLICT (site_id, external_id) DO UPDATE SET name = EXCLUDED.name
RETURNING stored.external_id, stored.id
"""


def _upsert_cameras_postgresql(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """New and renamed cameras in one statement; answers their ``(external_id, id)``."""
    columns = list(rows[0])
    sql = _UPSERT_CAMERAS.format(table=connection.ops.quote_name(Camera._meta.db_table))
    with _server_bound_cursor() as cursor:
        cursor.execute(sql, [[row[column] for row in rows] for column in columns])
        return cursor.fetchall()


def _cameras_named(site: Site, external_ids: list[str], *fields: str) -> list[tuple]:
    """``(external_id, id, *fields)`` of the site's cameras with these external ids."""
    if connection.vendor != "postgresql":
        return list(
            Camera.objects.filter(site=site, external_id__in=external_ids).values_list(
                "external_id", "id", *fields
            )
        )
    # One array parameter rather than thousands of placeholders.
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in ("external_id", "id", *fields))
    table = quote(Camera._meta.db_table)
    with _server_bound_cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE site_id = %b AND external_id = ANY(%b::text[])",
            [site.pk, external_ids],
        )
        return cursor.fetchall()


def _new_camera(site: Site, external_id: str, name: str) -> dict[str, Any]:
    return {
        "site_id": site.pk,
        "external_id": external_id,
        "name": name,
        "ha_mode": HAMode.NONE,
        "ha_mode_changed_at": None,
        "created_at": timezone.now(),
    }


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

    online = {recorder.pk: recorder.online for recorder in recorders.values()}
    stale_before = now - timedelta(seconds=site.stale_after_seconds)
    rows = []
    for key in sorted(latest):  # one order for every writer, against deadlocks
        stream = latest[key]
        camera_id, recorder_id, profile = key
        is_recording = (
            stream.recording and online[recorder_id] and stream.observed_at >= stale_before
        )
        rows.append(
            {
                "camera_id": camera_id,
                "recorder_id": recorder_id,
                "profile": profile,
                "recording_enabled": stream.recording_enabled,
                "last_recording": stream.recording,
                "last_report_at": stream.observed_at,
                "state": StreamState.RECORDING if is_recording else StreamState.NOT_RECORDING,
                "state_since": min(stream.observed_at, now),
                "created_at": now,
            }
        )
    upsert = _upsert_streams_postgresql if connection.vendor == "postgresql" else _upsert_streams
    written = upsert(rows)
    result.streams_accepted = len(written)
    result.streams_ignored_stale += len(rows) - len(written)
    for camera_id, created, changed in written:
        result.streams_created += created
        if changed:
            result.cameras_to_reconcile.add(camera_id)


# (camera id, whether the stream was created, whether its state or recording_enabled changed)
Written = tuple[int, bool, bool]
STREAM_UPDATE_FIELDS = ["recording_enabled", "last_recording", "last_report_at", "state"]


def _upsert_streams(rows: list[dict[str, Any]]) -> list[Written]:
    """Any database: read the stored streams, skip older reports, upsert the rest."""
    current = {
        (camera_id, recorder_id, profile): stored
        for camera_id, recorder_id, profile, *stored in Stream.objects.select_for_update()
        .filter(camera_id__in=sorted({row["camera_id"] for row in rows}))
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
    }
    applied, written = [], []
    for row in rows:
        stored = current.get((row["camera_id"], row["recorder_id"], row["profile"]))
        if stored is None:
            written.append((row["camera_id"], True, True))
        else:
            enabled, state, state_since, last_report_at = stored
            if last_report_at is not None and row["last_report_at"] < last_report_at:
                continue
            if state == row["state"]:
                row["state_since"] = state_since
            changed = state != row["state"] or enabled != row["recording_enabled"]
            written.append((row["camera_id"], False, changed))
        applied.append(Stream(**row))
    Stream.objects.bulk_create(
        applied,
        update_conflicts=True,
        unique_fields=["camera", "recorder", "profile"],
        update_fields=[*STREAM_UPDATE_FIELDS, "state_since"],
    )
    return written


# One statement: read the stored states of the cameras' streams, upsert unless the stored
# report is newer, and return both; Python compares them by stream id (a join in SQL is
# at the mercy of row estimates). Were another report of the same stream committed in
# between, "changed" may be misjudged; the sweep's periodic full reconcile corrects that.
# Rows travel as one array per column, bound server-side in binary, which costs a
# fraction of thousands of bound parameters.
_UPSERT_STREAMS = """
WITH incoming AS (
    SELECT * FROM unnest(
        %b::bigint[], %b::bigint[], %b::text[], %b::boolean[], %b::boolean[],
        %b::timestamptz[], %b::text[], %b::timestamptz[], %b::timestamptz[]
    ) AS incoming (camera_id, recorder_id, profile, recording_enabled, last_recording,
                   last_report_at, state, state_since, created_at)
),
previous AS (
    SELECT id, state, recording_enabled FROM {table} WHERE camera_id = ANY(%b::bigint[])
),
written AS (
    INSERT INTO {table} AS stored (camera_id, recorder_id, profile, recording_enabled,
        last_recording, last_report_at, state, state_since, created_at)
    SELECT * FROM incoming
    ON CONFLICT (camera_id, recorder_id, profile) DO UPDATE SET
        recording_enabled = EXCLUDED.recording_enabled,
        last_recording = EXCLUDED.last_recording,
        last_report_at = EXCLUDED.last_report_at,
        state = EXCLUDED.state,
        state_since = CASE WHEN stored.state = EXCLUDED.state
                           THEN stored.state_since ELSE EXCLUDED.state_since END
    WHERE stored.last_report_at IS NULL OR stored.last_report_at <= EXCLUDED.last_report_at
    RETURNING stored.id, stored.state, stored.recording_enabled, stored.camera_id
)
SELECT true, id, state, recording_enabled, camera_id FROM written
UNION ALL
SELECT false, id, state, recording_enabled, NULL FROM previous
"""


def _upsert_streams_postgresql(rows: list[dict[str, Any]]) -> list[Written]:
    """PostgreSQL: the same as ``_upsert_streams``, in one statement."""
    columns = list(rows[0])
    sql = _UPSERT_STREAMS.format(table=connection.ops.quote_name(Stream._meta.db_table))
    with _server_bound_cursor() as cursor:
        arrays = [[row[column] for row in rows] for column in columns]
        cursor.execute(sql, [*arrays, sorted({row["camera_id"] for row in rows})])
        answer = cursor.fetchall()
    previous = {
        stream_id: (state, enabled)
        for is_written, stream_id, state, enabled, _ in answer
        if not is_written
    }
    written = []
    for is_written, stream_id, state, enabled, camera_id in answer:
        if is_written:
            before = previous.get(stream_id)
            written.append((camera_id, before is None, before != (state, enabled)))
    return written


def _server_bound_cursor():
    """A cursor on Django's connection (and transaction) binding parameters server-side.

    Django's psycopg cursors interpolate parameters client-side, which for arrays of
    thousands of values costs more than the statement itself.
    """
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    if connection.queries_logged:  # still visible to query counts and debug logs
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


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
