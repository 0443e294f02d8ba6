"""The sweep: streams whose reports stopped are not recording; reconcile what changed."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sites.models import Site
from tickets.reconcile import ReconcileResult, reconcile_cameras, reconcile_site

from .choices import StreamState
from .models import Stream


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
    with transaction.atomic():
        silent = list(
            Stream.objects.select_for_update(of=("self",))
            .filter(camera__site_id=site_id)
            .exclude(state=StreamState.NOT_RECORDING)
            .filter(
                Q(recorder__online=False)
                | Q(last_report_at__lt=cutoff)
                | Q(last_report_at__isnull=True, created_at__lt=cutoff)
            )
            .values_list("id", "camera_id")
        )
        Stream.objects.filter(id__in=[stream_id for stream_id, _ in silent]).update(
            state=StreamState.NOT_RECORDING, state_since=now
        )

    if full is None:
        every = timedelta(seconds=settings.FULL_RECONCILE_INTERVAL_SECONDS)
        full = site.last_full_reconcile_at is None or site.last_full_reconcile_at <= now - every
    if full:
        tickets = reconcile_site(site_id, now=now)
    else:
        tickets = reconcile_cameras({camera_id for _, camera_id in silent}, now=now)
    return SweepResult(site.slug, len(silent), full, tickets)
