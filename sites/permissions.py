"""Who may do what at a site. Every view and endpoint asks here (or ``for_user``)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .choices import Role
from .models import Site, SiteMembership

#: Roles that may read a site's inventory and tickets.
READ_ROLES = (Role.ADMIN, Role.VIEWER, Role.COLLECTOR)
#: Roles that may post observations for a site.
REPORT_ROLES = (Role.ADMIN, Role.COLLECTOR)
#: Roles that may edit cameras, acknowledge tickets and manage members.
ADMIN_ROLES = (Role.ADMIN,)


def has_role(user, site: Site, roles: tuple[str, ...]) -> bool:
    """Whether the user holds one of ``roles`` at ``site``; staff and superusers hold all."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return SiteMembership.objects.filter(user=user, site=site, role__in=roles).exists()


def can_administer(user, site: Site) -> bool:
    """Edit cameras, acknowledge tickets, manage members."""
    return has_role(user, site, (Role.ADMIN,))


def visible_site(user, slug: str) -> Site:
    """The site with this slug if the user may see it; otherwise 404, never revealing it."""
    site = Site.objects.for_user(user, READ_ROLES).filter(slug=slug).first()
    if site is None:
        raise Http404("No such site.")
    return site


def require_role(user, site: Site, roles: tuple[str, ...]) -> None:
    """403 unless the user holds one of ``roles`` at ``site``."""
    if not has_role(user, site, roles):
        raise PermissionDenied("Your role at this site does not allow this.")
