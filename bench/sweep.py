"""Benchmark: sweep + reconcile of a 100,000-camera site where 5% of streams went silent.

Compares, in one run and on one database:
- the sweep as the product runs it (``cameras.sweep.sweep_site``, incremental);
- the floor: the SQL PostgreSQL alone needs to find and update the same streams and insert
  the same tickets and events (three statements, no Python in between);
- a per-camera ORM loop doing the same work, timed on a sample and scaled up.

Budget: within 3x of the floor, at least 20x faster than the loop.
Run with `make bench`; it creates and drops its own database, `viakoo_ha_bench`.
"""

import os
import time
from statistics import median

from common import bench_database, build_site, silence_streams

CAMERAS = int(os.environ.get("BENCH_CAMERAS", "100000"))
LOOP_SAMPLE = int(os.environ.get("BENCH_LOOP_SAMPLE", "2000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def floor_sql(cursor, site_id: int, stale_after: int) -> None:
    """What PostgreSQL alone needs: find and update the streams, insert tickets and events."""
    cursor.execute(
        """
        WITH silent AS (
            UPDATE cameras_stream s SET state = 'not_recording', state_since = now()
            FROM cameras_camera c, cameras_recorder r
            WHERE s.camera_id = c.id AND s.recorder_id = r.id AND c.site_id = %s
              AND s.state <> 'not_recording'
              AND (NOT r.online OR s.last_report_at < now() - make_interval(secs => %s))
            RETURNING s.id, s.camera_id
        ), opened AS (
            INSERT INTO tickets_ticket (site_id, camera_id, stream_id, kind, severity, status,
                summary, details, opened_at, reopen_count, resolution)
            SELECT %s, camera_id, id, 'stream_not_recording', 'critical', 'open',
                'stream is not recording', '{}', now(), 0, ''
            FROM silent
            RETURNING id
        )
        INSERT INTO tickets_ticketevent (ticket_id, at, action, note)
        SELECT id, now(), 'opened', '' FROM opened
        """,
        [site_id, stale_after, site_id],
    )


def per_camera_orm_loop(site, camera_ids: list[int]) -> None:
    """The naive way: one camera at a time, one stream at a time."""
    from datetime import timedelta

    from django.utils import timezone

    from cameras.choices import StreamState
    from cameras.models import Camera
    from tickets.models import Ticket
    from tickets.rules import StreamFacts, wanted_tickets

    now = timezone.now()
    cutoff = now - timedelta(seconds=site.stale_after_seconds)
    for camera in Camera.objects.filter(id__in=camera_ids):
        facts = []
        for stream in camera.streams.select_related("recorder"):
            if stream.state != StreamState.NOT_RECORDING and (
                not stream.recorder.online or stream.last_report_at < cutoff
            ):
                stream.state = StreamState.NOT_RECORDING
                stream.state_since = now
                stream.save(update_fields=["state", "state_since"])
            facts.append(
                StreamFacts(
                    stream.id,
                    stream.recorder.name,
                    stream.profile,
                    stream.state,
                    stream.recording_enabled,
                )
            )
        for wanted in wanted_tickets(camera.ha_mode, facts):
            exists = (
                Ticket.objects.unresolved()
                .filter(camera=camera, kind=wanted.kind, stream_id=wanted.stream_id)
                .exists()
            )
            if not exists:
                Ticket.objects.create(
                    site=site,
                    camera=camera,
                    stream_id=wanted.stream_id,
                    kind=wanted.kind,
                    severity=wanted.severity,
                    summary=wanted.summary,
                    details=wanted.details,
                )


def timed(label: str, work) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"  {label:<44} {seconds:8.3f} s")
    return seconds


def main() -> None:
    with bench_database():
        run()


def run() -> None:
    from django.db import connection, transaction

    from cameras.models import Camera, Stream
    from cameras.sweep import sweep_site
    from sites.models import Site
    from tickets.models import Ticket, TicketEvent
    from tickets.reconcile import reconcile_site

    site = Site.objects.create(slug="bench", name="Bench")
    with connection.cursor() as cursor:
        build_site(cursor, site.id, CAMERAS)
    reconcile_site(site.id)
    streams = Stream.objects.filter(camera__site=site).count()
    print(f"site: {CAMERAS:,} cameras, {streams:,} streams")

    def reset():
        """The same starting point for every contender: no tickets, 5% silent."""
        Ticket.objects.all().delete()
        with connection.cursor() as cursor:
            silenced = silence_streams(cursor, site.id)
            cursor.execute("VACUUM ANALYZE cameras_stream, tickets_ticket, tickets_ticketevent")
        return silenced

    silenced = reset()
    print(f"silent streams per run: {silenced:,} ({silenced / streams:.0%} of all streams)\n")

    def floor():
        with transaction.atomic(), connection.cursor() as cursor:
            floor_sql(cursor, site.id, site.stale_after_seconds)

    result = None

    def sweep():
        nonlocal result
        result = sweep_site(site.id, full=False)

    floor_runs, sweep_runs = [], []
    for _ in range(REPEATS):
        reset()
        floor_runs.append(timed("floor: PostgreSQL alone (3 statements)", floor))
        reset()
        sweep_runs.append(timed("sweep_site + reconcile (the product)", sweep))
        assert result.streams_stopped == silenced, (result.streams_stopped, silenced)
    floor_seconds, sweep_seconds = median(floor_runs), median(sweep_runs)
    print(
        f"  medians of {REPEATS}: floor {floor_seconds:.3f} s, sweep {sweep_seconds:.3f} s; "
        f"the sweep stopped {result.streams_stopped:,} streams, opened "
        f"{len(result.tickets.opened):,} tickets with {TicketEvent.objects.count():,} events"
    )

    reset()
    sample = list(
        Camera.objects.filter(site=site).order_by("id").values_list("id", flat=True)[:LOOP_SAMPLE]
    )
    loop_sample_seconds = timed(
        f"per-camera ORM loop, {LOOP_SAMPLE:,} cameras",
        lambda: per_camera_orm_loop(site, sample),
    )
    loop_seconds = loop_sample_seconds * CAMERAS / LOOP_SAMPLE
    print(f"  {'per-camera ORM loop, scaled to the site':<44} {loop_seconds:8.3f} s\n")

    print(f"sweep / floor: {sweep_seconds / floor_seconds:5.1f}x   (budget: at most 3x)")
    print(f"loop / sweep:  {loop_seconds / sweep_seconds:5.1f}x   (budget: at least 20x)")


if __name__ == "__main__":
    main()
