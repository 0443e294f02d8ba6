"""The sweep: streams whose reports stopped are not recording; reconcile what changed."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from sites.models import Site
from tickets.reconcile import ReconcileResult, reconcile_cameras, reconcile_site

from .choices import StreamState
from .models import Camera, Recorder, Stream

# One statement finds and updates the silent streams, so a report that arrives meanwhile is
# never overwritten, and says which cameras changed (PostgreSQL; SQLite 3.35+ too).
SILENCE_STREAMS = f"""
UPDATE {Stream._meta.db_table}
   SET state = %(not_recording)s, state_since = %(now)s
 WHERE state <> %(not_recording)s
   AND camera_id IN (SELECT id FROM {Camera._meta.db_table} WHERE site_id = %(site)s)
   AND (recorder_id IN (SELECT id FROM {Recorder._meta.db_table}
                         WHERE site_id = %(site)s AND NOT online)
        OR last_report_at < %(cutoff)s
        OR (last_report_at IS NULL AND created_at < %(cutoff)s))
RETURNING camera_id
"""


@dataclass
class SweepResult:
    """What one site's sweep changed."""

    site: str
    streams_stopped: int = 0
    full_reconcile: bool = False
    tickets: ReconcileResult = field(default_factory=ReconcileResult)


def sweep_site(
    site_id: int, *, now: datetime | None = None, full: bool | None = None
) -> SweepResult:
    """Mark a site's silent streams not recording, then reconcile the affected cameras.

    A stream stops counting as recording when its latest report is older than the site's
    ``stale_after_seconds``, when its recorder is offline, or when it never reported and is
    that old. Every ``FULL_RECONCILE_INTERVAL_SECONDS`` (or with ``full=True``) the whole
    site is reconciled as a safety net. The number of SQL statements does not depend on the
    size of the site.
    """
    now = now or timezone.now()
    site = Site.objects.only("slug", "stale_after_seconds", "last_full_reconcile_at").get(
        id=site_id
    )
    cutoff = now - timedelta(seconds=site.stale_after_seconds)
    with connection.cursor() as cursor:
        cursor.execute(
            SILENCE_STREAMS,
            {
                "not_recording": StreamState.NOT_RECORDING,
                "now": now,
                "site": site_id,
                "cutoff": cutoff,
            },
        )
        silenced_cameras = [camera_id for (camera_id,) in cursor.fetchall()]

    if full is None:
        every = timedelta(seconds=settings.FULL_RECONCILE_INTERVAL_SECONDS)
        full = site.last_full_reconcile_at is None or site.last_full_reconcile_at <= now - every
    if full:
        tickets = reconcile_site(site_id, now=now)
    else:
        tickets = reconcile_cameras(set(silenced_cameras), site_ids=[site_id], now=now)
    return SweepResult(site.slug, len(silenced_cameras), full, tickets)
