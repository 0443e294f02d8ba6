"""The payload of POST /api/v1/observations/, as the collector builds it."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from collector.observations import (
    Observation,
    RecorderStatus,
    StreamStatus,
    format_timestamp,
    parse_timestamp,
)

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def test_a_payload_follows_the_api_contract():
    observation = Observation(
        NOW,
        [RecorderStatus("rec-a", online=False, host="10.1.0.5", vms="milestone")],
        [StreamStatus("cam-001", "rec-a", True, NOW - timedelta(seconds=5), camera_name="Lobby")],
    )

    [payload] = observation.payloads("hq")

    assert payload == {
        "site": "hq",
        "observed_at": "2026-11-25T06:00:00Z",
        "recorders": [{"name": "rec-a", "online": False, "host": "10.1.0.5", "vms": "milestone"}],
        "streams": [
            {
                "camera": "cam-001",
                "camera_name": "Lobby",
                "recorder": "rec-a",
                "profile": "primary",
                "recording_enabled": True,
                "recording": True,
                "observed_at": "2026-11-25T05:59:55Z",
            }
        ],
    }


def test_an_empty_pass_sends_nothing_and_recorders_alone_still_travel():
    assert list(Observation(NOW).payloads("hq")) == []
    [payload] = Observation(NOW, [RecorderStatus("rec-a")]).payloads("hq")
    assert payload["streams"] == [] and payload["recorders"] == [{"name": "rec-a", "online": True}]


def test_batches_are_capped_at_the_server_limit():
    streams = [StreamStatus(f"cam-{n}", "rec-a", True, NOW) for n in range(7)]
    sizes = [len(p["streams"]) for p in Observation(NOW, [], streams).payloads("hq", 3)]
    assert sizes == [3, 3, 1]
    with pytest.raises(ValueError):
        list(Observation(NOW, [], streams).payloads("hq", 5001))


def test_timestamps_are_utc_with_a_z_and_parse_back():
    paris = datetime(2026, 11, 25, 7, 0, tzinfo=timezone(timedelta(hours=1)))
    assert format_timestamp(paris) == "2026-11-25T06:00:00Z"
    assert parse_timestamp("2026-11-25T06:00:00Z") == NOW
    with pytest.raises(ValueError):
        parse_timestamp("2026-11-25T06:00:00")
