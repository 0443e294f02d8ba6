"""Reconcile: make the unresolved tickets match what the HA rules want, in bulk.

This module is the only code that opens, reopens or resolves tickets. It loads the state
of a set of cameras with a fixed number of queries, asks ``tickets.rules`` what each
camera should have, diffs that with the unresolved tickets and writes the difference
with bulk statements. Running it twice changes nothing.

Concurrent reconcilers of one site are serialised by a row lock on the site (PostgreSQL);
the partial unique constraints on ``Ticket`` are the backstop, and a reconcile that loses
a race against them (SQLite has no row locks) simply runs again.
"""

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from cameras.models import Camera
from sites.models import Site

from .choices import UNRESOLVED, TicketAction, TicketStatus
from .models import Ticket, TicketEvent
from .rules import StreamFacts, WantedTicket, resolution_reason, wanted_tickets

ATTEMPTS = 3

TicketKey = tuple[int, str, int | None]  # (camera id, kind, stream id or None)


@dataclass
class ReconcileResult:
    """What a reconcile changed: summaries of the tickets it opened, reopened, resolved."""

    cameras: int = 0
    opened: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    camera_names: dict[int, str] = field(default_factory=dict, repr=False)

    def describe(self, camera_id: int, text: str) -> str:
        return f"{self.camera_names.get(camera_id, camera_id)}: {text}"

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.reopened or self.resolved)

    def __add__(self, other: "ReconcileResult") -> "ReconcileResult":
        return ReconcileResult(
            self.cameras + other.cameras,
            self.opened + other.opened,
            self.reopened + other.reopened,
            self.resolved + other.resolved,
            self.camera_names | other.camera_names,
        )


