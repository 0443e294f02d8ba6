"""Pages of the web UI about sites: the Sites list and a site's Overview tab."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import permissions
from .models import Site
from .overview import site_overview, with_summary
from .permissions import READ_ROLES, can_administer


def visible_site(request: HttpRequest, slug: str) -> Site:
    """The site at ``slug`` if the user may read it; otherwise 404, never revealing it."""
    return permissions.visible_site(request.user, slug)


def administered_site(request: HttpRequest, slug: str) -> Site:
    """The site at ``slug`` if the user administers it: 404 if invisible, 403 if read-only."""
    site = visible_site(request, slug)
    permissions.require_role(request.user, site, permissions.ADMIN_ROLES)
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
