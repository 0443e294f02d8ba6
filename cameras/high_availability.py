"""Changing cameras' High Availability mode: the one way to do it, for every interface."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sites.choices import Role
from tickets.reconcile import ReconcileResult, reconcile_cameras

from .choices import HAMode
from .models import Camera, HAModeChange


class HAChangeError(Exception):
    """A change that cannot be applied as asked; nothing was written."""


class UnknownCameras(HAChangeError):
    """Some cameras do not exist or the actor may not edit them."""

    def __init__(self, camera_ids: Iterable[int]):
        self.camera_ids = sorted(camera_ids)
        super().__init__(f"No such camera, or not yours to edit: {self.camera_ids}")


class StaleCameras(HAChangeError):
    """Someone else changed these cameras after the caller last saw them."""

    def __init__(self, cameras: list[Camera]):
        self.cameras = cameras
        names = ", ".join(str(camera) for camera in cameras)
        super().__init__(f"Changed by someone else meanwhile: {names}")


@dataclass
class HAChangeResult:
    """Which cameras changed mode, and what reconciling them did to their tickets."""

    changed: list[int] = field(default_factory=list)
    tickets: ReconcileResult = field(default_factory=ReconcileResult)


def set_ha_mode(camera_ids: Iterable[int], ha_mode: str, actor) -> HAChangeResult:
    """Give every one of these cameras the same HA mode."""
    return change_ha_modes(dict.fromkeys(camera_ids, ha_mode), actor)


def change_ha_modes(
    new_modes: Mapping[int, str],
    actor,
    *,
    seen_modes: Mapping[int, str] | None = None,
    now: datetime | None = None,
) -> HAChangeResult:
    """Apply new HA modes (camera id -> mode) atomically, audit them and reconcile.

    ``actor`` is the user making the change (None for the system); a user may change only
    cameras of sites they administer. ``seen_modes`` are the modes the user was shown:
    if any camera has been changed since, nothing is written and ``StaleCameras`` says
    which. Cameras already in their new mode are left alone.
    """
    invalid = {mode for mode in new_modes.values() if mode not in HAMode.values}
    if invalid:
        raise HAChangeError(f"Unknown HA mode: {', '.join(sorted(map(str, invalid)))}")
    now = now or timezone.now()
    cameras = (
        Camera.objects.all() if actor is None else Camera.objects.for_user(actor, (Role.ADMIN,))
    )
    with transaction.atomic():
        # FOR NO KEY UPDATE: reconcilers inserting tickets for these cameras only need a
        # key-share lock on them, so they do not wait on us while we wait on their site.
        current = {
            camera.id: camera
            for camera in cameras.select_for_update(of=("self",), no_key=True)
            .filter(id__in=list(new_modes))
            .order_by("id")
            .only("id", "site_id", "name", "external_id", "ha_mode")
        }
        if missing := set(new_modes) - current.keys():
            raise UnknownCameras(missing)
        if seen_modes is not None:
            stale = [
                camera
                for camera_id, camera in current.items()
                if camera_id in seen_modes and camera.ha_mode != seen_modes[camera_id]
            ]
            if stale:
                raise StaleCameras(stale)

        changes = {
            camera_id: mode
            for camera_id, mode in new_modes.items()
            if current[camera_id].ha_mode != mode
        }
        by_mode: dict[str, list[int]] = defaultdict(list)
        for camera_id, mode in changes.items():
            by_mode[mode].append(camera_id)
        for mode, camera_ids in by_mode.items():
            Camera.objects.filter(id__in=camera_ids).update(ha_mode=mode, ha_mode_changed_at=now)
        HAModeChange.objects.bulk_create(
            HAModeChange(
                camera_id=camera_id,
                changed_by=actor,
                old_mode=current[camera_id].ha_mode,
                new_mode=mode,
                changed_at=now,
            )
            for camera_id, mode in changes.items()
        )
        site_ids = {current[camera_id].site_id for camera_id in changes}
        tickets = reconcile_cameras(list(changes), site_ids=site_ids, now=now)
    return HAChangeResult(changed=sorted(changes), tickets=tickets)