def reconcile_cameras(
    camera_ids: Collection[int],
    *,
    site_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> ReconcileResult:
    """Reconcile the tickets of these cameras; ``site_ids``, when the caller knows them."""
    camera_ids = list(camera_ids)
    if not camera_ids:
        return ReconcileResult()
    if site_ids is None:
        site_ids = Camera.objects.filter(id__in=camera_ids).values_list("site_id", flat=True)
    return _reconcile(set(site_ids), camera_ids, now or timezone.now())


def reconcile_site(site_id: int, *, now: datetime | None = None) -> ReconcileResult:
    """Reconcile the tickets of every camera of a site."""
    now = now or timezone.now()
    result = _reconcile({site_id}, None, now)
    Site.objects.filter(id=site_id).update(last_full_reconcile_at=now)
    return result


def acknowledge_tickets(tickets: QuerySet[Ticket], actor, note: str = "") -> int:
    """A person takes open tickets: they become acknowledged. Returns how many did."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            tickets.filter(status=TicketStatus.OPEN)
            .select_for_update()
            .values_list("id", flat=True)
        )
        Ticket.objects.filter(id__in=ids).update(
            status=TicketStatus.ACKNOWLEDGED, acknowledged_at=now, acknowledged_by=actor
        )
        _record(ids, TicketAction.ACKNOWLEDGED, now, actor=actor, note=note)
    return len(ids)


def resolve_tickets(tickets: QuerySet[Ticket], actor, note: str = "") -> int:
    """A person resolves unresolved tickets by hand.

    If the condition still holds, the next reconcile reopens the ticket (within the
    site's reopen window), so a manual resolve never hides a real problem.
    """
    now = timezone.now()
    resolution = note or f"resolved by {actor.get_username()}"
    with transaction.atomic():
        ids = list(
            tickets.filter(status__in=UNRESOLVED).select_for_update().values_list("id", flat=True)
        )
        _resolve(ids, resolution, now)
        _record(ids, TicketAction.RESOLVED, now, actor=actor, note=resolution)
    return len(ids)


def add_note(ticket: Ticket, actor, note: str) -> TicketEvent:
    """A person writes a note in a ticket's history."""
    return TicketEvent.objects.create(
        ticket=ticket, action=TicketAction.NOTE, actor=actor, note=note
    )


def _reconcile(site_ids: set[int], camera_ids: list[int] | None, now: datetime) -> ReconcileResult:
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _reconcile_locked(site_ids, camera_ids, now)
        except IntegrityError:
            # Another reconciler opened the same ticket first (possible only where the
            # database has no row locks): the constraint held, our view was stale.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _reconcile_locked(
    site_ids: set[int], camera_ids: list[int] | None, now: datetime
) -> ReconcileResult:
    sites = {
        site.id: site
        for site in Site.objects.select_for_update(no_key=True)
        .filter(id__in=site_ids)
        .order_by("id")
        .only("id", "reopen_window_seconds")
    }
    cameras = Camera.objects.filter(site_id__in=sites)
    if camera_ids is not None:
        cameras = cameras.filter(id__in=camera_ids)
    camera_rows, streams_by_camera = _load_cameras(cameras)
    names = {camera_id: external_id for camera_id, (_, _, external_id) in camera_rows.items()}
    scope = {"site_id__in": sites} if camera_ids is None else {"camera_id__in": camera_ids}

    wanted: dict[TicketKey, tuple[int, WantedTicket]] = {}
    for camera_id, (site_id, ha_mode, _) in camera_rows.items():
        for ticket in wanted_tickets(ha_mode, streams_by_camera.get(camera_id, ())):
            wanted[(camera_id, *ticket.key)] = (site_id, ticket)

    unresolved: dict[TicketKey, tuple[int, str]] = {
        (camera_id, kind, stream_id): (ticket_id, summary)
        for ticket_id, camera_id, kind, stream_id, summary in Ticket.objects.filter(
            status__in=UNRESOLVED, **scope
        )
        .order_by()
        .values_list("id", "camera_id", "kind", "stream_id", "summary")
    }

    result = ReconcileResult(cameras=len(camera_rows), camera_names=names)
    modes = {camera_id: ha_mode for camera_id, (_, ha_mode, _) in camera_rows.items()}
    _resolve_unwanted(unresolved, wanted, modes, streams_by_camera, now, result)
    missing = {key: wanted[key] for key in wanted.keys() - unresolved.keys()}
    reopened = _reopen_recent(missing, sites, now, result)
    _open_new(
        [(key[0], *value) for key, value in missing.items() if key not in reopened], now, result
    )
    return result


def _load_cameras(
    cameras: QuerySet[Camera],
) -> tuple[dict[int, tuple[int, str, str]], dict[int, list[StreamFacts]]]:
    """Cameras (id -> site, HA mode, external id) and their streams, in one query."""
    camera_rows: dict[int, tuple[int, str, str]] = {}
    streams_by_camera: dict[int, list[StreamFacts]] = defaultdict(list)
    for camera_id, site_id, ha_mode, external_id, *stream in cameras.order_by().values_list(
        "id",
        "site_id",
        "ha_mode",
        "external_id",
        "streams__id",
        "streams__recorder__name",
        "streams__profile",
        "streams__state",
        "streams__recording_enabled",
    ):
        camera_rows[camera_id] = (site_id, ha_mode, external_id)
        if stream[0] is not None:
            streams_by_camera[camera_id].append(StreamFacts(*stream))
    return camera_rows, streams_by_camera


def _resolve_unwanted(
    unresolved: dict[TicketKey, tuple[int, str]],
    wanted: dict[TicketKey, tuple[int, WantedTicket]],
    modes: dict[int, str],
    streams_by_camera: dict[int, list[StreamFacts]],
    now: datetime,
    result: ReconcileResult,
) -> None:
    by_reason: dict[str, list[int]] = defaultdict(list)
    for key in unresolved.keys() - wanted.keys():
        camera_id, kind, stream_id = key
        if camera_id not in modes:  # deleted meanwhile; the cascade takes its tickets
            continue
        reason = resolution_reason(kind, stream_id, modes[camera_id], streams_by_camera[camera_id])
        by_reason[reason].append(unresolved[key][0])
        result.resolved.append(result.describe(camera_id, f"{unresolved[key][1]} ({reason})"))
    for reason, ids in by_reason.items():
        _resolve(ids, reason, now)
        _record(ids, TicketAction.RESOLVED, now, note=reason)


def _reopen_recent(
    missing: dict[TicketKey, tuple[int, WantedTicket]],
    sites: dict[int, Site],
    now: datetime,
    result: ReconcileResult,
) -> set[TicketKey]:
    """Reopen tickets resolved within their site's reopen window whose condition is back."""
    if not missing:
        return set()
    longest_window = max(site.reopen_window_seconds for site in sites.values())
    latest: dict[TicketKey, tuple[int, datetime, str]] = {}
    for ticket_id, site_id, camera_id, kind, stream_id, resolved_at, summary in (
        # By site and time rather than by camera: what was resolved within a reopen window
        # is a short list, where the cameras of a big sweep are a long one.
        Ticket.objects.filter(
            site_id__in=sites,
            status=TicketStatus.RESOLVED,
            resolved_at__gte=now - timedelta(seconds=longest_window),
        )
        .order_by("resolved_at")
        .values_list("id", "site_id", "camera_id", "kind", "stream_id", "resolved_at", "summary")
    ):
        key = (camera_id, kind, stream_id)
        window = timedelta(seconds=sites[site_id].reopen_window_seconds)
        if key in missing and resolved_at >= now - window:
            latest[key] = (ticket_id, resolved_at, summary)
    ids = [ticket_id for ticket_id, _, _ in latest.values()]
    if ids:
        Ticket.objects.filter(id__in=ids).update(
            status=TicketStatus.OPEN,
            resolved_at=None,
            resolution="",
            acknowledged_at=None,
            acknowledged_by=None,
            reopen_count=F("reopen_count") + 1,
        )
        _record(ids, TicketAction.REOPENED, now, note="condition returned")
        result.reopened.extend(
            result.describe(camera_id, summary)
            for (camera_id, _, _), (_, _, summary) in latest.items()
        )
    return set(latest)


def _open_new(
    missing: list[tuple[int, int, WantedTicket]], now: datetime, result: ReconcileResult
) -> None:
    if not missing:
        return
    if connection.vendor == "postgresql":
        _insert_opened_tickets(missing, now)
    else:
        tickets = Ticket.objects.bulk_create(
            Ticket(
                site_id=site_id,
                camera_id=camera_id,
                stream_id=wanted.stream_id,
                kind=wanted.kind,
                severity=wanted.severity,
                summary=wanted.summary,
                details=wanted.details,
                opened_at=now,
            )
            for camera_id, site_id, wanted in missing
        )
        _record([ticket.id for ticket in tickets], TicketAction.OPENED, now)
    result.opened.extend(
        result.describe(camera_id, wanted.summary) for camera_id, _, wanted in missing
    )


# On PostgreSQL, tickets and their "opened" events are written by one statement from
# arrays, without a model instance per row: on a big sweep that halves reconcile's time.
INSERT_OPENED_TICKETS = f"""
WITH opened AS (
    INSERT INTO {Ticket._meta.db_table} (site_id, camera_id, stream_id, kind, severity, status,
        summary, details, opened_at, reopen_count, resolution)
    SELECT site_id, camera_id, stream_id, kind, severity, %(status)s, summary, details::jsonb,
        %(now)s, 0, ''
    FROM unnest(%(site_ids)s::bigint[], %(camera_ids)s::bigint[], %(stream_ids)s::bigint[],
        %(kinds)s::text[], %(severities)s::text[], %(summaries)s::text[], %(details)s::text[])
        AS wanted (site_id, camera_id, stream_id, kind, severity, summary, details)
    RETURNING id
)
INSERT INTO {TicketEvent._meta.db_table} (ticket_id, at, action, note)
SELECT id, %(now)s, %(action)s, '' FROM opened
"""

INSERT_EVENTS = f"""
INSERT INTO {TicketEvent._meta.db_table} (ticket_id, at, action, actor_id, note)
SELECT unnest(%(ids)s::bigint[]), %(now)s, %(action)s, %(actor)s, %(note)s
"""


def _insert_opened_tickets(missing: list[tuple[int, int, WantedTicket]], now: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_OPENED_TICKETS,
            {
                "status": TicketStatus.OPEN,
                "now": now,
                "action": TicketAction.OPENED,
                "site_ids": [site_id for _, site_id, _ in missing],
                "camera_ids": [camera_id for camera_id, _, _ in missing],
                "stream_ids": [wanted.stream_id for _, _, wanted in missing],
                "kinds": [str(wanted.kind) for _, _, wanted in missing],
                "severities": [str(wanted.severity) for _, _, wanted in missing],
                "summaries": [wanted.summary for _, _, wanted in missing],
                "details": [json.dumps(wanted.details) for _, _, wanted in missing],
            },
        )


def _resolve(ids: list[int], resolution: str, now: datetime) -> None:
    Ticket.objects.filter(id__in=ids).update(
        status=TicketStatus.RESOLVED, resolved_at=now, resolution=resolution[:300]
    )


def _record(ids: list[int], action: str, now: datetime, *, actor=None, note: str = "") -> None:
    if not ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_EVENTS,
                {
                    "ids": ids,
                    "now": now,
                    "action": action,
                    "actor": actor and actor.pk,
                    "note": note,
                },
            )
        return
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket_id=ticket_id, at=now, action=action, actor=actor, note=note)
        for ticket_id in ids
    )
