"""The Ticket FilterSet, shared by the tickets page and the API."""

import django_filters

from .choices import UNRESOLVED, Severity, TicketKind, TicketStatus
from .models import Ticket

UNRESOLVED_CHOICE = "unresolved"


class TicketFilterSet(django_filters.FilterSet):
    site = django_filters.CharFilter(field_name="site__slug", label="Site")
    status = django_filters.ChoiceFilter(
        choices=[(UNRESOLVED_CHOICE, "Unresolved"), *TicketStatus.choices],
        method="filter_status",
    )
    kind = django_filters.ChoiceFilter(choices=TicketKind.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    camera = django_filters.CharFilter(field_name="camera__external_id", label="Camera")

    class Meta:
        model = Ticket
        fields = ["site", "status", "kind", "severity", "camera"]

    def filter_status(self, queryset, name, value):
        if value == UNRESOLVED_CHOICE:
            return queryset.filter(status__in=UNRESOLVED)
        return queryset.filter(status=value)
