from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from sites.models import Site

from .choices import HAMode, StreamState


class SiteScopedQuerySet(models.QuerySet):
    """Rows that belong to a site, filtered by what a user may see."""

    site_path = "site"

    def for_user(self, user, roles: tuple[str, ...] | None = None):
        return self.filter(**{f"{self.site_path}__in": Site.objects.for_user(user, roles)})


class Recorder(models.Model):
    """A VMS recording server at a site (Milestone recording server, Genetec archiver, NVR)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="recorders")
    name = models.CharField(max_length=200)
    host = models.CharField(max_length=255, blank=True)
    vms = models.CharField("VMS", max_length=64, blank=True)
    online = models.BooleanField(default=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    objects = SiteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="unique_recorder_name_per_site"),
        ]

    def __str__(self) -> str:
        return self.name


class CameraScopedQuerySet(SiteScopedQuerySet):
    site_path = "camera__site"


class CameraQuerySet(SiteScopedQuerySet):
    def with_open_tickets(self) -> "CameraQuerySet":
        """Annotate ``open_tickets``: how many unresolved tickets each camera has."""
        from tickets.models import Ticket

        unresolved = (
            Ticket.objects.unresolved()
            .filter(camera=models.OuterRef("pk"))
            .order_by()
            .values("camera")
            .annotate(count=models.Count("id"))
            .values("count")
        )
        return self.annotate(open_tickets=Coalesce(models.Subquery(unresolved), 0))


class Camera(models.Model):
    """A video source at a site, identified there by the collector's ``external_id``."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="cameras")
    external_id = models.CharField(max_length=200)
    name = models.CharField(max_length=200, blank=True)
    ha_mode = models.CharField(
        "High Availability", max_length=16, choices=HAMode.choices, default=HAMode.NONE
    )
    ha_mode_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CameraQuerySet.as_manager()

    class Meta:
        ordering = ["site", "name", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "external_id"], name="unique_camera_external_id_per_site"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.external_id


class Stream(models.Model):
    """One recording relationship: recorder R pulls profile P of camera C."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="streams")
    recorder = models.ForeignKey(Recorder, on_delete=models.CASCADE, related_name="streams")
    profile = models.CharField(max_length=64, default="primary")
    recording_enabled = models.BooleanField(
        default=True, help_text="Off for view-only streams, which every rule ignores."
    )
    last_recording = models.BooleanField(
        null=True, blank=True, help_text="What the latest report said."
    )
    last_report_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=16, choices=StreamState.choices, default=StreamState.UNKNOWN
    )
    state_since = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CameraScopedQuerySet.as_manager()

    class Meta:
        ordering = ["camera", "recorder", "profile"]
        constraints = [
            models.UniqueConstraint(
                fields=["camera", "recorder", "profile"], name="unique_stream_per_recorder_profile"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile}@{self.recorder.name}"

    @property
    def label(self) -> str:
        return str(self)


class HAModeChange(models.Model):
    """Audit record: who changed a camera's High Availability mode, from what, to what."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="ha_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    old_mode = models.CharField(max_length=16, choices=HAMode.choices)
    new_mode = models.CharField(max_length=16, choices=HAMode.choices)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = CameraScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "HA mode change"

    def __str__(self) -> str:
        return f"{self.camera}: {self.old_mode} -> {self.new_mode}"
