"""Delivery against a real local HTTP server: nothing lost, nothing twice, order kept."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from collector.cli import EXIT_OK, EXIT_PENDING, EXIT_REFUSED, Collector
from collector.config import parse_config
from collector.delivery import Answer, Deliverer, HttpSender
from collector.observations import Observation, RecorderStatus, StreamStatus
from collector.spool import Spool, SpoolLocked

from .conftest import TOKEN

START = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


class CountingSource:
    """Each pass reports ``streams`` distinct streams, all stamped with the pass's time."""

    def __init__(self, streams: int = 3):
        self.streams = streams
        self.passes = 0

    def collect(self, now):
        self.passes += 1
        return Observation(
            observed_at=now,
            recorders=[RecorderStatus("rec-a")],
            streams=[
                StreamStatus(f"cam-{index}", "rec-a", True, observed_at=now)
                for index in range(self.streams)
            ],
        )


class Clock:
    """Wall-clock time of the passes: a minute apart."""

    def __init__(self):
        self.now = START

    def __call__(self):
        self.now += timedelta(minutes=1)
        return self.now


def make_collector(tmp_path, url, *, streams=3, spool_max_mb=256, **settings):
    config = parse_config(
        {
            "server_url": url,
            "site": "hq",
            "spool_dir": "spool",
            "spool_max_mb": spool_max_mb,
            "source": {"type": "simulate"},
            **settings,
        },
        base_dir=tmp_path,
        environ={"VIAKOO_HA_TOKEN": TOKEN},
    )
    spool = Spool(config.spool_dir, config.spool_max_bytes)
    sender = HttpSender(config.endpoint, config.token, timeout=5)
    deliverer = Deliverer(spool, sender.send, retry_initial_seconds=0.01, retry_max_seconds=0.02)
    collector = Collector(config, CountingSource(streams), deliverer, clock=Clock())
    return collector, spool


def test_an_outage_spools_batches_and_the_server_gets_each_exactly_once_in_order(
    tmp_path, ingest_stub
):
    collector, spool = make_collector(tmp_path, ingest_stub.url)
    assert collector.run_once() == EXIT_OK
    ingest_stub.stop()

    for _ in range(3):
        assert collector.run_once() == EXIT_PENDING
    assert len(spool) == 3
    assert len(ingest_stub.received) == 1

    ingest_stub.start()
    assert collector.run_once() == EXIT_OK

    assert len(spool) == 0
    stamps = [payload["observed_at"] for payload in ingest_stub.received]
    assert stamps == [f"2026-11-25T06:0{minute}:00Z" for minute in range(1, 6)]
    assert [(stream["camera"], stream["observed_at"]) for stream in ingest_stub.streams] == [
        (f"cam-{index}", stamp) for stamp in stamps for index in range(3)
    ]


def test_5xx_answers_are_retried_later_not_dropped(tmp_path, ingest_stub, caplog):
    collector, spool = make_collector(tmp_path, ingest_stub.url)
    ingest_stub.mode = "500"

    assert collector.run_once() == EXIT_PENDING
    assert collector.run_once() == EXIT_PENDING
    assert "server answered 500" in caplog.text
    assert ingest_stub.received == []

    ingest_stub.mode = "up"
    assert collector.run_once() == EXIT_OK
    assert len(ingest_stub.received) == 3
    assert len(spool) == 0


def test_a_4xx_is_logged_and_dead_lettered_and_does_not_block_later_batches(
    tmp_path, ingest_stub, caplog
):
    collector, spool = make_collector(tmp_path, ingest_stub.url)
    ingest_stub.mode = "400"

    assert collector.run_once() == EXIT_REFUSED

    assert "server refused batch 000000000001.json with 400" in caplog.text
    assert "Too long." in caplog.text
    [dead] = (tmp_path / "spool/dead-letter").iterdir()
    record = json.loads(dead.read_text())
    assert record["status"] == 400
    assert json.loads(record["response"]) == {"streams": {"0": {"camera": ["Too long."]}}}
    assert record["payload"]["site"] == "hq"
    assert len(spool) == 0

    ingest_stub.mode = "up"
    attempts = ingest_stub.attempts
    collector.deliverer.dead_lettered = 0
    assert collector.run_once() == EXIT_OK
    assert ingest_stub.attempts == attempts + 1  # the refused batch is never sent again


def test_a_wrong_token_is_a_4xx_too(tmp_path, ingest_stub, caplog):
    collector, _ = make_collector(tmp_path, ingest_stub.url)
    collector.deliverer.send = HttpSender(collector.config.endpoint, "wrong", 5).send

    assert collector.run_once() == EXIT_REFUSED
    assert "with 401: " in caplog.text and "Invalid token." in caplog.text


