"""Edit Cameras: one atomic save of HA modes, audited, reconciled, never over a stale form."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cameras.choices import HAMode, StreamState
from cameras.high_availability import set_ha_mode
from cameras.models import Camera, HAModeChange
from tests.factories import make_camera
from tickets.choices import UNRESOLVED, TicketKind, TicketStatus
from tickets.models import Ticket
from tickets.reconcile import reconcile_site

from .test_camera_table import bulk_cameras

REC, STOP = StreamState.RECORDING, StreamState.NOT_RECORDING
NONE, AA, AP = HAMode.NONE, HAMode.ACTIVE_ACTIVE, HAMode.ACTIVE_PASSIVE


@pytest.fixture
def cameras(site):
    made = {
        "cam-1": make_camera(site, "cam-1", NONE, [("primary", "rec-a", REC)]),
        "cam-3": make_camera(
            site, "cam-3", NONE, [("primary", "rec-a", REC), ("primary", "rec-b", REC)]
        ),
        "cam-5": make_camera(
            site, "cam-5", AA, [("primary", "rec-a", REC), ("primary", "rec-b", STOP)]
        ),
    }
    reconcile_site(site.id)
    return made


@pytest.fixture
def admin_client(client, site_admin):
    client.force_login(site_admin)
    return client


def edit_url(site, query: str = "") -> str:
    return reverse("cameras:edit", args=[site.slug]) + (f"?{query}" if query else "")


def form_data(cameras, changes=None, *, seen=None, selected=(), bulk_mode="", action="save"):
    """What the browser posts: every row's select and seen mode, checked rows, the action."""
    changes, seen = changes or {}, seen or {}
    data = {"action": action, "bulk_mode": bulk_mode, "selected": [cameras[n].pk for n in selected]}
    for name, camera in cameras.items():
        data[f"seen_{camera.pk}"] = seen.get(name, camera.ha_mode)
        data[f"ha_{camera.pk}"] = changes.get(name, camera.ha_mode)
    return data


def modes(*names) -> list[str]:
    return [Camera.objects.get(external_id=name).ha_mode for name in names]


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def unresolved_kinds(camera) -> set[str]:
    return set(
        Ticket.objects.filter(camera=camera, status__in=UNRESOLVED).values_list("kind", flat=True)
    )


def test_get_shows_the_filtered_cameras_with_a_select_and_the_seen_mode(
    admin_client, site, cameras
):
    response = admin_client.get(edit_url(site, "ha_mode=none"))
    assert response.status_code == 200
    assert [row.camera.external_id for row in response.context["rows"]] == ["cam-1", "cam-3"]
    html = response.content.decode()
    cam_3 = cameras["cam-3"].pk
    assert f'name="ha_{cam_3}"' in html
    assert f'<input type="hidden" name="seen_{cam_3}" value="none"' in html
    assert f'name="selected" value="{cam_3}"' in html
    assert 'name="bulk_mode"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_save_changes_only_what_changed_audits_and_reconciles(
    admin_client, site, site_admin, cameras
):
    assert unresolved_kinds(cameras["cam-3"]) == {TicketKind.MULTIPLE_RECORDERS}
    response = admin_client.post(
        edit_url(site, "ha_mode=none&sort=-tickets"),
        form_data(cameras, {"cam-3": AA, "cam-1": AA}),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cameras:table", args=[site.slug]) + (
        "?ha_mode=none&sort=-tickets"
    )
    assert modes("cam-1", "cam-3", "cam-5") == [AA, AA, AA]
    messages = texts(response)
    assert messages[0] == "Updated 2 cameras."
    assert messages[1].startswith("Tickets: 1 resolved, 1 opened.")
    assert "<strong>cam-3</strong>: Recorded by 2 recorders (rec-a, rec-b)" in messages[1]
    assert "(resolved: HA mode changed to Active-Active)" in messages[1]
    assert (
        "<strong>cam-1</strong>: Active-Active but every stream is on one recorder" in messages[1]
    )

    # The audit says who changed what, from what, to what; untouched cam-5 has no row.
    audit = set(
        HAModeChange.objects.values_list(
            "camera__external_id", "old_mode", "new_mode", "changed_by"
        )
    )
    assert audit == {("cam-1", NONE, AA, site_admin.pk), ("cam-3", NONE, AA, site_admin.pk)}

    # Reconciled right away: cam-3's multiple_recorders warning resolves, and cam-1,
    # Active-Active on one recorder, is now misconfigured.
    assert unresolved_kinds(cameras["cam-3"]) == set()
    resolved = Ticket.objects.get(camera=cameras["cam-3"])
    assert resolved.status == TicketStatus.RESOLVED
    assert resolved.resolution == "HA mode changed to Active-Active"
    assert unresolved_kinds(cameras["cam-1"]) == {TicketKind.HA_MISCONFIGURED}


