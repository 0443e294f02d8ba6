from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cameras.choices import StreamState
from cameras.filters import CameraFilterSet, RecorderFilterSet, StreamFilterSet
from cameras.high_availability import HAChangeError, change_ha_modes, set_ha_mode
from cameras.ingest import ingest_observations
from cameras.models import Camera, Recorder, Stream
from cameras.observations import InvalidObservations, parse_observations
from sites.api.permissions import SiteScopedMixin
from sites.models import Site
from sites.permissions import ADMIN_ROLES, READ_ROLES, REPORT_ROLES, require_role, visible_site
from viakoo_ha.rest import SafeJSONParser

from .serializers import (
    BulkHAModeResultSerializer,
    BulkHAModeSerializer,
    CameraHAModeSerializer,
    CameraSerializer,
    IngestResultSerializer,
    ObservationsSerializer,
    RecorderSerializer,
    StreamSerializer,
)


class ObservationsView(APIView):
    """What a collector saw at one site (collector, site admin, staff)."""

    parser_classes = [SafeJSONParser]

    @extend_schema(request=ObservationsSerializer, responses=IngestResultSerializer)
    def post(self, request):
        try:
            report = parse_observations(request.data)
        except InvalidObservations as invalid:
            raise ValidationError(invalid.errors) from invalid
        site = visible_site(request.user, report.site)
        require_role(request.user, site, REPORT_ROLES)
        return Response(ingest_observations(site, report).as_dict())


class CameraViewSet(
    SiteScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Cameras with their streams and unresolved-ticket counts. PATCH changes the HA mode."""

    model = Camera
    serializer_class = CameraSerializer
    filterset_class = CameraFilterSet
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self):
        streams = Stream.objects.select_related("recorder").order_by("recorder__name", "profile")
        return (
            super()
            .get_queryset()
            .with_open_tickets()
            .select_related("site")
            .prefetch_related(Prefetch("streams", queryset=streams))
            .order_by("site__name", "name", "external_id", "id")
        )

    def _reconciled(self, camera_id: int) -> dict:
        return CameraSerializer(self.get_queryset().get(pk=camera_id)).data

    @extend_schema(request=CameraHAModeSerializer, responses=CameraSerializer)
    def partial_update(self, request, pk=None):
        """Change the camera's HA mode (site admin); its tickets are reconciled at once."""
        camera = self.get_object()
        serializer = CameraHAModeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            change_ha_modes({camera.pk: serializer.validated_data["ha_mode"]}, request.user)
        except HAChangeError as error:
            raise ValidationError({"ha_mode": [str(error)]}) from error
        return Response(self._reconciled(camera.pk))

    @extend_schema(request=BulkHAModeSerializer, responses=BulkHAModeResultSerializer)
    @action(detail=False, methods=["post"], url_path="bulk-update")
    def bulk_update(self, request):
        """Give many cameras one HA mode, all or nothing (site admin)."""
        serializer = BulkHAModeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cameras = Camera.objects.for_user(request.user, READ_ROLES)
        if "site" in data:
            site = visible_site(request.user, data["site"])
            require_role(request.user, site, ADMIN_ROLES)
            cameras = cameras.filter(site=site)
        field, key = ("external_ids", "external_id") if "external_ids" in data else ("ids", "id")
        wanted = set(data[field])
        rows = list(cameras.filter(**{f"{key}__in": wanted}).values_list(key, "id", "site_id"))
        found = {named: camera_id for named, camera_id, _ in rows}
        if missing := wanted - found.keys():
            listed = ", ".join(sorted(map(str, missing))[:20])
            if field == "ids":  # unknown, or another site's: never say which
                raise NotFound(f"No such camera: {listed}.")
            raise ValidationError({field: [f"No such camera: {listed}."]})
        if "site" not in data:  # ids may span sites: the caller must administer each
            site_ids = {site_id for _, _, site_id in rows}
            administered = Site.objects.for_user(request.user, ADMIN_ROLES)
            if administered.filter(id__in=site_ids).count() != len(site_ids):
                raise PermissionDenied("Your role at this site does not allow this.")
        try:
            result = set_ha_mode(found.values(), data["ha_mode"], request.user)
        except HAChangeError as error:
            raise ValidationError({"ha_mode": [str(error)]}) from error
        return Response(
            {
                "updated": len(result.changed),
                "unchanged": len(found) - len(result.changed),
                "tickets": {
                    "opened": len(result.tickets.opened),
                    "reopened": len(result.tickets.reopened),
                    "resolved": len(result.tickets.resolved),
                },
            }
        )


class RecorderViewSet(SiteScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Recording servers with how many streams they record."""

    model = Recorder
    serializer_class = RecorderSerializer
    filterset_class = RecorderFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("site")
            .annotate(
                stream_count=Count("streams"),
                recording_stream_count=Count(
                    "streams", filter=Q(streams__state=StreamState.RECORDING)
                ),
                not_recording_stream_count=Count(
                    "streams", filter=Q(streams__state=StreamState.NOT_RECORDING)
                ),
            )
            .order_by("site__name", "name", "id")
        )


class StreamViewSet(SiteScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Recording relationships: which recorder records which profile of which camera."""

    model = Stream
    serializer_class = StreamSerializer
    filterset_class = StreamFilterSet

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("camera__site", "recorder")
            .order_by(
                "camera__site__name", "camera__external_id", "recorder__name", "profile", "id"
            )
        )
