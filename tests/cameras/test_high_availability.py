"""Changing HA mode: one function, audited, reconciled, all or nothing."""

import pytest

from cameras.choices import HAMode
from cameras.high_availability import (
    HAChangeError,
    StaleCameras,
    UnknownCameras,
    change_ha_modes,
    set_ha_mode,
)
from cameras.models import Camera, HAModeChange
from tests.factories import make_camera
from tickets.choices import UNRESOLVED, TicketKind
from tickets.models import Ticket
from tickets.reconcile import reconcile_site

TWO_RECORDING = [("primary", "rec-a", "recording"), ("primary", "rec-b", "recording")]


@pytest.fixture
def cameras(site):
    cams = [make_camera(site, f"cam-{n}", HAMode.NONE, TWO_RECORDING) for n in range(3)]
    reconcile_site(site.id)
    return cams


def modes(site):
    return dict(Camera.objects.filter(site=site).values_list("external_id", "ha_mode"))


def test_it_changes_audits_and_reconciles(site, site_admin, cameras):
    assert Ticket.objects.filter(status__in=UNRESOLVED).count() == 3

    result = set_ha_mode([cameras[0].id, cameras[1].id], HAMode.ACTIVE_ACTIVE, site_admin)

    assert modes(site) == {"cam-0": "active_active", "cam-1": "active_active", "cam-2": "none"}
    assert sorted(result.changed) == sorted([cameras[0].id, cameras[1].id])
    audit = HAModeChange.objects.order_by("camera_id")
    assert [(a.camera_id, a.changed_by, a.old_mode, a.new_mode) for a in audit] == [
        (cameras[0].id, site_admin, "none", "active_active"),
        (cameras[1].id, site_admin, "none", "active_active"),
    ]
    still_open = Ticket.objects.filter(status__in=UNRESOLVED)
    assert list(still_open.values_list("camera__external_id", "kind")) == [
        ("cam-2", TicketKind.MULTIPLE_RECORDERS)
    ]
    assert len(result.tickets.resolved) == 2


def test_cameras_already_in_the_mode_are_left_alone(site_admin, cameras):
    result = change_ha_modes(
        {cameras[0].id: HAMode.NONE, cameras[1].id: HAMode.ACTIVE_PASSIVE}, site_admin
    )

    assert result.changed == [cameras[1].id]
    assert HAModeChange.objects.count() == 1


def test_a_stale_view_writes_nothing_and_says_which_camera(site, site_admin, cameras):
    set_ha_mode([cameras[1].id], HAMode.ACTIVE_PASSIVE, None)  # someone else, meanwhile

    with pytest.raises(StaleCameras) as raised:
        change_ha_modes(
            {cameras[0].id: HAMode.ACTIVE_ACTIVE, cameras[1].id: HAMode.ACTIVE_ACTIVE},
            site_admin,
            seen_modes={cameras[0].id: HAMode.NONE, cameras[1].id: HAMode.NONE},
        )

    assert [camera.id for camera in raised.value.cameras] == [cameras[1].id]
    assert modes(site)["cam-0"] == "none"
    assert HAModeChange.objects.filter(changed_by=site_admin).count() == 0


@pytest.mark.parametrize("persona", ["viewer", "outsider", "collector"])
def test_only_site_administrators_may_change(request, site, cameras, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(UnknownCameras):
        set_ha_mode([cameras[0].id], HAMode.ACTIVE_ACTIVE, user)

    assert modes(site)["cam-0"] == "none"


def test_staff_may_change_any_site(site, staff, cameras):
    set_ha_mode([cameras[0].id], HAMode.ACTIVE_PASSIVE, staff)
    assert modes(site)["cam-0"] == "active_passive"


def test_one_foreign_camera_rejects_the_whole_change(site, other_site, site_admin, cameras):
    foreign = make_camera(other_site, "cam-x")

    with pytest.raises(UnknownCameras) as raised:
        set_ha_mode([cameras[0].id, foreign.id], HAMode.ACTIVE_ACTIVE, site_admin)

    assert raised.value.camera_ids == [foreign.id]
    assert modes(site)["cam-0"] == "none" and not HAModeChange.objects.exists()


def test_an_unknown_mode_is_refused(site_admin, cameras):
    with pytest.raises(HAChangeError):
        set_ha_mode([cameras[0].id], "active_everything", site_admin)
    assert not HAModeChange.objects.exists()
