from django.conf import settings
from django.db import models

from .choices import Role


class SiteQuerySet(models.QuerySet):
    def for_user(self, user, roles: tuple[str, ...] | None = None) -> "SiteQuerySet":
        """Sites the user may see; with ``roles``, only those where the user holds one.

        Staff and superusers see every site (and hold every role).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_staff:
            return self
        memberships = SiteMembership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        return self.filter(id__in=memberships.values("site_id"))


class Site(models.Model):
    """One customer location: it owns recorders and cameras."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    stale_after_seconds = models.PositiveIntegerField(
        default=300, help_text="A stream whose latest report is older than this is not recording."
    )
    reopen_window_seconds = models.PositiveIntegerField(
        default=600,
        help_text="A condition that returns within this time reopens its resolved ticket.",
    )
    last_full_reconcile_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SiteMembership(models.Model):
    """A user's role at a site."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_memberships"
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="unique_membership_per_site"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.site.slug} ({self.role})"
