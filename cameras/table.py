"""The Camera Table: one site's cameras filtered, sorted and paged in SQL.

The Details tab, Edit Cameras and the CSV export all read the table through this module,
so they show exactly the same cameras in the same order for the same query string.
Whatever the page size, a page costs a fixed number of queries: the count, the cameras
(with their open-ticket count annotated) and their streams with recorders (prefetched).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import QueryDict

from sites.models import Site

from .choices import HAMode
from .filters import CameraFilterSet
from .models import Camera, Stream

PAGE_SIZES = (50, 100, 500)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]
DEFAULT_SORT = "camera"

# Modes in the order people read them, not alphabetically by stored value.
_HA_ORDER = Case(
    *(When(ha_mode=mode, then=position) for position, mode in enumerate(HAMode.values)),
    output_field=IntegerField(),
)

#: Sort key of the query string -> SQL ordering; ``-key`` reverses it.
SORTS: dict[str, tuple] = {
    "camera": ("name", "external_id"),
    "external_id": ("external_id",),
    "recorders": ("recorder_count", "name", "external_id"),
    "ha": ("ha_order", "name", "external_id"),
    "tickets": ("open_tickets", "name", "external_id"),
}


def _recorder_count() -> Coalesce:
    per_camera = (
        Stream.objects.filter(camera=OuterRef("pk"))
        .order_by()
        .values("camera")
        .annotate(count=Count("recorder", distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(per_camera, output_field=IntegerField()), 0)


def _streams() -> Prefetch:
    return Prefetch(
        "streams",
        queryset=Stream.objects.select_related("recorder").order_by(
            "recorder__name", "profile", "id"
        ),
    )


@dataclass
class CameraTable:
    """The cameras a query string asks for: filters (the shared FilterSet), sort, page size."""

    site: Site
    filterset: CameraFilterSet
    sort: str
    per_page: int

    @classmethod
    def from_query(cls, site: Site, query: QueryDict) -> "CameraTable":
        """Read filters, ``sort`` and ``per_page`` from a query string; ignore what is invalid."""
        cameras = Camera.objects.filter(site=site).with_open_tickets()
        filterset = CameraFilterSet(query, queryset=cameras)
        sort = query.get("sort", DEFAULT_SORT)
        if sort.removeprefix("-") not in SORTS:
            sort = DEFAULT_SORT
        try:
            per_page = int(query.get("per_page", DEFAULT_PAGE_SIZE))
        except ValueError:
            per_page = DEFAULT_PAGE_SIZE
        if per_page not in PAGE_SIZES:
            per_page = DEFAULT_PAGE_SIZE
        return cls(site, filterset, sort, per_page)

    @property
    def is_filtered(self) -> bool:
        return bool(self.active_filters())

    def active_filters(self) -> list[tuple[str, str]]:
        """The filters in force, as ``(label, value)`` for people to read."""
        form = self.filterset.form
        if not form.is_valid():
            return []
        shown = []
        for name, value in form.cleaned_data.items():
            if name == "site" or value in (None, ""):
                continue
            field = form.fields[name]
            if name == "has_open_tickets":
                value = "yes" if value else "no"
            elif hasattr(field, "choices"):
                value = dict(field.choices).get(value, value)
            shown.append((str(field.label), str(value)))
        return shown

    def cameras(self) -> QuerySet[Camera]:
        """Every matching camera, sorted, with ``open_tickets`` and ``recorder_count``."""
        key = self.sort.removeprefix("-")
        descending = self.sort.startswith("-")
        ordering = [f"-{field}" if descending else field for field in SORTS[key]]
        queryset = self.filterset.qs.annotate(recorder_count=_recorder_count())
        if key == "ha":
            queryset = queryset.annotate(ha_order=_HA_ORDER)
        # The id last makes the order total, so that pages never overlap or skip a camera.
        return queryset.order_by(*ordering, "-id" if descending else "id")

    def page(self, number) -> Page:
        """One page of cameras, each with its streams (and their recorders) prefetched."""
        paginator = Paginator(self.cameras().prefetch_related(_streams()), self.per_page)
        page = paginator.get_page(number)
        page.object_list = [_with_recorder_names(camera) for camera in page.object_list]
        return page

    def csv_rows(self, chunk_size: int = 1000) -> Iterator[list]:
        """The CSV export: a header, then every matching camera (one pair of queries a chunk)."""
        yield ["external_id", "name", "high_availability", "streams", "recorders", "open_tickets"]
        cameras = self.cameras().prefetch_related(_streams())
        for camera in cameras.iterator(chunk_size=chunk_size):
            streams = camera.streams.all()
            yield [
                _spreadsheet_safe(camera.external_id),
                _spreadsheet_safe(camera.name),
                camera.get_ha_mode_display(),
                "; ".join(
                    f"{stream.profile}@{stream.recorder.name} "
                    f"({stream.get_state_display() if stream.recording_enabled else 'view only'})"
                    for stream in streams
                ),
                " ".join(sorted({stream.recorder.name for stream in streams})),
                camera.open_tickets,
            ]


def _spreadsheet_safe(text: str) -> str:
    """Names come from collectors: never let a spreadsheet run one as a formula."""
    return f"'{text}" if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _with_recorder_names(camera: Camera) -> Camera:
    camera.recorder_names = sorted({stream.recorder.name for stream in camera.streams.all()})
    return camera
