from django.db import models


class Role(models.TextChoices):
    """What a user may do at one site."""

    ADMIN = "admin", "Administrator"
    VIEWER = "viewer", "Viewer"
    COLLECTOR = "collector", "Collector"
