"""End to end with real recorders: ffmpeg writes segments, the collector reports, tickets follow.

Four ffmpeg processes stand in for two NVRs recording two cameras: ``cam-aa``
(Active-Active) and ``cam-ap`` (Active-Passive), each on ``rec-a`` and ``rec-b``. The
collector's ``directory`` source posts to the real ingest endpoint on a live server;
the sweep then applies the HA rules. Needs /usr/bin/ffmpeg and the ingest API.
"""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from cameras.choices import HAMode
from cameras.high_availability import set_ha_mode
from cameras.models import Camera
from cameras.sweep import sweep_site
from collector.cli import EXIT_OK, Collector
from collector.config import parse_config
from collector.delivery import Deliverer, HttpSender
from collector.sources import build_source
from collector.spool import Spool
from sites.choices import Role
from sites.models import SiteMembership
from tests.factories import make_site
from tickets.choices import TicketKind, TicketStatus
from tickets.models import Ticket

MAX_AGE_SECONDS = 1.5  # segments are 1 s long: a stream is stopped 1.5 s after its last write
STALE_AFTER_SECONDS = 3
FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


class FfmpegRecorder:
    """One recorder recording one camera: ffmpeg writing 1-second segments into a directory."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.process: subprocess.Popen | None = None
        directory.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        started = time.time()
        self.process = subprocess.Popen(
            [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-re",
             "-f", "lavfi", "-i", "testsrc=size=160x120:rate=5", "-g", "5",
             "-f", "segment", "-segment_time", "1", "-segment_wrap", "5",
             "-reset_timestamps", "1", str(self.directory / "seg-%03d.ts")],
        )  # fmt: skip
        wait_for(lambda: self.newest_write() > started, what=f"ffmpeg writing {self.directory}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def newest_write(self) -> float:
        return max((path.stat().st_mtime for path in self.directory.glob("*.ts")), default=0)


def wait_for(condition, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def recorders(tmp_path):
    processes = {
        (camera, recorder): FfmpegRecorder(tmp_path / recorder / camera)
        for camera in ("cam-aa", "cam-ap")
        for recorder in ("rec-a", "rec-b")
    }
    yield processes
    for process in processes.values():
        if process.process and process.process.poll() is None:
            process.process.kill()
            process.process.wait()


def unresolved(site) -> set[tuple[str, str, str | None]]:
    return {
        (ticket.camera.external_id, ticket.kind, ticket.stream and ticket.stream.label)
        for ticket in Ticket.objects.unresolved()
        .filter(site=site)
        .select_related("camera", "stream__recorder")
    }


def test_tickets_follow_real_recorders_starting_and_stopping(live_server, tmp_path, recorders):
    site = make_site("plant", stale_after_seconds=STALE_AFTER_SECONDS)
    user = get_user_model().objects.create_user("collector-plant")
    SiteMembership.objects.create(user=user, site=site, role=Role.COLLECTOR)
    token = Token.objects.create(user=user)
    config = parse_config(
        {
            "server_url": live_server.url,
            "site": "plant",
            "spool_dir": "spool",
            "timeout_seconds": 10,
            "source": {
                "type": "directory",
                "max_age_seconds": MAX_AGE_SECONDS,
                "pattern": "*.ts",
                "recorders": [
                    {"name": "rec-a", "root": str(tmp_path / "rec-a")},
                    {"name": "rec-b", "root": str(tmp_path / "rec-b")},
                ],
                "streams": [
                    {"camera": camera, "recorder": recorder, "directory": camera}
                    for camera, recorder in recorders
                ],
            },
        },
        base_dir=tmp_path,
        environ={"VIAKOO_HA_TOKEN": token.key},
    )
    source = build_source(config)
    spool = Spool(config.spool_dir, config.spool_max_bytes)
    sender = HttpSender(config.endpoint, config.token, config.timeout_seconds)
    collector = Collector(config, source, Deliverer(spool, sender.send))

    def report_and_sweep() -> set:
        assert collector.run_once() == EXIT_OK, "the server did not accept the observations"
        sweep_site(site.id)
        return unresolved(site)

    def stop(*keys) -> None:
        for key in keys:
            recorders[key].stop()
        time.sleep(MAX_AGE_SECONDS + 0.5)  # the stale window of the directory source

    for recorder in recorders.values():
        recorder.start()
    report_and_sweep()  # discovers both cameras, with HA None
    cameras = dict(Camera.objects.filter(site=site).values_list("external_id", "id"))
    assert set(cameras) == {"cam-aa", "cam-ap"}
    set_ha_mode([cameras["cam-aa"]], HAMode.ACTIVE_ACTIVE, actor=None)
    set_ha_mode([cameras["cam-ap"]], HAMode.ACTIVE_PASSIVE, actor=None)
    assert report_and_sweep() == set()

    # One recorder of each camera stops: Active-Active misses a stream, Active-Passive
    # is fine on its standby.
    stop(("cam-aa", "rec-b"), ("cam-ap", "rec-a"))
    assert report_and_sweep() == {("cam-aa", TicketKind.STREAM_NOT_RECORDING, "primary@rec-b")}

    # The standby of the Active-Passive camera stops too: one camera-level ticket.
    stop(("cam-ap", "rec-b"))
    assert report_and_sweep() == {
        ("cam-aa", TicketKind.STREAM_NOT_RECORDING, "primary@rec-b"),
        ("cam-ap", TicketKind.STREAM_NOT_RECORDING, None),
    }
    opened = set(Ticket.objects.unresolved().filter(site=site).values_list("id", flat=True))

    # Everything records again: both tickets resolve by themselves.
    for key in (("cam-aa", "rec-b"), ("cam-ap", "rec-a"), ("cam-ap", "rec-b")):
        recorders[key].start()
    assert report_and_sweep() == set()
    assert (
        set(
            Ticket.objects.filter(id__in=opened, status=TicketStatus.RESOLVED).values_list(
                "id", flat=True
            )
        )
        == opened
    )
    spool.close()
