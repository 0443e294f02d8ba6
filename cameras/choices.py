from django.db import models


class HAMode(models.TextChoices):
    """A camera's High Availability property: how many recorders should record it."""

    NONE = "none", "None"
    ACTIVE_ACTIVE = "active_active", "Active-Active"
    ACTIVE_PASSIVE = "active_passive", "Active-Passive"


class StreamState(models.TextChoices):
    """Whether a recorder is recording a stream right now, as far as we know."""

    RECORDING = "recording", "Recording"
    NOT_RECORDING = "not_recording", "Not recording"
    UNKNOWN = "unknown", "Unknown"
