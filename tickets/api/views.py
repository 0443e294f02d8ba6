from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from sites.api.permissions import SiteScopedMixin
from tickets.choices import TicketStatus
from tickets.filters import TicketFilterSet
from tickets.models import Ticket, TicketEvent
from tickets.reconcile import acknowledge_tickets

from .serializers import AcknowledgeSerializer, TicketDetailSerializer, TicketSerializer


class TicketViewSet(SiteScopedMixin, viewsets.ReadOnlyModelViewSet):
    """Tickets opened and resolved by reconcile; a site admin acknowledges them."""

    model = Ticket
    filterset_class = TicketFilterSet

    def get_serializer_class(self):
        return TicketSerializer if self.action == "list" else TicketDetailSerializer

    def get_queryset(self):
        tickets = (
            super()
            .get_queryset()
            .select_related("site", "camera", "stream__recorder")
            .order_by("-opened_at", "-id")
        )
        if self.action != "list":
            events = TicketEvent.objects.select_related("actor").order_by("at", "id")
            tickets = tickets.prefetch_related(Prefetch("events", queryset=events))
        return tickets

    @extend_schema(
        request=AcknowledgeSerializer,
        responses={200: TicketDetailSerializer, 409: None},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Take an open ticket (site admin). Acknowledging twice changes nothing."""
        ticket = self.get_object()
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if ticket.status == TicketStatus.RESOLVED:
            return Response(
                {"detail": "This ticket is resolved; only open tickets can be acknowledged."},
                status=status.HTTP_409_CONFLICT,
            )
        acknowledge_tickets(
            Ticket.objects.filter(pk=ticket.pk), request.user, serializer.validated_data["note"]
        )
        return Response(TicketDetailSerializer(self.get_queryset().get(pk=ticket.pk)).data)
