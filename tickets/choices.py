from django.db import models


class TicketKind(models.TextChoices):
    """What went wrong."""

    STREAM_NOT_RECORDING = "stream_not_recording", "Stream not recording"
    MULTIPLE_RECORDERS = "multiple_recorders", "Recorded by multiple recorders"
    HA_MISCONFIGURED = "ha_misconfigured", "HA misconfigured"


class Severity(models.TextChoices):
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


UNRESOLVED = (TicketStatus.OPEN, TicketStatus.ACKNOWLEDGED)


class TicketAction(models.TextChoices):
    """An entry in a ticket's history."""

    OPENED = "opened", "Opened"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    REOPENED = "reopened", "Reopened"
    NOTE = "note", "Note"
