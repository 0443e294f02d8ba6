"""The Tickets tab and a ticket's page: filters, history, Acknowledge."""

import pytest
from django.test import Client
from django.urls import reverse

from cameras.choices import HAMode, StreamState
from tests.factories import make_camera
from tickets.choices import TicketAction, TicketKind, TicketStatus
from tickets.models import Ticket
from tickets.reconcile import reconcile_site, resolve_tickets

REC, STOP = StreamState.RECORDING, StreamState.NOT_RECORDING


@pytest.fixture
def tickets(site, staff):
    """A critical, a warning, and a resolved ticket at the site."""
    make_camera(site, "cam-3", HAMode.NONE, [("primary", "rec-a", REC), ("primary", "rec-b", REC)])
    make_camera(
        site, "cam-5", HAMode.ACTIVE_ACTIVE, [("primary", "rec-a", REC), ("primary", "rec-b", STOP)]
    )
    make_camera(site, "cam-6", HAMode.ACTIVE_ACTIVE, [("primary", "rec-a", REC)])
    reconcile_site(site.id)
    resolve_tickets(
        Ticket.objects.filter(kind=TicketKind.HA_MISCONFIGURED), staff, "fixed the cabling"
    )
    return {ticket.kind: ticket for ticket in Ticket.objects.all()}


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


def listed(response) -> list[str]:
    return [ticket.kind for ticket in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {TicketKind.MULTIPLE_RECORDERS, TicketKind.STREAM_NOT_RECORDING}),
        ({"status": ""}, set(TicketKind.values)),
        ({"status": "resolved"}, {TicketKind.HA_MISCONFIGURED}),
        ({"status": "open", "severity": "critical"}, {TicketKind.STREAM_NOT_RECORDING}),
        ({"kind": "multiple_recorders"}, {TicketKind.MULTIPLE_RECORDERS}),
        ({"status": "", "camera": "cam-6"}, {TicketKind.HA_MISCONFIGURED}),
        (
            {"severity": "nonsense"},
            {TicketKind.MULTIPLE_RECORDERS, TicketKind.STREAM_NOT_RECORDING},
        ),
    ],
)
def test_ticket_list_filters_default_to_unresolved(admin_client, site, tickets, params, expected):
    response = admin_client.get(reverse("tickets:list", args=[site.slug]), params)
    assert response.status_code == 200
    assert set(listed(response)) == expected


def test_ticket_list_links_to_ticket_and_camera(admin_client, site, tickets):
    ticket = tickets[TicketKind.MULTIPLE_RECORDERS]
    html = admin_client.get(reverse("tickets:list", args=[site.slug])).content.decode()
    assert reverse("tickets:detail", args=[site.slug, ticket.pk]) in html
    assert reverse("cameras:detail", args=[site.slug, ticket.camera_id]) in html
    assert ticket.summary in html


