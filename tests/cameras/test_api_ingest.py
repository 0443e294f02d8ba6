"""POST /api/v1/observations/: atomic, set-based, order-safe ingest of collector reports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cameras.choices import HAMode, StreamState
from cameras.models import Camera, Recorder, Stream
from tests.factories import make_camera
from tickets.choices import TicketKind
from tickets.models import Ticket

URL = "/api/v1/observations/"


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def stream(camera="cam-1", recorder="rec-a", recording=True, **extra):
    return {"camera": camera, "recorder": recorder, "recording": recording, **extra}


@pytest.fixture
def post(api, collector):
    client = api(collector)

    def post(payload, **kwargs):
        return client.post(URL, payload, format="json", **kwargs)

    return post


def test_it_discovers_recorders_cameras_and_streams(post, site):
    response = post(
        {
            "site": "hq",
            "recorders": [
                {"name": "rec-a", "online": True, "host": "10.1.0.5", "vms": "milestone"}
            ],
            "streams": [
                stream("cam-1", camera_name="Lobby"),
                stream("cam-1", profile="secondary"),
                stream("cam-2", recorder="rec-b", recording=False),
            ],
        }
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "site": "hq",
        "streams": {"accepted": 3, "created": 3, "ignored_stale": 0},
        "cameras": {"created": 2},
        "recorders": {"created": 2},
    }
    lobby = Camera.objects.get(site=site, external_id="cam-1")
    assert lobby.name == "Lobby"
    assert lobby.ha_mode == HAMode.NONE
    assert Recorder.objects.get(name="rec-a").host == "10.1.0.5"
    states = dict(
        Stream.objects.values_list("camera__external_id", "state").filter(profile="primary")
    )
    assert states == {"cam-1": StreamState.RECORDING, "cam-2": StreamState.NOT_RECORDING}


def test_reposting_the_same_report_changes_nothing(post, site):
    payload = {"site": "hq", "observed_at": iso(timezone.now()), "streams": [stream()]}
    assert post(payload).json()["streams"]["created"] == 1
    before = list(Stream.objects.values())
    response = post(payload)
    assert response.json() == {
        "site": "hq",
        "streams": {"accepted": 1, "created": 0, "ignored_stale": 0},
        "cameras": {"created": 0},
        "recorders": {"created": 0},
    }
    assert list(Stream.objects.values()) == before


def test_an_invalid_item_rejects_the_whole_request(post, site):
    streams = [stream(f"cam-{i}") for i in range(5)]
    del streams[3]["recording"]
    response = post({"site": "hq", "streams": streams})
    assert response.status_code == 400
    assert response.json() == {"streams": {"3": {"recording": ["This field is required."]}}}
    assert not Camera.objects.exists()
    assert not Recorder.objects.exists()


def test_errors_name_every_bad_field_with_its_path(post, site):
    response = post(
        {
            "observed_at": "yesterday",
            "recorders": [{"name": "rec-a"}, {"online": "yes"}],
            "streams": [stream(), "not an object", stream(recording="true", camera=7)],
        }
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["site"] == ["This field is required."]
    assert "wrong format" in errors["observed_at"][0]
    assert set(errors["recorders"]) == {"1"}
    assert set(errors["recorders"]["1"]) == {"name", "online"}
    assert set(errors["streams"]) == {"1", "2"}
    assert set(errors["streams"]["2"]) == {"recording", "camera"}


def test_an_older_report_is_ignored_and_counted(post, site):
    now = timezone.now()
    post({"site": "hq", "observed_at": iso(now), "streams": [stream(recording=True)]})
    late = post(
        {
            "site": "hq",
            "observed_at": iso(now - timedelta(seconds=30)),
            "streams": [stream(recording=False)],
        }
    )
    assert late.json()["streams"] == {"accepted": 0, "created": 0, "ignored_stale": 1}
    applied = Stream.objects.get()
    assert applied.state == StreamState.RECORDING
    assert applied.last_report_at == now


def test_the_newest_of_duplicate_items_wins(post, site):
    now = timezone.now()
    response = post(
        {
            "site": "hq",
            "streams": [
                stream(recording=False, observed_at=iso(now)),
                stream(recording=True, observed_at=iso(now - timedelta(seconds=5))),
            ],
        }
    )
    assert response.json()["streams"] == {"accepted": 1, "created": 1, "ignored_stale": 1}
    assert Stream.objects.get().state == StreamState.NOT_RECORDING


def test_a_timestamp_in_the_future_is_refused(post, site):
    soon = timezone.now() + timedelta(minutes=4)
    assert post({"site": "hq", "observed_at": iso(soon), "streams": [stream()]}).status_code == 200
    later = timezone.now() + timedelta(minutes=6)
    response = post({"site": "hq", "streams": [stream(observed_at=iso(later))]})
    assert response.status_code == 400
    assert response.json() == {
        "streams": {"0": {"observed_at": ["Timestamp is more than 5 minutes in the future."]}}
    }


def test_at_most_5000_items(post, site):
    response = post({"site": "hq", "streams": [stream(f"cam-{i}") for i in range(5001)]})
    assert response.status_code == 400
    assert response.json() == {"streams": ["Ensure this field has no more than 5000 elements."]}
    assert not Camera.objects.exists()


def test_an_old_report_counts_as_not_recording(post, site):
    old = timezone.now() - timedelta(seconds=site.stale_after_seconds + 60)
    post({"site": "hq", "observed_at": iso(old), "streams": [stream(recording=True)]})
    reported = Stream.objects.get()
    assert reported.last_recording is True
    assert reported.state == StreamState.NOT_RECORDING


def test_state_since_moves_only_when_the_state_changes(post, site):
    start = timezone.now() - timedelta(seconds=60)
    post({"site": "hq", "observed_at": iso(start), "streams": [stream(recording=True)]})
    post({"site": "hq", "observed_at": iso(start + timedelta(seconds=30)), "streams": [stream()]})
    reported = Stream.objects.get()
    assert reported.state_since == start
    assert reported.last_report_at == start + timedelta(seconds=30)
    stop = start + timedelta(seconds=45)
    post({"site": "hq", "observed_at": iso(stop), "streams": [stream(recording=False)]})
    reported.refresh_from_db()
    assert (reported.state, reported.state_since) == (StreamState.NOT_RECORDING, stop)


def test_an_offline_recorder_stops_all_its_streams(post, site, django_capture_on_commit_callbacks):
    make_camera(site, "cam-1", HAMode.NONE, [("primary", "rec-a", StreamState.RECORDING)])
    make_camera(site, "cam-2", HAMode.NONE, [("primary", "rec-a", StreamState.RECORDING)])
    make_camera(site, "cam-3", HAMode.NONE, [("primary", "rec-b", StreamState.RECORDING)])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            {
                "site": "hq",
                "recorders": [{"name": "rec-a", "online": False}],
                "streams": [stream("cam-1", "rec-a", recording=True)],
            }
        )
    assert response.status_code == 200
    states = dict(Stream.objects.values_list("camera__external_id", "state"))
    assert states == {
        "cam-1": StreamState.NOT_RECORDING,
        "cam-2": StreamState.NOT_RECORDING,
        "cam-3": StreamState.RECORDING,
    }
    assert not Recorder.objects.get(name="rec-a").online
    opened = Ticket.objects.filter(kind=TicketKind.STREAM_NOT_RECORDING)
    assert sorted(opened.values_list("camera__external_id", flat=True)) == ["cam-1", "cam-2"]


def test_named_recorders_are_seen(post, site):
    at = timezone.now() - timedelta(seconds=10)
    post({"site": "hq", "observed_at": iso(at), "streams": [stream(recorder="rec-b")]})
    assert Recorder.objects.get(name="rec-b").last_seen_at == at


def test_changes_are_reconciled_after_commit(post, site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post({"site": "hq", "streams": [stream(recording=False)]})
    assert not Ticket.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    ticket = Ticket.objects.get()
    assert (ticket.kind, ticket.stream.profile) == (TicketKind.STREAM_NOT_RECORDING, "primary")


def test_a_broker_failure_does_not_fail_the_report(
    post, site, django_capture_on_commit_callbacks, monkeypatch
):
    from tickets.tasks import reconcile_cameras

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(reconcile_cameras, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = post({"site": "hq", "streams": [stream(recording=False)]})
    assert response.status_code == 200
    assert Stream.objects.get().state == StreamState.NOT_RECORDING


def test_unchanged_streams_schedule_no_reconcile(post, site, django_capture_on_commit_callbacks):
    post({"site": "hq", "streams": [stream()]})
    with django_capture_on_commit_callbacks() as callbacks:
        post({"site": "hq", "streams": [stream()]})
    assert callbacks == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"site": "hq", "streams": [', "application/json"),
        (b'{"site": "\xff\xfe"}', "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (
            b'{"site": "hq", "streams": [{"camera": 1e999999, "recorder": 123456789012345678901}]}',
            "application/json",
        ),
        (b'{"site": "h\\u0000q"}', "application/json"),
        (
            b'{"site": "hq", "streams": [{"camera": "\\ud800", "recorder": "r", "recording": 1}]}',
            "application/json",
        ),
        (b'{"site": "hq", "observed_at": "0001-01-01T00:00:00+01:00"}', "application/json"),
        (b"site=hq", "application/x-www-form-urlencoded"),
        (b"site: hq", "text/plain"),
        (b"NaN", "application/json"),
        (b"", "application/json"),
    ],
)
def test_hostile_bodies_get_a_json_4xx(api, collector, site, body, content_type):
    response = api(collector).generic("POST", URL, body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert not Camera.objects.exists()


def test_null_bytes_in_names_are_refused(post, site):
    response = post({"site": "hq", "streams": [stream(camera="cam\x00-1")]})
    assert response.status_code == 400
    assert response.json()["streams"]["0"]["camera"] == [
        "Null characters and unpaired surrogates are not allowed."
    ]