def test_unchanged_form_saves_nothing(admin_client, site, cameras):
    response = admin_client.post(edit_url(site), form_data(cameras))
    assert response.status_code == 302
    assert texts(response) == ["Nothing to save: no camera was changed."]
    assert not HAModeChange.objects.exists()


def test_set_selected_applies_to_checked_rows_on_save(admin_client, site, cameras):
    """Without JavaScript the checked rows and the bulk select are posted with Save."""
    response = admin_client.post(
        edit_url(site), form_data(cameras, selected=["cam-1", "cam-3"], bulk_mode=AP)
    )
    assert response.status_code == 302
    assert modes("cam-1", "cam-3", "cam-5") == [AP, AP, AA]
    assert texts(response)[0] == "Updated 2 cameras."


def test_apply_to_checked_rows_shows_the_result_without_saving(admin_client, site, cameras):
    response = admin_client.post(
        edit_url(site), form_data(cameras, selected=["cam-1"], bulk_mode=AP, action="apply")
    )
    assert response.status_code == 200
    assert modes("cam-1") == [NONE]
    row = next(row for row in response.context["rows"] if row.camera.external_id == "cam-1")
    assert row.changed
    assert row.mode.value() == AP
    assert row.seen.value() == NONE
    html = response.content.decode()
    assert re.search(rf'name="ha_{cameras["cam-1"].pk}"[^>]*>.*?value="{AP}" selected', html, re.S)

    # Saving that form then changes cam-1, and only cam-1.
    data = form_data(cameras, {"cam-1": AP}, selected=["cam-1"])
    assert admin_client.post(edit_url(site), data).status_code == 302
    assert modes("cam-1", "cam-3", "cam-5") == [AP, NONE, AA]


def test_a_camera_changed_meanwhile_is_reported_not_overwritten(admin_client, site, cameras, staff):
    form = form_data(cameras, {"cam-1": AP, "cam-3": AA})  # drawn while both were None
    set_ha_mode([cameras["cam-3"].pk], AP, staff)  # someone else, meanwhile

    response = admin_client.post(edit_url(site), form)
    assert response.status_code == 409
    # Nothing was written: not even cam-1, which nobody else touched.
    assert modes("cam-1", "cam-3") == [NONE, AP]
    assert HAModeChange.objects.filter(changed_by__isnull=False).count() == 1
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "cam-3 (now Active-Passive)" in html
    stale = [row for row in response.context["rows"] if row.stale]
    assert [row.camera.external_id for row in stale] == ["cam-3"]
    # The user's choice is kept, and the form now knows the current mode...
    assert stale[0].mode.value() == AA
    assert stale[0].seen.value() == AP

    # ...so that saving the re-rendered form applies it.
    form[f"seen_{cameras['cam-3'].pk}"] = AP
    response = admin_client.post(edit_url(site), form)
    assert response.status_code == 302
    assert modes("cam-1", "cam-3") == [AP, AA]


def test_invalid_mode_saves_nothing(admin_client, site, cameras):
    response = admin_client.post(edit_url(site), form_data(cameras, {"cam-1": AA, "cam-3": "x"}))
    assert response.status_code == 400
    assert modes("cam-1", "cam-3") == [NONE, NONE]


