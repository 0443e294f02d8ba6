"""Django admin for support staff: every page answers, and actions go through the domain."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cameras.choices import HAMode
from cameras.models import Camera, HAModeChange, Stream
from tests.factories import make_camera
from tickets.choices import TicketStatus
from tickets.models import Ticket
from tickets.reconcile import reconcile_site

MODELS = [
    "sites_site",
    "sites_sitemembership",
    "cameras_recorder",
    "cameras_camera",
    "cameras_stream",
    "cameras_hamodechange",
    "tickets_ticket",
    "tickets_ticketevent",
]


@pytest.fixture
def support(db, client):
    user = get_user_model().objects.create_superuser("support", "s@example.com", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def troubled(site):
    cam = make_camera(
        site,
        "cam-1",
        HAMode.NONE,
        [("primary", "rec-a", "recording"), ("primary", "rec-b", "recording")],
    )
    make_camera(
        site,
        "cam-2",
        HAMode.ACTIVE_ACTIVE,
        [("primary", "rec-a", "not_recording"), ("primary", "rec-b", "recording")],
    )
    reconcile_site(site.id)
    return cam


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_and_change_page_answers(client, support, troubled, model):
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    obj = {
        "sites_site": lambda: troubled.site,
        "sites_sitemembership": lambda: None,
        "cameras_recorder": lambda: troubled.streams.first().recorder,
        "cameras_camera": lambda: troubled,
        "cameras_stream": lambda: troubled.streams.first(),
        "cameras_hamodechange": lambda: None,
        "tickets_ticket": lambda: Ticket.objects.first(),
        "tickets_ticketevent": lambda: Ticket.objects.first().events.first(),
    }[model]()
    if obj is not None:
        assert client.get(reverse(f"admin:{model}_change", args=[obj.pk])).status_code == 200


def test_set_high_availability_action_audits_and_reconciles(client, support, troubled):
    url = reverse("admin:cameras_camera_changelist")
    ids = [str(troubled.id)]

    confirm = client.post(url, {"action": "set_high_availability", "_selected_action": ids})
    assert confirm.status_code == 200 and b"Set High Availability" in confirm.content

    done = client.post(
        url,
        {
            "action": "set_high_availability",
            "_selected_action": ids,
            "apply": "1",
            "ha_mode": "active_active",
        },
        follow=True,
    )

    assert b"Updated 1 cameras" in done.content
    assert Camera.objects.get(id=troubled.id).ha_mode == HAMode.ACTIVE_ACTIVE
    assert HAModeChange.objects.get().changed_by == support
    ticket = Ticket.objects.get(camera=troubled)
    assert (ticket.status, ticket.resolution) == (
        TicketStatus.RESOLVED,
        "HA mode changed to Active-Active",
    )


def test_editing_ha_mode_in_the_change_form_goes_through_the_domain(client, support, troubled):
    url = reverse("admin:cameras_camera_change", args=[troubled.pk])
    data = {
        "site": troubled.site_id,
        "external_id": troubled.external_id,
        "name": "Lobby",
        "ha_mode": "active_passive",
        "streams-TOTAL_FORMS": "0",
        "streams-INITIAL_FORMS": "0",
        "ha_changes-TOTAL_FORMS": "0",
        "ha_changes-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)

    assert response.status_code == 302, response.content
    camera = Camera.objects.get(id=troubled.id)
    assert (camera.name, camera.ha_mode) == ("Lobby", HAMode.ACTIVE_PASSIVE)
    assert HAModeChange.objects.get().new_mode == HAMode.ACTIVE_PASSIVE
    assert not Ticket.objects.filter(camera=troubled, status=TicketStatus.OPEN).exists()


def test_acknowledge_and_resolve_actions(client, support, troubled):
    url = reverse("admin:tickets_ticket_changelist")
    ids = [str(pk) for pk in Ticket.objects.values_list("id", flat=True)]

    client.post(url, {"action": "acknowledge", "_selected_action": ids})
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.ACKNOWLEDGED}
    assert Ticket.objects.filter(acknowledged_by=support).count() == len(ids)

    client.post(url, {"action": "resolve", "_selected_action": ids})
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.RESOLVED}


def test_making_a_stream_view_only_in_admin_reconciles_its_camera(client, support, site, troubled):
    stream = Stream.objects.get(camera__external_id="cam-2", recorder__name="rec-a")
    url = reverse("admin:cameras_stream_change", args=[stream.pk])

    client.post(url, {"recording_enabled": ""})

    assert Ticket.objects.get(stream=stream).status == TicketStatus.RESOLVED