def test_ticket_list_query_count_is_bounded(
    admin_client, site, tickets, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        admin_client.get(reverse("tickets:list", args=[site.slug]), {"status": ""})


def test_ticket_page_shows_history(admin_client, site, tickets):
    ticket = tickets[TicketKind.HA_MISCONFIGURED]
    response = admin_client.get(reverse("tickets:detail", args=[site.slug, ticket.pk]))
    assert response.status_code == 200
    actions = [event.action for event in response.context["events"]]
    assert actions == [TicketAction.OPENED, TicketAction.RESOLVED]
    html = response.content.decode()
    assert "fixed the cabling" in html
    assert "by <strong>sam</strong>" in html
    assert "by <strong>system</strong>" in html
    assert 'id="acknowledge-form"' not in html  # resolved: nothing to acknowledge


def test_admin_acknowledges_with_a_note(admin_client, site, site_admin, tickets):
    ticket = tickets[TicketKind.STREAM_NOT_RECORDING]
    page = reverse("tickets:detail", args=[site.slug, ticket.pk])
    assert 'id="acknowledge-form"' in admin_client.get(page).content.decode()

    response = admin_client.post(
        reverse("tickets:acknowledge", args=[site.slug, ticket.pk]),
        {"note": "Replacing the switch"},
        follow=True,
    )
    assert response.redirect_chain == [(page, 302)]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ACKNOWLEDGED
    assert ticket.acknowledged_by == site_admin
    event = ticket.events.get(action=TicketAction.ACKNOWLEDGED)
    assert (event.actor, event.note) == (site_admin, "Replacing the switch")
    html = response.content.decode()
    assert f"Ticket #{ticket.pk} acknowledged." in html
    assert "Replacing the switch" in html
    assert 'id="acknowledge-form"' not in html


def test_acknowledging_twice_says_so(admin_client, site, tickets):
    ticket = tickets[TicketKind.STREAM_NOT_RECORDING]
    url = reverse("tickets:acknowledge", args=[site.slug, ticket.pk])
    admin_client.post(url)
    response = admin_client.post(url, follow=True)
    assert "already acknowledged" in response.content.decode()
    assert ticket.events.filter(action=TicketAction.ACKNOWLEDGED).count() == 1


def test_viewer_sees_no_acknowledge_form_and_cannot_post(client, viewer, site, tickets):
    ticket = tickets[TicketKind.STREAM_NOT_RECORDING]
    client.force_login(viewer)
    html = client.get(reverse("tickets:detail", args=[site.slug, ticket.pk])).content.decode()
    assert 'id="acknowledge-form"' not in html
    response = client.post(reverse("tickets:acknowledge", args=[site.slug, ticket.pk]))
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_acknowledge_rejects_get_and_an_overlong_note(admin_client, site, tickets):
    ticket = tickets[TicketKind.STREAM_NOT_RECORDING]
    url = reverse("tickets:acknowledge", args=[site.slug, ticket.pk])
    assert admin_client.get(url).status_code == 405
    assert admin_client.post(url, {"note": "x" * 3000}).status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_acknowledge_is_csrf_protected(site, site_admin, tickets):
    ticket = tickets[TicketKind.STREAM_NOT_RECORDING]
    client = Client(enforce_csrf_checks=True)
    client.force_login(site_admin)
    response = client.post(reverse("tickets:acknowledge", args=[site.slug, ticket.pk]))
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN


def test_admin_acknowledges_checked_tickets_from_the_list(admin_client, site, site_admin, tickets):
    stream = tickets[TicketKind.STREAM_NOT_RECORDING]
    multiple = tickets[TicketKind.MULTIPLE_RECORDERS]
    page = admin_client.get(reverse("tickets:list", args=[site.slug]), {"severity": "critical"})
    html = page.content.decode()
    assert 'id="acknowledge-tickets"' in html
    assert f'name="tickets" value="{stream.pk}" form="acknowledge-tickets"' in html

    response = admin_client.post(
        reverse("tickets:acknowledge_many", args=[site.slug]) + "?severity=warning",
        {"tickets": [stream.pk, multiple.pk], "note": "on it"},
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("tickets:list", args=[site.slug]) + "?severity=warning", 302)
    ]
    assert "Acknowledged 2 tickets." in response.content.decode()
    for ticket in (stream, multiple):
        ticket.refresh_from_db()
        assert (ticket.status, ticket.acknowledged_by) == (TicketStatus.ACKNOWLEDGED, site_admin)
        assert ticket.events.get(action=TicketAction.ACKNOWLEDGED).note == "on it"


@pytest.mark.parametrize("pick", ["resolved", "other_site", "nonsense", "nothing"])
def test_bulk_acknowledge_refuses_what_is_not_an_open_ticket_of_the_site(
    admin_client, site, other_site, tickets, pick
):
    make_camera(other_site, "br-1", HAMode.NONE, [("primary", "nvr", STOP)])
    reconcile_site(other_site.id)
    chosen = {
        "resolved": [tickets[TicketKind.HA_MISCONFIGURED].pk],
        "other_site": [Ticket.objects.get(site=other_site).pk],
        "nonsense": ["x"],
        "nothing": [],
    }[pick]
    open_one = tickets[TicketKind.STREAM_NOT_RECORDING].pk
    data = {"tickets": [open_one, *chosen]} if pick != "nothing" else {}
    response = admin_client.post(
        reverse("tickets:acknowledge_many", args=[site.slug]), data, follow=True
    )
    assert response.status_code == 200
    assert response.context["messages"]
    assert not Ticket.objects.filter(status=TicketStatus.ACKNOWLEDGED).exists()


def test_viewer_sees_no_checkboxes(client, viewer, site, tickets):
    client.force_login(viewer)
    html = client.get(reverse("tickets:list", args=[site.slug])).content.decode()
    assert 'id="acknowledge-tickets"' not in html
    assert 'name="tickets"' not in html