def test_a_camera_of_another_site_cannot_be_slipped_in(
    admin_client, site, other_site, cameras, outsider
):
    theirs = make_camera(other_site, "br-1", NONE, [("primary", "nvr", REC)])
    data = form_data(cameras, {"cam-1": AA})
    data[f"seen_{theirs.pk}"], data[f"ha_{theirs.pk}"] = NONE, AA
    response = admin_client.post(edit_url(site), data)
    assert response.status_code == 302
    assert "no longer exist" in texts(response)[0]
    assert modes("cam-1", "br-1") == [NONE, NONE]


def test_a_deleted_camera_is_reported(admin_client, site, cameras):
    data = form_data(cameras, {"cam-1": AA})
    cameras["cam-5"].delete()
    response = admin_client.post(edit_url(site), data)
    assert response.status_code == 302
    assert modes("cam-1") == [NONE]


def test_viewer_cannot_save(client, viewer, site, cameras):
    client.force_login(viewer)
    response = client.post(edit_url(site), form_data(cameras, {"cam-1": AA}))
    assert response.status_code == 403
    assert modes("cam-1") == [NONE]


def test_csrf_is_enforced(site, site_admin, cameras):
    client = Client(enforce_csrf_checks=True)
    client.force_login(site_admin)
    data = form_data(cameras, {"cam-1": AA})

    assert client.post(edit_url(site), data).status_code == 403
    assert modes("cam-1") == [NONE]

    page = client.get(edit_url(site)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(edit_url(site), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert modes("cam-1") == [AA]


def test_save_of_500_cameras_costs_as_many_queries_as_10(admin_client, site):
    def save_all(to_mode: str) -> int:
        cameras = {camera.external_id: camera for camera in Camera.objects.filter(site=site)}
        data = form_data(cameras, dict.fromkeys(cameras, to_mode))
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.post(edit_url(site, "per_page=500"), data)
        assert response.status_code == 302
        assert f"Updated {len(cameras)} cameras." in texts(response)
        return len(queries)

    bulk_cameras(site, 10)
    reconcile_site(site.id)
    small = save_all(AA)
    bulk_cameras(site, 490, start=10)
    Camera.objects.filter(site=site).update(ha_mode=NONE)
    reconcile_site(site.id)
    large = save_all(AA)
    if connection.vendor == "postgresql":
        assert large == small
    else:  # SQLite caps parameters per statement: bulk inserts go in a few batches
        assert large <= small + 6
    assert set(Camera.objects.values_list("ha_mode", flat=True)) == {AA}


def test_a_re_rendered_form_keeps_the_rows_in_their_order(admin_client, site, cameras):
    backwards = dict(reversed(cameras.items()))
    data = form_data(backwards, selected=["cam-1"], bulk_mode=AP, action="apply")
    response = admin_client.post(edit_url(site), data)
    assert [row.camera.external_id for row in response.context["rows"]] == [
        "cam-5",
        "cam-3",
        "cam-1",
    ]


def test_ticket_changes_message_escapes_camera_names(admin_client, site, cameras):
    Camera.objects.filter(pk=cameras["cam-3"].pk).update(name="<script>alert(1)</script>")
    response = admin_client.post(edit_url(site), form_data(cameras, {"cam-3": AA}), follow=True)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


HUGE = "9" * 25


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({}, 302),  # nothing posted: nothing to save
        ({f"seen_{HUGE}": NONE, f"ha_{HUGE}": AA}, 302),  # no such camera
        ({"seen_cam-1": NONE}, 302),  # not an id: ignored
        ({"seen_{cam-1}": NONE}, 400),  # its select is missing
        ({"seen_{cam-1}": "bad", "ha_{cam-1}": AA}, 400),
        ({"seen_{cam-1}": NONE, "ha_{cam-1}": AA, "selected": ["x", HUGE]}, 400),
        ({"seen_{cam-1}": NONE, "ha_{cam-1}": NONE, "bulk_mode": "bogus"}, 400),
    ],
)
def test_malformed_posts_are_refused_without_saving(admin_client, site, cameras, data, status):
    pk = str(cameras["cam-1"].pk)
    data = {name.replace("{cam-1}", pk): value for name, value in data.items()}
    response = admin_client.post(edit_url(site), data)
    assert response.status_code == status
    assert modes("cam-1") == [NONE]
    assert not HAModeChange.objects.exists()
