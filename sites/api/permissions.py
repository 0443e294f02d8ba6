"""The one permission scheme of the API, used by every endpoint.

Reads go through ``Model.objects.for_user(user, READ_ROLES)``, so a list never holds
another site's rows and a detail of one answers 404. Writes on an object then need one of
the view's ``write_roles`` at the object's site (``sites.permissions.has_role``), else 403.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from sites.permissions import ADMIN_ROLES, READ_ROLES, has_role


class SiteRolePermission(BasePermission):
    message = "Your role at this site does not allow this."

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True  # the queryset already holds only what the user may read
        return has_role(request.user, view.site_of(obj), view.write_roles)


class SiteScopedMixin:
    """For viewsets over a site-scoped model: the ``for_user`` queryset and role checks."""

    model = None
    write_roles = ADMIN_ROLES
    permission_classes = [IsAuthenticated, SiteRolePermission]

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user, READ_ROLES)

    def site_of(self, obj):
        return obj.site
