"""Small builders for test data: sites, recorders, cameras with their streams."""

from datetime import datetime, timedelta

from django.utils import timezone

from cameras.choices import HAMode, StreamState
from cameras.models import Camera, Recorder, Stream
from sites.models import Site


def make_site(slug: str = "hq", **fields) -> Site:
    return Site.objects.create(slug=slug, name=fields.pop("name", slug.upper()), **fields)


def recorder(site: Site, name: str, **fields) -> Recorder:
    return Recorder.objects.get_or_create(site=site, name=name, defaults=fields)[0]


def make_camera(
    site: Site,
    external_id: str,
    ha_mode: str = HAMode.NONE,
    streams: list[tuple[str, str, str]] = (),
    *,
    now: datetime | None = None,
    view_only: tuple[str, ...] = (),
) -> Camera:
    """A camera with streams given as ``(profile, recorder name, state)``.

    A stream reported ``recording`` or ``not_recording`` gets a fresh report at ``now``;
    ``stale`` means a report of ``recording: true`` twenty minutes old. Labels in
    ``view_only`` (``"primary@rec-b"``) are not recording-enabled.
    """
    now = now or timezone.now()
    camera = Camera.objects.create(
        site=site, external_id=external_id, name=external_id, ha_mode=ha_mode
    )
    for profile, recorder_name, state in streams:
        fields = {
            "state": state,
            "last_report_at": now,
            "last_recording": state == StreamState.RECORDING,
        }
        if state == "stale":
            fields = {
                "state": StreamState.RECORDING,
                "last_report_at": now - timedelta(minutes=20),
                "last_recording": True,
            }
        elif state == StreamState.UNKNOWN:
            fields = {"state": StreamState.UNKNOWN, "last_report_at": None, "last_recording": None}
        Stream.objects.create(
            camera=camera,
            recorder=recorder(site, recorder_name),
            profile=profile,
            recording_enabled=f"{profile}@{recorder_name}" not in view_only,
            created_at=now - timedelta(hours=1),
            **fields,
        )
    return camera
