"""A real Celery worker with beat, against Redis and PostgreSQL, sweeps on its own."""

import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings
from django.db import connection

from cameras.choices import StreamState
from cameras.models import Stream
from tests.factories import make_camera
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """`celery worker -B`, sweeping every second, on this test's database."""
    assert connection.vendor == "postgresql", "the worker test needs PostgreSQL"
    broker = redis.Redis.from_url(settings.TEST_REDIS_URL)
    broker.flushdb()  # raises when Redis is down: this test must fail, never skip
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "viakoo_ha.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.TEST_REDIS_URL,
        "SWEEP_INTERVAL_SECONDS": "1",
        "VAR_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "celery", "-A", "viakoo_ha", "worker", "-B", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=INFO"]
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - read back on failure
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.seek(0)
    print(log.read())  # shown by pytest only when the test failed
    log.close()
    broker.flushdb()


def test_beat_and_worker_sweep_a_stale_stream_into_a_ticket(site, worker):
    camera = make_camera(site, "cam-1", streams=[("primary", "rec-a", "stale")])

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not Ticket.objects.filter(camera=camera).exists():
        assert worker.poll() is None, "the worker exited"
        time.sleep(0.5)

    assert Stream.objects.get(camera=camera).state == StreamState.NOT_RECORDING
    assert Ticket.objects.get(camera=camera).summary == "primary@rec-a is not recording"
