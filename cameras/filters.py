"""FilterSets shared by the Camera Table, Edit Cameras and the API (one per model)."""

import django_filters
from django.db.models import Exists, OuterRef, Q

from tickets.models import Ticket

from .choices import HAMode, StreamState
from .models import Camera, Recorder, Stream


class CameraFilterSet(django_filters.FilterSet):
    site = django_filters.CharFilter(field_name="site__slug", label="Site")
    search = django_filters.CharFilter(method="filter_search", label="Search")
    ha_mode = django_filters.ChoiceFilter(choices=HAMode.choices, label="High Availability")
    recorder = django_filters.CharFilter(method="filter_recorder", label="Recorder")
    has_open_tickets = django_filters.BooleanFilter(
        method="filter_has_open_tickets", label="Has open tickets"
    )
    state = django_filters.ChoiceFilter(
        choices=StreamState.choices, method="filter_state", label="Stream state"
    )

    class Meta:
        model = Camera
        fields = ["site", "search", "ha_mode", "recorder", "has_open_tickets", "state"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(external_id__icontains=value))

    def filter_recorder(self, queryset, name, value):
        on_recorder = Stream.objects.filter(camera=OuterRef("pk"), recorder__name=value)
        return queryset.filter(Exists(on_recorder))

    def filter_has_open_tickets(self, queryset, name, value):
        unresolved = Ticket.objects.unresolved().filter(camera=OuterRef("pk"))
        return queryset.filter(Exists(unresolved) if value else ~Exists(unresolved))

    def filter_state(self, queryset, name, value):
        in_state = Stream.objects.filter(camera=OuterRef("pk"), recording_enabled=True, state=value)
        return queryset.filter(Exists(in_state))


class RecorderFilterSet(django_filters.FilterSet):
    site = django_filters.CharFilter(field_name="site__slug", label="Site")
    online = django_filters.BooleanFilter()

    class Meta:
        model = Recorder
        fields = ["site", "online"]


class StreamFilterSet(django_filters.FilterSet):
    site = django_filters.CharFilter(field_name="camera__site__slug", label="Site")
    camera = django_filters.CharFilter(field_name="camera__external_id", label="Camera")
    recorder = django_filters.CharFilter(field_name="recorder__name", label="Recorder")
    state = django_filters.ChoiceFilter(choices=StreamState.choices)
    recording_enabled = django_filters.BooleanFilter()

    class Meta:
        model = Stream
        fields = ["site", "camera", "recorder", "state", "recording_enabled", "profile"]
