"""The ``directory`` source: a stream records while its newest segment file is young."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from collector.config import ConfigError, Table
from collector.sources.directory import DirectorySource

NOW = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def segment(directory: Path, name: str, age_seconds: float) -> Path:
    """A segment file last written ``age_seconds`` before NOW."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(b"\0" * 188)
    moment = NOW.timestamp() - age_seconds
    os.utime(path, (moment, moment))
    return path


def source(tmp_path: Path, streams: list[dict], **options) -> DirectorySource:
    table = Table(
        {
            "max_age_seconds": 30,
            "recorders": [
                {"name": "rec-a", "root": "rec-a"},
                {"name": "rec-b", "root": str(tmp_path / "rec-b"), "host": "10.0.0.2"},
            ],
            "streams": streams,
            **options,
        },
        "source",
    )
    built = DirectorySource.from_config(table, tmp_path)
    table.finish()
    return built


def states(observation) -> dict[str, bool]:
    return {f"{s.camera}:{s.profile}@{s.recorder}": s.recording for s in observation.streams}


def stream(camera: str, recorder: str, directory: str, **extra) -> dict:
    return {"camera": camera, "recorder": recorder, "directory": directory, **extra}


def test_a_stream_records_while_its_newest_file_is_younger_than_max_age(tmp_path):
    segment(tmp_path / "rec-a/cam-1", "000.ts", age_seconds=300)
    segment(tmp_path / "rec-a/cam-1", "001.ts", age_seconds=5)  # newest: young
    segment(tmp_path / "rec-a/cam-2", "000.ts", age_seconds=31)  # newest: too old
    segment(tmp_path / "rec-b/cam-1", "000.ts", age_seconds=29)
    (tmp_path / "rec-b/cam-3").mkdir()  # no file at all
    collector = source(
        tmp_path,
        [
            stream("cam-1", "rec-a", "cam-1"),
            stream("cam-2", "rec-a", "cam-2"),
            stream("cam-1", "rec-b", "cam-1"),
            stream("cam-3", "rec-b", "cam-3"),
            stream("cam-4", "rec-b", "cam-4"),  # directory missing
        ],
    )

    observation = collector.collect(NOW)

    assert states(observation) == {
        "cam-1:primary@rec-a": True,
        "cam-2:primary@rec-a": False,
        "cam-1:primary@rec-b": True,
        "cam-3:primary@rec-b": False,
        "cam-4:primary@rec-b": False,
    }
    assert [(r.name, r.online, r.host) for r in observation.recorders] == [
        ("rec-a", True, ""),
        ("rec-b", True, "10.0.0.2"),
    ]
    assert {s.observed_at for s in observation.streams} == {NOW}


def test_hidden_and_unmatched_files_and_subdirectories_do_not_count(tmp_path):
    directory = tmp_path / "rec-a/cam-1"
    segment(directory, "000.mkv", age_seconds=100)
    segment(directory, ".000.mkv.part", age_seconds=1)
    segment(directory, "index.txt", age_seconds=1)
    segment(directory / "sub.mkv", "x.mkv", age_seconds=1)
    (tmp_path / "rec-b").mkdir()
    collector = source(tmp_path, [stream("cam-1", "rec-a", "cam-1")], pattern="*.mkv")

    assert states(collector.collect(NOW)) == {"cam-1:primary@rec-a": False}

    segment(directory, "001.mkv", age_seconds=1)
    assert states(collector.collect(NOW)) == {"cam-1:primary@rec-a": True}


def test_a_recorder_whose_root_is_missing_is_offline_and_its_streams_not_recording(tmp_path):
    segment(tmp_path / "rec-a/cam-1", "000.ts", age_seconds=1)
    collector = source(
        tmp_path, [stream("cam-1", "rec-a", "cam-1"), stream("cam-1", "rec-b", "cam-1")]
    )

    observation = collector.collect(NOW)

    assert {r.name: r.online for r in observation.recorders} == {"rec-a": True, "rec-b": False}
    assert states(observation) == {"cam-1:primary@rec-a": True, "cam-1:primary@rec-b": False}


def test_a_recorder_whose_root_cannot_be_read_is_offline(tmp_path, caplog):
    # A symlink to itself: every read fails (ELOOP), even for root, unlike chmod 000.
    segment(tmp_path / "rec-a/cam-1", "000.ts", age_seconds=1)
    (tmp_path / "rec-b").symlink_to(tmp_path / "rec-b")
    collector = source(tmp_path, [stream("cam-1", "rec-b", "cam-1")])

    observation = collector.collect(NOW)

    assert {r.name: r.online for r in observation.recorders} == {"rec-a": True, "rec-b": False}
    assert states(observation) == {"cam-1:primary@rec-b": False}
    assert "recorder rec-b offline" in caplog.text


def test_a_root_that_is_a_file_or_denies_access_is_offline(tmp_path, monkeypatch):
    (tmp_path / "rec-a").write_text("not a directory")
    (tmp_path / "rec-b").mkdir()
    collector = source(tmp_path, [stream("cam-1", "rec-a", "cam-1")])
    real_scandir = os.scandir

    def scandir(path):
        # The operating system's answer for a share we may not read (the true edge).
        if Path(path) == tmp_path / "rec-b":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)

    observation = collector.collect(NOW)

    assert {r.name: r.online for r in observation.recorders} == {"rec-a": False, "rec-b": False}


def test_view_only_profiles_and_names_are_reported_as_configured(tmp_path):
    segment(tmp_path / "rec-a/lobby/sub", "000.ts", age_seconds=1)
    (tmp_path / "rec-b").mkdir()
    collector = source(
        tmp_path,
        [
            stream(
                "cam-1",
                "rec-a",
                "lobby/sub",
                profile="secondary",
                camera_name="Lobby",
                recording_enabled=False,
            )
        ],
    )

    [item] = collector.collect(NOW).streams

    assert (item.profile, item.camera_name, item.recording_enabled, item.recording) == (
        "secondary",
        "Lobby",
        False,
        True,
    )


@pytest.mark.parametrize(
    ("streams", "options", "message"),
    [
        ([stream("cam-1", "rec-z", "x")], {}, "source.streams[0].recorder: no recorder named"),
        ([stream("cam-1", "rec-a", "x")] * 2, {}, "listed twice"),
        ([{"camera": "cam-1", "recorder": "rec-a"}], {}, "source.streams[0].directory is required"),
        ([stream("cam-1", "rec-a", "x", profile=3)], {}, "profile must be a non-empty string"),
        ([stream("cam-1", "rec-a", "x", recording_enabled="no")], {}, "must be true or false"),
        ([stream("cam-1", "rec-a", "x", dir="y")], {}, "unknown setting(s): source.streams[0].dir"),
        ([stream("cam-1", "rec-a", "x")], {"max_age_seconds": "60"}, "must be a number"),
        ([], {}, "source.streams must be a non-empty array of tables"),
    ],
)
def test_bad_directory_options_are_config_errors(tmp_path, streams, options, message):
    with pytest.raises(ConfigError) as error:
        source(tmp_path, streams, **options)
    assert message in str(error.value)
