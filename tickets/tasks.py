"""Ticket work for Celery: reconcile cameras after something about them changed."""

from celery import shared_task

from . import reconcile


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300)
def reconcile_cameras(camera_ids: list[int]) -> None:
    """Reconcile these cameras' tickets. Idempotent: running it twice changes nothing."""
    reconcile.reconcile_cameras(camera_ids)
