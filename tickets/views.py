"""Pages of the web UI about tickets: the Tickets tab, a ticket, acknowledging it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from sites.views import administered_site, site_context, visible_site

from .choices import UNRESOLVED, TicketStatus
from .filters import UNRESOLVED_CHOICE, TicketFilterSet
from .forms import AcknowledgeForm, AcknowledgeTicketsForm
from .models import Ticket
from .reconcile import acknowledge_tickets

PAGE_SIZE = 50


@login_required
@require_GET
def ticket_list(request: HttpRequest, slug: str) -> HttpResponse:
    site = visible_site(request, slug)
    query = request.GET.copy()
    # Unresolved unless asked otherwise; "Any status" submits an empty value.
    query.setdefault("status", UNRESOLVED_CHOICE)
    tickets = Ticket.objects.filter(site=site).select_related(
        "camera", "stream__recorder", "acknowledged_by"
    )
    filterset = TicketFilterSet(query, queryset=tickets)
    page = Paginator(filterset.qs.order_by("-opened_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = site_context(
        request,
        site,
        "tickets",
        filter_form=filterset.form,
        page=page,
        show_resolved=query["status"] not in (UNRESOLVED_CHOICE, *UNRESOLVED),
        any_open=any(ticket.status == TicketStatus.OPEN for ticket in page),
        query=request.GET.urlencode(),
    )
    return render(request, "tickets/ticket_list.html", context)


@login_required
@require_POST
def tickets_acknowledge(request: HttpRequest, slug: str) -> HttpResponse:
    """Acknowledge the checked tickets of the Tickets tab, then show it again as it was."""
    site = administered_site(request, slug)
    back = reverse("tickets:list", args=[site.slug])
    if request.GET:
        back += f"?{request.GET.urlencode()}"
    form = AcknowledgeTicketsForm(site, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    count = acknowledge_tickets(
        form.cleaned_data["tickets"], request.user, form.cleaned_data["note"]
    )
    messages.success(request, f"Acknowledged {count} ticket{'' if count == 1 else 's'}.")
    return redirect(back)


@login_required
@require_GET
def ticket_detail(request: HttpRequest, slug: str, ticket_id: int) -> HttpResponse:
    site = visible_site(request, slug)
    return _render_ticket(request, site, ticket_id, AcknowledgeForm())


@login_required
@require_POST
def ticket_acknowledge(request: HttpRequest, slug: str, ticket_id: int) -> HttpResponse:
    site = administered_site(request, slug)
    ticket = get_object_or_404(Ticket, site=site, pk=ticket_id)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _render_ticket(request, site, ticket_id, form, status=400)
    if acknowledge_tickets(
        Ticket.objects.filter(pk=ticket.pk), request.user, form.cleaned_data["note"]
    ):
        messages.success(request, f"Ticket #{ticket.pk} acknowledged.")
    else:
        messages.info(
            request, f"Ticket #{ticket.pk} is already {ticket.get_status_display().lower()}."
        )
    return redirect("tickets:detail", site.slug, ticket.pk)


def _render_ticket(request, site, ticket_id: int, form, status: int = 200) -> HttpResponse:
    ticket = get_object_or_404(
        Ticket.objects.filter(site=site).select_related(
            "camera", "stream__recorder", "acknowledged_by"
        ),
        pk=ticket_id,
    )
    context = site_context(
        request,
        site,
        "tickets",
        ticket=ticket,
        events=ticket.events.select_related("actor"),
        form=form,
        can_acknowledge=ticket.status == TicketStatus.OPEN,
    )
    return render(request, "tickets/ticket_detail.html", context, status=status)