def test_big_observations_travel_in_batches_of_at_most_5000_streams(tmp_path, ingest_stub):
    collector, _ = make_collector(tmp_path, ingest_stub.url, streams=12_001)

    assert collector.run_once() == EXIT_OK

    assert [len(payload["streams"]) for payload in ingest_stub.received] == [5000, 5000, 2001]
    assert len({stream["camera"] for stream in ingest_stub.streams}) == 12_001
    assert all(
        payload["recorders"] == [{"name": "rec-a", "online": True}]
        for payload in ingest_stub.received
    )


def test_a_full_spool_drops_the_oldest_batches_loudly(tmp_path, ingest_stub, caplog):
    # Each batch of 200 streams is ~30 KB; the bound holds three of them.
    collector, spool = make_collector(tmp_path, ingest_stub.url, streams=200, spool_max_mb=0.1)
    ingest_stub.stop()

    for _ in range(6):
        collector.run_once()

    assert [batch.sequence for batch in spool.batches()] == [4, 5, 6]
    assert spool.dropped == 3
    assert sum(batch.size for batch in spool.batches()) <= spool.max_bytes
    assert caplog.text.count("SPOOL FULL") == 3
    assert all(r.levelno == logging.ERROR for r in caplog.records if "SPOOL FULL" in r.message)

    ingest_stub.start()
    assert collector.run_once() == EXIT_OK  # its new batch pushes out one more old one
    stamps = [payload["observed_at"] for payload in ingest_stub.received]
    assert stamps == [f"2026-11-25T06:0{minute}:00Z" for minute in (5, 6, 7)]


def test_a_batch_bigger_than_the_bound_is_still_kept(tmp_path):
    spool = Spool(tmp_path, max_bytes=10)
    spool.append({"streams": ["x" * 100]})
    batch = spool.append({"streams": ["y" * 100]})
    assert spool.batches() == [batch]


def test_the_spool_survives_a_restart_and_a_crash_mid_write(tmp_path):
    spool = Spool(tmp_path, max_bytes=10**6)
    spool.append({"n": 1})
    spool.append({"n": 2})
    spool.close()
    (tmp_path / ".tmp-999-000000000003.json").write_text('{"n": 3, "trunc')  # crash mid-write

    again = Spool(tmp_path, max_bytes=10**6)
    again.append({"n": 4})

    assert [json.loads(batch.read())["n"] for batch in again.batches()] == [1, 2, 4]
    assert not list(tmp_path.glob(".tmp-*"))


def test_one_spool_directory_serves_one_collector(tmp_path):
    first = Spool(tmp_path, max_bytes=10**6)
    with pytest.raises(SpoolLocked, match="in use by another collector"):
        Spool(tmp_path, max_bytes=10**6)
    first.close()
    Spool(tmp_path, max_bytes=10**6).close()


def test_backoff_doubles_up_to_the_cap_with_jitter(tmp_path):
    now = [100.0]
    answers = []

    def send(body):
        answers.append(body)
        return Answer(None, "connection refused")

    deliverer = Deliverer(
        Spool(tmp_path, 10**6),
        send,
        retry_initial_seconds=2,
        retry_max_seconds=30,
        clock=lambda: now[0],
        jitter=lambda: 1.0,
    )
    deliverer.spool.append({"n": 1})
    delays = []
    for _ in range(6):
        deliverer.drain()
        delays.append(deliverer.next_attempt_at - now[0])
        deliverer.drain()  # too early: nothing is sent
        now[0] = deliverer.next_attempt_at
    assert delays == [2, 4, 8, 16, 30, 30]
    assert len(answers) == 6

    deliverer.jitter = lambda: 0.0
    deliverer.drain()
    assert deliverer.next_attempt_at - now[0] == 15  # half of the capped delay


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (None, True),
        (500, True),
        (503, True),
        (429, True),
        (408, True),
        (302, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (413, False),
    ],
)
def test_which_answers_are_retried(status, retryable):
    assert Answer(status, "").retryable is retryable
    assert Answer(status, "").delivered is False


def test_a_failing_source_skips_one_pass_without_stopping_the_collector(
    tmp_path, ingest_stub, caplog
):
    collector, spool = make_collector(tmp_path, ingest_stub.url)

    class BrokenSource:
        def collect(self, now):
            raise RuntimeError("a bug in a source")

    collector.source = BrokenSource()
    assert collector.run_once() == EXIT_OK
    assert "collection failed unexpectedly" in caplog.text
    assert len(spool) == 0 and ingest_stub.received == []
