"""Periodic work on cameras: the sweep, one task per site."""

import logging

from celery import shared_task
from django.conf import settings

from sites.models import Site

from . import sweep

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, soft_time_limit=30, time_limit=60)
def sweep_all_sites() -> int:
    """Fan out: one sweep task per site, so that more workers sweep more sites at once."""
    site_ids = list(Site.objects.values_list("id", flat=True))
    for site_id in site_ids:
        sweep_site.apply_async((site_id,), expires=settings.SWEEP_INTERVAL_SECONDS * 2)
    return len(site_ids)


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300)
def sweep_site(site_id: int) -> None:
    """Sweep one site. Safe to run twice or concurrently; a deleted site is skipped."""
    try:
        result = sweep.sweep_site(site_id)
    except Site.DoesNotExist:
        logger.info("sweep: site %s no longer exists", site_id)
        return
    if result.streams_stopped or result.tickets.changed:
        logger.info(
            "sweep %s: %d streams stopped, %d tickets opened, %d reopened, %d resolved",
            result.site,
            result.streams_stopped,
            len(result.tickets.opened),
            len(result.tickets.reopened),
            len(result.tickets.resolved),
        )
