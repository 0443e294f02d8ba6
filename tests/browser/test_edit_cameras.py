"""An administrator changes two cameras' HA mode in a real browser; a viewer cannot."""

import pytest
from playwright.sync_api import expect

from cameras.choices import HAMode, StreamState
from cameras.models import Camera, HAModeChange
from tests.factories import make_camera
from tickets.choices import UNRESOLVED
from tickets.models import Ticket
from tickets.reconcile import reconcile_site

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REC, STOP = StreamState.RECORDING, StreamState.NOT_RECORDING


@pytest.fixture
def worked_example(site):
    """Part of the worked example of the HA rules: cam-3 and cam-5 have tickets."""
    make_camera(site, "cam-1", HAMode.NONE, [("primary", "rec-a", REC)])
    make_camera(site, "cam-3", HAMode.NONE, [("primary", "rec-a", REC), ("primary", "rec-b", REC)])
    make_camera(
        site, "cam-5", HAMode.ACTIVE_ACTIVE, [("primary", "rec-a", REC), ("primary", "rec-b", STOP)]
    )
    make_camera(site, "cam-6", HAMode.ACTIVE_ACTIVE, [("primary", "rec-a", REC)])
    reconcile_site(site.id)
    assert Ticket.objects.filter(status__in=UNRESOLVED).count() == 3


def row(page, external_id: str):
    return page.locator(f'tr[data-camera="{external_id}"]')


def test_administrator_changes_two_cameras(new_page, site, site_admin, worked_example):
    page = new_page()
    log_in(page, "ann", "pw-ann")
    page.get_by_role("link", name="Headquarters").click()
    page.get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name="Cameras")).to_be_visible()

    # Filter: the cameras recorded by rec-b (the select applies at once).
    page.get_by_label("Recorder").select_option("rec-b")
    page.wait_for_url("**/details/?*recorder=rec-b*")
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(row(page, "cam-3").locator(".open-tickets")).to_have_text("1")
    expect(row(page, "cam-5").locator(".open-tickets")).to_have_text("1")

    page.get_by_role("link", name="Edit Cameras").click()
    page.wait_for_url("**/cameras/edit/?*recorder=rec-b*")
    expect(page.locator("tbody tr")).to_have_count(2)

    # cam-3 with its own select; cam-5 with the checkbox and "Set selected to ...".
    row(page, "cam-3").locator("select").select_option(label="Active-Active")
    expect(row(page, "cam-3")).to_have_class("changed")
    row(page, "cam-5").get_by_role("checkbox").check()
    page.locator('select[name="bulk_mode"]').select_option(label="Active-Passive")
    page.get_by_role("button", name="Apply to checked rows").click()
    expect(row(page, "cam-5").locator("select")).to_have_value(HAMode.ACTIVE_PASSIVE)
    expect(page.locator("[data-changes-count]")).to_have_text("2 unsaved changes")
    assert Camera.objects.get(external_id="cam-5").ha_mode == HAMode.ACTIVE_ACTIVE  # not yet

    page.get_by_role("button", name="Save changes").first.click()
    page.wait_for_url("**/details/?*recorder=rec-b*")
    expect(page.locator(".alert-success")).to_have_text("Updated 2 cameras.")
    expect(page.locator(".alert-info")).to_contain_text("Tickets: 2 resolved.")
    expect(page.locator(".alert-info li")).to_have_count(2)
    expect(page.locator(".alert-info")).to_contain_text("cam-3: Recorded by 2 recorders")
    expect(row(page, "cam-3").locator(".ha")).to_have_text("Active-Active")
    expect(row(page, "cam-5").locator(".ha")).to_have_text("Active-Passive")
    expect(row(page, "cam-3").locator(".open-tickets")).to_have_text("0")
    expect(row(page, "cam-5").locator(".open-tickets")).to_have_text("0")

    # The tickets changed with them: only cam-6's warning is left unresolved.
    page.get_by_role("link", name="Tickets", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("cam-6")
    page.get_by_label("Status").select_option("resolved")
    page.wait_for_url("**/tickets/?*status=resolved*")
    expect(page.locator("tbody")).to_contain_text("HA mode changed to Active-Active")
    expect(page.locator("tbody")).to_contain_text("HA mode changed to Active-Passive")
    page.get_by_label("Status").select_option(label="Any status")
    page.wait_for_url("**/tickets/?status=")
    expect(page.locator("tbody tr")).to_have_count(3)

    changes = HAModeChange.objects.order_by("camera__external_id")
    assert [(c.camera.external_id, c.new_mode, c.changed_by) for c in changes] == [
        ("cam-3", HAMode.ACTIVE_ACTIVE, site_admin),
        ("cam-5", HAMode.ACTIVE_PASSIVE, site_admin),
    ]


def test_edit_cameras_works_without_javascript(new_page, site, site_admin, worked_example):
    page = new_page(javascript=False)
    log_in(page, "ann", "pw-ann")
    page.goto(f"/sites/{site.slug}/cameras/edit/?ha_mode=none")
    row(page, "cam-1").get_by_role("checkbox").check()
    row(page, "cam-3").get_by_role("checkbox").check()
    page.locator('select[name="bulk_mode"]').select_option(label="Active-Active")
    page.get_by_role("button", name="Apply to checked rows").click()  # a round trip
    expect(row(page, "cam-1").locator("select")).to_have_value(HAMode.ACTIVE_ACTIVE)
    expect(row(page, "cam-1")).to_have_class("changed")
    page.get_by_role("button", name="Save changes").first.click()
    expect(page.locator(".alert-success")).to_have_text("Updated 2 cameras.")
    assert set(
        Camera.objects.filter(external_id__in=["cam-1", "cam-3"]).values_list("ha_mode", flat=True)
    ) == {HAMode.ACTIVE_ACTIVE}


def test_viewer_sees_no_edit_button(new_page, site, viewer, worked_example):
    page = new_page()
    log_in(page, "victor", "pw-victor")
    page.goto(f"/sites/{site.slug}/details/")
    expect(page.locator("tbody tr")).to_have_count(4)
    expect(page.get_by_role("link", name="Edit Cameras")).to_have_count(0)

    response = page.goto(f"/sites/{site.slug}/cameras/edit/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You may not do that")).to_be_visible()
