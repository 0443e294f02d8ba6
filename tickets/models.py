from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cameras.models import Camera, SiteScopedQuerySet, Stream
from sites.models import Site

from .choices import UNRESOLVED, Severity, TicketAction, TicketKind, TicketStatus


class TicketQuerySet(SiteScopedQuerySet):
    def unresolved(self) -> "TicketQuerySet":
        return self.filter(status__in=UNRESOLVED)


class Ticket(models.Model):
    """A problem with a camera (or one of its streams), opened and resolved by reconcile.

    Its key is ``(kind, camera, stream-or-none)``: at most one unresolved ticket per key,
    enforced by the database.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="tickets")
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="tickets")
    stream = models.ForeignKey(
        Stream, null=True, blank=True, on_delete=models.CASCADE, related_name="tickets"
    )
    kind = models.CharField(max_length=32, choices=TicketKind.choices)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    status = models.CharField(
        max_length=16, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # Two partial constraints rather than one with NULLS NOT DISTINCT, so that a
            # camera-level ticket (stream is null) cannot escape and SQLite enforces it too.
            models.UniqueConstraint(
                fields=["kind", "camera", "stream"],
                condition=Q(status__in=UNRESOLVED, stream__isnull=False),
                name="one_unresolved_ticket_per_stream",
            ),
            models.UniqueConstraint(
                fields=["kind", "camera"],
                condition=Q(status__in=UNRESOLVED, stream__isnull=True),
                name="one_unresolved_ticket_per_camera",
            ),
        ]
        indexes = [
            models.Index(
                fields=["site", "camera"],
                condition=Q(status__in=UNRESOLVED),
                name="ticket_unresolved_idx",
            ),
            models.Index(fields=["site", "resolved_at"], name="ticket_resolved_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    @property
    def is_resolved(self) -> bool:
        return self.status == TicketStatus.RESOLVED


class TicketEvent(models.Model):
    """One entry in a ticket's history; ``actor`` is null when the system acted."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=16, choices=TicketAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def actor_name(self) -> str:
        return self.actor.get_username() if self.actor else "system"
