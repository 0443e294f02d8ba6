"""The collector as a process: the loop recovers from an outage; SIGTERM flushes cleanly."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from collector.cli import EXIT_OK, EXIT_PENDING

from .conftest import TOKEN


def config(tmp_path: Path, url: str, source: str = 'type = "simulate"') -> Path:
    path = tmp_path / "collector.toml"
    path.write_text(
        f'server_url = "{url}"\n'
        'site = "hq"\n'
        'spool_dir = "spool"\n'
        "interval_seconds = 0.3\n"
        "retry_initial_seconds = 0.1\n"
        "retry_max_seconds = 0.2\n"
        f"[source]\n{source}\n"
    )
    return path


def collector(path: Path, *args: str, **options) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "collector", "--config", str(path), *args],
        env={**os.environ, "VIAKOO_HA_TOKEN": TOKEN},
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def spooled(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in (tmp_path / "spool").glob("*.json"))


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_sigterm_finishes_the_current_send_keeps_the_rest_and_exits_0(tmp_path, ingest_stub):
    path = config(tmp_path, ingest_stub.url)
    ingest_stub.mode = "500"
    for _ in range(2):  # two batches wait in the spool
        assert collector(path, "--once").wait(timeout=10) == EXIT_PENDING
    assert spooled(tmp_path) == ["000000000001.json", "000000000002.json"]
    oldest = json.loads((tmp_path / "spool/000000000001.json").read_text())
    ingest_stub.mode, ingest_stub.slow_seconds = "slow", 1.0
    ingest_stub.request_started.clear()

    process = collector(path)
    assert ingest_stub.request_started.wait(timeout=10)  # batch 1 is being sent
    process.send_signal(signal.SIGTERM)
    _, log = process.communicate(timeout=10)

    assert process.returncode == 0, log
    assert "SIGTERM received: finishing the current send" in log
    assert ingest_stub.received == [oldest]  # answered after the signal, then removed
    assert spooled(tmp_path) == ["000000000002.json", "000000000003.json"]
    assert "2 batch(es) left in the spool" in log

    ingest_stub.mode = "up"
    assert collector(path, "--once").wait(timeout=10) == EXIT_OK
    stamps = [payload["observed_at"] for payload in ingest_stub.received]
    assert len(stamps) == 4 and stamps == sorted(stamps)  # each batch once, oldest first
    assert spooled(tmp_path) == []


def test_the_loop_rides_out_an_outage_and_delivers_everything_in_order(tmp_path, ingest_stub):
    path = config(tmp_path, ingest_stub.url)
    ingest_stub.stop()
    process = collector(path)
    try:
        wait_for(lambda: len(spooled(tmp_path)) >= 3)
        ingest_stub.start()
        wait_for(lambda: len(ingest_stub.received) >= 4)
    finally:
        process.send_signal(signal.SIGTERM)
        _, log = process.communicate(timeout=10)

    assert process.returncode == 0, log
    assert "server unreachable" in log and "server reachable again" in log
    received = [payload["observed_at"] for payload in ingest_stub.received]
    assert received == sorted(received) and len(set(received)) == len(received)
    left = [json.loads((tmp_path / "spool" / n).read_text()) for n in spooled(tmp_path)]
    assert not {batch["observed_at"] for batch in left} & set(received)


def test_a_script_can_pipe_observations_through_standard_input(tmp_path, ingest_stub):
    path = config(tmp_path, ingest_stub.url, 'type = "json"\npath = "-"')
    document = {"streams": [{"camera": "cam-9", "recorder": "nvr-1", "recording": False}]}

    process = collector(path, "--once", stdin=subprocess.PIPE)
    _, log = process.communicate(json.dumps(document), timeout=10)

    assert process.returncode == EXIT_OK, log
    [payload] = ingest_stub.received
    assert payload["site"] == "hq"
    assert payload["streams"][0]["camera"] == "cam-9"
    assert payload["streams"][0]["recording"] is False
