"""Pages of the web UI about cameras: the Camera Table, Edit Cameras, a camera, recorders."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods

from sites.views import administered_site, site_context, visible_site
from tickets.choices import UNRESOLVED, TicketAction, TicketStatus
from tickets.models import Ticket, TicketEvent

from .choices import HAMode, StreamState
from .forms import EditCamerasForm
from .high_availability import (
    HAChangeError,
    HAChangeResult,
    StaleCameras,
    UnknownCameras,
    change_ha_modes,
)
from .models import Camera, HAModeChange, Recorder
from .table import PAGE_SIZES, CameraTable

#: Resolved tickets younger than this still show on a camera's page.
RECENTLY_RESOLVED = timedelta(days=30)


def _table_context(request: HttpRequest, table: CameraTable) -> dict:
    return {
        "table": table,
        "filter_form": table.filterset.form,
        "page": table.page(request.GET.get("page")),
        "page_sizes": PAGE_SIZES,
        "recorder_names": table.site.recorders.order_by("name").values_list("name", flat=True),
        "ha_modes": HAMode.choices,
        "stream_states": StreamState.choices,
        "query": request.GET.urlencode(),
    }


@login_required
@require_GET
def camera_table(request: HttpRequest, slug: str) -> HttpResponse:
    site = visible_site(request, slug)
    table = CameraTable.from_query(site, request.GET)
    context = site_context(request, site, "details", **_table_context(request, table))
    return render(request, "cameras/camera_table.html", context)


@login_required
@require_GET
def camera_table_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    site = visible_site(request, slug)
    table = CameraTable.from_query(site, request.GET)

    class Echo:
        """A file whose write() hands back the line, so csv.writer can feed a stream."""

        def write(self, line: str) -> str:
            return line

    writer = csv.writer(Echo())
    lines = (writer.writerow(row) for row in table.csv_rows())
    filename = f"{site.slug}-cameras-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def cameras_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit Cameras: the Camera Table's current page, one HA select per row, one save."""
    site = administered_site(request, slug)
    table = CameraTable.from_query(site, request.GET)
    back = reverse("cameras:table", args=[site.slug]) + _query(request)

    if request.method == "GET":
        page = table.page(request.GET.get("page"))
        form = EditCamerasForm(page.object_list)
        return _render_edit(request, site, table, form, page=page)

    # The rows are the cameras the form was drawn with, not what the filters match now:
    # a camera that stopped matching meanwhile must still be saved, or reported stale.
    ids = EditCamerasForm.camera_ids(request.POST)
    cameras = _cameras_in_order(site, ids)
    if len(cameras) < len(ids):
        messages.error(request, "Some cameras no longer exist; check the table and try again.")
        return redirect(back)

    form = EditCamerasForm(cameras, request.POST)
    if not form.is_valid():
        return _render_edit(request, site, table, form, status=400)

    if request.POST.get("action") == "apply":
        # Without JavaScript, "Apply to checked rows" shows the result before saving.
        data = request.POST.copy()
        for camera_id, mode in form.chosen_modes().items():
            data[f"ha_{camera_id}"] = mode
        data["bulk_mode"] = ""
        return _render_edit(request, site, table, EditCamerasForm(cameras, data))

    new_modes, seen_modes = form.changes()
    if not new_modes:
        messages.info(request, "Nothing to save: no camera was changed.")
        return redirect(back)
    now = timezone.now()
    try:
        result = change_ha_modes(new_modes, request.user, seen_modes=seen_modes, now=now)
    except StaleCameras as error:
        data = request.POST.copy()
        for camera in error.cameras:
            data[f"seen_{camera.id}"] = camera.ha_mode
        names = ", ".join(
            f"{camera} (now {camera.get_ha_mode_display()})" for camera in error.cameras
        )
        messages.error(
            request,
            f"Nothing was saved: someone else changed {names} since you opened this page. "
            "Their current mode is shown next to your choice; review and save again.",
        )
        stale_form = EditCamerasForm(
            cameras, data, stale_ids=[camera.id for camera in error.cameras]
        )
        return _render_edit(request, site, table, stale_form, status=409)
    except (UnknownCameras, HAChangeError) as error:
        messages.error(request, f"Nothing was saved: {error}")
        return redirect(back)

    count = len(result.changed)
    messages.success(request, f"Updated {count} camera{'' if count == 1 else 's'}.")
    if result.tickets.changed:
        messages.info(request, _ticket_changes(site, result, now))
    return redirect(back)


#: How many ticket changes the message after a save lists; the Tickets tab has the rest.
LISTED_TICKET_CHANGES = 10


