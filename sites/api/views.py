from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cameras.models import Camera
from sites.models import Site, SiteMembership
from sites.permissions import ADMIN_ROLES, READ_ROLES, require_role
from tickets.models import Ticket

from .serializers import MembershipSerializer, SiteSerializer


def _count(queryset):
    return Coalesce(
        Subquery(
            queryset.filter(site=OuterRef("pk"))
            .order_by()
            .values("site")
            .annotate(count=Count("id"))
            .values("count")
        ),
        0,
    )


class SiteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Sites the caller belongs to (staff: all). Creating one is for staff."""

    serializer_class = SiteSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return (
            Site.objects.for_user(self.request.user, READ_ROLES)
            .annotate(
                camera_count=_count(Camera.objects.all()),
                open_tickets=_count(Ticket.objects.unresolved()),
            )
            .order_by("name", "slug")
        )

    def create(self, request, *args, **kwargs):
        if not (request.user.is_staff or request.user.is_superuser):
            raise PermissionDenied("Only staff may create sites.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        site = serializer.save()
        created = self.get_queryset().get(pk=site.pk)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    def _administered_site(self) -> Site:
        site = self.get_object()
        require_role(self.request.user, site, ADMIN_ROLES)
        return site

    @extend_schema(request=MembershipSerializer, responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get", "post"], serializer_class=MembershipSerializer)
    def members(self, request, slug=None):
        """Who holds which role at the site (site admin, staff). POST adds or changes one."""
        site = self._administered_site()
        if request.method == "POST":
            serializer = MembershipSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            user = get_user_model().objects.get(username=serializer.validated_data["username"])
            _, created = SiteMembership.objects.update_or_create(
                user=user, site=site, defaults={"role": serializer.validated_data["role"]}
            )
            return Response(
                {"username": user.get_username(), "role": serializer.validated_data["role"]},
                status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            )
        memberships = site.memberships.select_related("user").order_by("user__username")
        page = self.paginate_queryset(memberships)
        rows = [{"username": m.user.get_username(), "role": m.role} for m in page]
        return self.get_paginated_response(rows)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"members/(?P<username>[\w.@+-]+)",
        serializer_class=MembershipSerializer,
    )
    def remove_member(self, request, slug=None, username=None):
        """Take a user's role at the site away (site admin, staff)."""
        site = self._administered_site()
        membership = get_object_or_404(site.memberships, user__username=username)
        membership.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
