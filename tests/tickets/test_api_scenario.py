"""End to end through the API only: report, set HA modes, sweep, read and follow tickets."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cameras.sweep import sweep_site


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def as_admin(api, site_admin):
    return api(site_admin)


def unresolved(client, **filters):
    response = client.get("/api/v1/tickets/", {"status": "unresolved", **filters})
    assert response.status_code == 200
    return sorted(
        (row["camera"], row["kind"], row["stream"] and row["stream"]["recorder"])
        for row in response.json()["results"]
    )


def test_the_worked_example_through_the_api(as_admin, site, django_capture_on_commit_callbacks):
    now = timezone.now()
    fresh, stale = iso(now), iso(now - timedelta(minutes=20))

    def item(camera, recorder, recording, at=fresh):
        return {"camera": camera, "recorder": recorder, "recording": recording, "observed_at": at}

    report = {
        "site": "hq",
        "recorders": [{"name": "rec-a", "online": True}, {"name": "rec-b", "online": True}],
        "streams": [
            item("cam-1", "rec-a", True),
            item("cam-3", "rec-a", True),
            item("cam-3", "rec-b", True),
            item("cam-5", "rec-a", True),
            item("cam-5", "rec-b", False),
            item("cam-6", "rec-a", True),
            item("cam-7", "rec-a", False),
            item("cam-7", "rec-b", True),
            item("cam-9", "rec-a", True, at=stale),
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post("/api/v1/observations/", report, format="json")
    assert response.status_code == 200
    assert response.json()["cameras"] == {"created": 6}

    for mode, cameras in [
        ("active_active", ["cam-5", "cam-6"]),
        ("active_passive", ["cam-7"]),
    ]:
        response = as_admin.post(
            "/api/v1/cameras/bulk-update/",
            {"site": "hq", "external_ids": cameras, "ha_mode": mode},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["updated"] == len(cameras)

    sweep_site(site.id)
    assert unresolved(as_admin) == [
        ("cam-3", "multiple_recorders", None),
        ("cam-5", "stream_not_recording", "rec-b"),
        ("cam-6", "ha_misconfigured", None),
        ("cam-9", "stream_not_recording", "rec-a"),
    ]

    # Switch cam-3 to Active-Active: its warning resolves at once, nothing else opens.
    cam_3 = as_admin.get("/api/v1/cameras/", {"search": "cam-3"}).json()["results"][0]
    assert cam_3["open_tickets"] == 1
    response = as_admin.patch(f"/api/v1/cameras/{cam_3['id']}/", {"ha_mode": "active_active"})
    assert response.status_code == 200
    assert response.json()["open_tickets"] == 0
    # Switch cam-5 to Active-Passive: its stream ticket resolves.
    response = as_admin.post(
        "/api/v1/cameras/bulk-update/",
        {"site": "hq", "external_ids": ["cam-5"], "ha_mode": "active_passive"},
        format="json",
    )
    assert response.json()["tickets"] == {"opened": 0, "reopened": 0, "resolved": 1}
    assert unresolved(as_admin) == [
        ("cam-6", "ha_misconfigured", None),
        ("cam-9", "stream_not_recording", "rec-a"),
    ]

    resolved = as_admin.get("/api/v1/tickets/", {"status": "resolved", "camera": "cam-5"})
    ticket = resolved.json()["results"][0]
    detail = as_admin.get(f"/api/v1/tickets/{ticket['id']}/").json()
    assert [event["action"] for event in detail["events"]] == ["opened", "resolved"]
    assert "Active-Passive" in detail["resolution"]

    # Acknowledge cam-9's ticket; a second acknowledge changes nothing.
    cam_9 = as_admin.get("/api/v1/tickets/", {"camera": "cam-9"}).json()["results"][0]
    for _ in range(2):
        response = as_admin.post(
            f"/api/v1/tickets/{cam_9['id']}/acknowledge/", {"note": "checking"}, format="json"
        )
        assert response.status_code == 200
    events = response.json()["events"]
    assert [(e["action"], e["actor"], e["note"]) for e in events] == [
        ("opened", None, ""),
        ("acknowledged", "ann", "checking"),
    ]
    assert unresolved(as_admin, camera="cam-9") == [("cam-9", "stream_not_recording", "rec-a")]

    # The camera recovers: a fresh report resolves its ticket after commit.
    with django_capture_on_commit_callbacks(execute=True):
        as_admin.post(
            "/api/v1/observations/",
            {"site": "hq", "streams": [item("cam-9", "rec-a", True, at=iso(timezone.now()))]},
            format="json",
        )
    assert unresolved(as_admin) == [("cam-6", "ha_misconfigured", None)]
    response = as_admin.post(f"/api/v1/tickets/{cam_9['id']}/acknowledge/", {}, format="json")
    assert response.status_code == 409
