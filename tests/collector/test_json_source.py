"""The ``json`` source: observations from a custom script, checked field by field."""

import io
import json
from datetime import UTC, datetime

import pytest

from collector.sources import SourceError
from collector.sources.jsonfile import JsonSource, parse_observation

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)

DOCUMENT = {
    "observed_at": "2026-11-25T05:59:00Z",
    "recorders": [{"name": "rec-a", "online": False, "host": "10.1.0.5", "vms": "milestone"}],
    "streams": [
        {"camera": "cam-001", "camera_name": "Lobby", "recorder": "rec-a", "recording": True},
        {
            "camera": "cam-001",
            "recorder": "rec-b",
            "profile": "secondary",
            "recording_enabled": False,
            "recording": False,
            "observed_at": "2026-11-25T05:58:30+00:00",
        },
    ],
}


def test_a_document_in_the_api_shape_becomes_an_observation():
    observation = parse_observation(DOCUMENT, NOW)

    assert observation.observed_at == datetime(2026, 11, 25, 5, 59, tzinfo=UTC)
    assert [r.to_json() for r in observation.recorders] == DOCUMENT["recorders"]
    first, second = observation.streams
    assert (first.camera_name, first.profile, first.recording_enabled) == ("Lobby", "primary", True)
    assert first.observed_at == observation.observed_at  # inherited
    assert second.observed_at == datetime(2026, 11, 25, 5, 58, 30, tzinfo=UTC)
    assert second.to_json()["observed_at"] == "2026-11-25T05:58:30Z"


def test_without_timestamps_the_time_of_the_pass_is_used():
    observation = parse_observation({"streams": [DOCUMENT["streams"][0]]}, NOW)
    assert observation.observed_at == NOW
    assert observation.streams[0].observed_at == NOW


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "expected a JSON object"),
        ({"streams": {}}, "streams must be a list"),
        ({"streams": [{"camera": "c", "recorder": "r"}]}, "streams[0]: missing recording"),
        ({"streams": [{"camera": "c", "recorder": "r", "recording": "yes"}]}, "true or false"),
        ({"streams": [{"camera": "", "recorder": "r", "recording": True}]}, "non-empty string"),
        (
            {"streams": [{"camera": "c", "recorder": "r", "recording": True, "state": "x"}]},
            "unknown field(s) state",
        ),
        ({"observed_at": "yesterday"}, "observed_at must be an ISO 8601 timestamp"),
        ({"observed_at": "2026-11-25T06:00:00"}, "with a time zone"),
        ({"recorders": [{"online": True}]}, "recorders[0]: missing name"),
        ({"cameras": []}, "unknown field(s) cameras"),
    ],
)
def test_a_bad_document_is_refused_naming_the_field(document, message):
    with pytest.raises(SourceError) as error:
        parse_observation(document, NOW)
    assert message in str(error.value)


def test_a_document_for_another_site_is_refused():
    assert parse_observation({"site": "hq"}, NOW, site="hq").streams == []
    with pytest.raises(SourceError, match="site 'branch' is not this collector's 'hq'"):
        parse_observation({"site": "branch"}, NOW, site="hq")


def test_a_file_is_read_again_on_every_pass(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(DOCUMENT))
    source = JsonSource(path)
    assert len(source.collect(NOW).streams) == 2

    path.write_text(json.dumps({"streams": DOCUMENT["streams"][:1]}))
    assert len(source.collect(NOW).streams) == 1

    path.write_text("{not json")
    with pytest.raises(SourceError, match="not valid JSON"):
        source.collect(NOW)
    path.unlink()
    with pytest.raises(SourceError, match="cannot read"):
        source.collect(NOW)


def test_standard_input_is_read_once():
    source = JsonSource(None, stdin=io.StringIO(json.dumps(DOCUMENT)))
    assert len(source.collect(NOW).streams) == 2
    assert source.collect(NOW).streams == []