def _ticket_changes(site, result: HAChangeResult, now) -> str:
    """What reconciling the saved cameras did to their tickets, as a short HTML list."""
    tickets = result.tickets
    counts = ", ".join(
        f"{len(summaries)} {verb}"
        for verb, summaries in (
            ("resolved", tickets.resolved),
            ("opened", tickets.opened),
            ("reopened", tickets.reopened),
        )
        if summaries
    )
    # Reconcile stamped its events with the save's time: that finds exactly these changes.
    events = (
        TicketEvent.objects.filter(at=now, ticket__camera_id__in=result.changed)
        .exclude(action=TicketAction.NOTE)
        .select_related("ticket__camera")
        .order_by("ticket__camera__name", "ticket__camera__external_id", "id")
    )
    listed = list(events[: LISTED_TICKET_CHANGES + 1])
    items = format_html_join(
        "",
        '<li><a href="{}">#{}</a> <strong>{}</strong>: {} <span class="muted">({}{})</span></li>',
        (
            (
                reverse("tickets:detail", args=[site.slug, event.ticket_id]),
                event.ticket_id,
                event.ticket.camera,
                event.ticket.summary,
                event.get_action_display().lower(),
                f": {event.note}" if event.action == TicketAction.RESOLVED else "",
            )
            for event in listed[:LISTED_TICKET_CHANGES]
        ),
    )
    more = ""
    if len(listed) > LISTED_TICKET_CHANGES:
        more = format_html(
            '<a href="{}">See all tickets</a>', reverse("tickets:list", args=[site.slug])
        )
    return format_html('Tickets: {}.<ul class="message-list">{}</ul>{}', counts, items, more)


def _render_edit(request, site, table, form, *, page=None, status=200) -> HttpResponse:
    context = site_context(
        request,
        site,
        "details",
        table=table,
        form=form,
        rows=form.rows(),
        page=page,
        ha_modes=HAMode.choices,
        query=request.GET.urlencode(),
    )
    return render(request, "cameras/cameras_edit.html", context, status=status)


def _cameras_in_order(site, ids: list[int]) -> list[Camera]:
    cameras = {
        camera.id: camera
        for camera in Camera.objects.filter(site=site, id__in=ids)
        .with_open_tickets()
        .prefetch_related("streams__recorder")
    }
    return [cameras[camera_id] for camera_id in ids if camera_id in cameras]


def _query(request: HttpRequest) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


@login_required
@require_GET
def camera_detail(request: HttpRequest, slug: str, camera_id: int) -> HttpResponse:
    site = visible_site(request, slug)
    camera = get_object_or_404(Camera.objects.filter(site=site).with_open_tickets(), pk=camera_id)
    since = timezone.now() - RECENTLY_RESOLVED
    tickets = (
        Ticket.objects.filter(camera=camera)
        .filter(Q(status__in=UNRESOLVED) | Q(status=TicketStatus.RESOLVED, resolved_at__gte=since))
        .select_related("stream__recorder")
        .order_by("-opened_at", "-id")
    )
    tickets = list(tickets[:100])
    unresolved = [ticket for ticket in tickets if not ticket.is_resolved]
    resolved = [ticket for ticket in tickets if ticket.is_resolved]
    context = site_context(
        request,
        site,
        "details",
        camera=camera,
        streams=camera.streams.select_related("recorder").order_by("recorder__name", "profile"),
        history=HAModeChange.objects.filter(camera=camera).select_related("changed_by")[:50],
        unresolved_tickets=unresolved,
        resolved_tickets=resolved,
        recently_resolved_days=RECENTLY_RESOLVED.days,
    )
    return render(request, "cameras/camera_detail.html", context)


@login_required
@require_GET
def recorder_list(request: HttpRequest, slug: str) -> HttpResponse:
    site = visible_site(request, slug)
    recorders = (
        Recorder.objects.filter(site=site)
        .annotate(
            stream_count=Count("streams"),
            camera_count=Count("streams__camera", distinct=True),
            recording_count=Count(
                "streams",
                filter=Q(streams__recording_enabled=True, streams__state=StreamState.RECORDING),
            ),
            not_recording_count=Count(
                "streams",
                filter=Q(streams__recording_enabled=True, streams__state=StreamState.NOT_RECORDING),
            ),
            unknown_count=Count(
                "streams",
                filter=Q(streams__recording_enabled=True, streams__state=StreamState.UNKNOWN),
            ),
            view_only_count=Count("streams", filter=Q(streams__recording_enabled=False)),
        )
        .order_by("online", "name")  # offline recorders first
    )
    context = site_context(request, site, "recorders", recorders=recorders)
    return render(request, "cameras/recorder_list.html", context)
