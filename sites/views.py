"""Pages of the web UI about sites: the Sites list and a site's Overview tab."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Site
from .overview import site_overview, with_summary
from .permissions import READ_ROLES, can_administer


def visible_site(request: HttpRequest, slug: str) -> Site:
    """The site at ``slug`` if the user may read it.

    Otherwise 404, not 403: another customer's site does not exist as far as you know.
    """
    return get_object_or_404(Site.objects.for_user(request.user, READ_ROLES), slug=slug)


def administered_site(request: HttpRequest, slug: str) -> Site:
    """The site at ``slug`` if the user administers it: 404 if invisible, 403 if read-only."""
    site = visible_site(request, slug)
    if not can_administer(request.user, site):
        raise PermissionDenied("Only the site's administrators may do this.")
    return site


def site_context(request: HttpRequest, site: Site, tab: str, **context) -> dict:
    """What every tab of a site page needs: the site, the active tab, the user's rights."""
    return {
        "site": site,
        "tab": tab,
        "can_administer": can_administer(request.user, site),
        **context,
    }


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    sites = with_summary(Site.objects.for_user(request.user, READ_ROLES)).order_by("name")
    return render(request, "sites/site_list.html", {"sites": sites})


@login_required
def site_detail(request: HttpRequest, slug: str) -> HttpResponse:
    site = visible_site(request, slug)
    context = site_context(request, site, "overview", overview=site_overview(site))
    return render(request, "sites/site_overview.html", context)
