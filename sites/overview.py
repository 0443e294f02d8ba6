"""What the Sites list and a site's Overview tab show: counts computed in SQL, in bulk."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from cameras.choices import HAMode, StreamState
from cameras.models import Camera, Recorder, Stream
from tickets.choices import Severity, TicketStatus
from tickets.models import Ticket

from .models import Site

#: How many days the Overview's "tickets opened per day" chart covers, today included.
CHART_DAYS = 14


def _count(queryset: QuerySet, site_path: str = "site") -> Coalesce:
    """A correlated subquery counting the rows of ``queryset`` that belong to the outer site."""
    counted = (
        queryset.filter(**{site_path: OuterRef("pk")})
        .order_by()
        .values(site_path)
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_summary(sites: QuerySet[Site]) -> QuerySet[Site]:
    """Annotate each site with what the Sites list shows, in the one query of the list.

    ``camera_count``, ``recorder_count``, ``recorders_online``, ``critical_tickets`` and
    ``warning_tickets`` (unresolved).
    """
    unresolved = Ticket.objects.unresolved()
    return sites.annotate(
        camera_count=_count(Camera.objects.all()),
        recorder_count=_count(Recorder.objects.all()),
        recorders_online=_count(Recorder.objects.filter(online=True)),
        critical_tickets=_count(unresolved.filter(severity=Severity.CRITICAL)),
        warning_tickets=_count(unresolved.filter(severity=Severity.WARNING)),
    )


@dataclass
class Tally:
    """One labelled count, with its share of a total (for the proportion bars)."""

    key: str
    label: str
    count: int
    total: int

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.total, 1) if self.total else 0.0


@dataclass
class DayCount:
    day: date
    count: int


@dataclass
class SiteOverview:
    """The Overview tab of one site."""

    cameras: int
    ha_modes: list[Tally]
    streams: list[Tally]
    view_only_streams: int
    recorders: int
    recorders_online: int
    first_recorders: list[Recorder]
    tickets_by_severity: list[Tally]
    acknowledged_tickets: int
    opened_per_day: list[DayCount]
    attention: list[Ticket] = field(default_factory=list)

    @property
    def recorders_offline(self) -> int:
        return self.recorders - self.recorders_online

    @property
    def streams_total(self) -> int:
        return sum(tally.count for tally in self.streams) + self.view_only_streams

    @property
    def tickets_opened_recently(self) -> int:
        return sum(day.count for day in self.opened_per_day)

    @property
    def unresolved_tickets(self) -> int:
        return sum(tally.count for tally in self.tickets_by_severity)


def site_overview(site: Site, now: datetime | None = None) -> SiteOverview:
    """Counts of cameras by HA mode, streams by state, recorders and tickets of a site."""
    now = now or timezone.now()
    by_mode = dict(
        Camera.objects.filter(site=site)
        .order_by()
        .values_list("ha_mode")
        .annotate(count=Count("id"))
        .values_list("ha_mode", "count")
    )
    cameras = sum(by_mode.values())

    stream_counts = Stream.objects.filter(camera__site=site).aggregate(
        view_only=Count("id", filter=Q(recording_enabled=False)),
        **{
            state: Count("id", filter=Q(recording_enabled=True, state=state))
            for state in StreamState.values
        },
    )
    enabled_streams = sum(stream_counts[state] for state in StreamState.values)

    recorder_counts = Recorder.objects.filter(site=site).aggregate(
        total=Count("id"), online=Count("id", filter=Q(online=True))
    )
    # Offline recorders first: they are why streams stop.
    recorders = list(Recorder.objects.filter(site=site).order_by("online", "name")[:8])

    unresolved = Ticket.objects.filter(site=site).unresolved()
    ticket_counts = unresolved.aggregate(
        acknowledged=Count("id", filter=Q(status=TicketStatus.ACKNOWLEDGED)),
        **{severity: Count("id", filter=Q(severity=severity)) for severity in Severity.values},
    )
    unresolved_total = sum(ticket_counts[severity] for severity in Severity.values)
    attention = list(
        unresolved.select_related("camera", "stream__recorder").order_by(
            # Critical before warning, then the newest first.
            "severity",
            "-opened_at",
            "-id",
        )[:8]
    )

    return SiteOverview(
        cameras=cameras,
        ha_modes=[
            Tally(mode, label, by_mode.get(mode, 0), cameras) for mode, label in HAMode.choices
        ],
        streams=[
            Tally(state, label, stream_counts[state], enabled_streams)
            for state, label in StreamState.choices
        ],
        view_only_streams=stream_counts["view_only"],
        recorders=recorder_counts["total"],
        recorders_online=recorder_counts["online"],
        first_recorders=recorders,
        tickets_by_severity=[
            Tally(severity, label, ticket_counts[severity], unresolved_total)
            for severity, label in reversed(Severity.choices)
        ],
        acknowledged_tickets=ticket_counts["acknowledged"],
        opened_per_day=tickets_opened_per_day(site, now),
        attention=attention,
    )


def tickets_opened_per_day(site: Site, now: datetime, days: int = CHART_DAYS) -> list[DayCount]:
    """How many tickets were opened at the site on each of the last ``days`` days (local)."""
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    counts = dict(
        Ticket.objects.filter(site=site, opened_at__gte=start, opened_at__lte=now)
        .annotate(day=TruncDate("opened_at", tzinfo=zone))
        .order_by()
        .values("day")
        .annotate(count=Count("id"))
        .values_list("day", "count")
    )
    return [
        DayCount(first + timedelta(days=offset), counts.get(first + timedelta(days=offset), 0))
        for offset in range(days)
    ]
