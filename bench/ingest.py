"""Benchmark: stream observations per second through POST /api/v1/observations/.

Runs the real stack (URL routing, token authentication, JSON parsing, validation, the
set-based upsert) in-process against the database in DATABASE_URL, in batches of 1,000
stream items, and prints observations per second. Budget: 20,000 per second.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/viakoo_ha \\
        .venv/bin/python bench/ingest.py [--batches 40] [--batch-size 1000] [--cameras 20000]

It creates a site ``bench-ingest`` (and a collector user) and deletes them afterwards.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viakoo_ha.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from sites.choices import Role  # noqa: E402
from sites.models import Site, SiteMembership  # noqa: E402

SLUG = "bench-ingest"


def make_batch(number: int, size: int, cameras: int, at: datetime) -> bytes:
    """Batch ``number``: ``size`` streams spread over ``cameras`` cameras on 8 recorders."""
    first = number * size
    streams = [
        {
            "camera": f"cam-{(first + index) % cameras:06d}",
            "recorder": f"rec-{(first + index) % 8}",
            "profile": "primary",
            "recording": (first + index) % 17 != 0,
            "observed_at": at.isoformat(),
        }
        for index in range(size)
    ]
    recorders = [{"name": f"rec-{n}", "online": True} for n in range(8)]
    return json.dumps({"site": SLUG, "recorders": recorders, "streams": streams}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--cameras", type=int, default=20000)
    args = parser.parse_args()

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no query log
    user, _ = get_user_model().objects.get_or_create(username="bench-collector")
    site, _ = Site.objects.get_or_create(slug=SLUG, defaults={"name": "Ingest benchmark"})
    SiteMembership.objects.get_or_create(user=user, site=site, defaults={"role": Role.COLLECTOR})
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", secure=True)
    try:
        start = datetime.now(UTC) - timedelta(seconds=args.batches + 10)
        bodies = [
            make_batch(n, args.batch_size, args.cameras, start + timedelta(seconds=n))
            for n in range(args.batches)
        ]
        # Warm up (connection, first discovery) outside the measurement.
        client.post("/api/v1/observations/", bodies[0], content_type="application/json")
        timings = []
        for body in bodies[1:]:
            began = time.perf_counter()
            response = client.post("/api/v1/observations/", body, content_type="application/json")
            timings.append(time.perf_counter() - began)
            assert response.status_code == 200, response.content[:500]
        total = sum(timings)
        observations = args.batch_size * len(timings)
        print(f"database: {settings.DATABASES['default']['ENGINE']}")
        print(
            f"{len(timings)} batches of {args.batch_size} stream observations "
            f"({args.cameras} cameras): {total:.2f} s"
        )
        print(f"median batch: {statistics.median(timings) * 1000:.1f} ms")
        print(f"throughput: {observations / total:,.0f} stream observations per second")
    finally:
        site.delete()
        user.delete()


if __name__ == "__main__":
    main()
