"""Benchmark: stream observations per second through POST /api/v1/observations/.

Runs the real stack (URL routing, token authentication, JSON parsing, validation, the
set-based upsert) in-process against its own database (``viakoo_ha_bench``, created and
dropped), in batches of 1,000 stream items, and prints observations per second.
Budget: 20,000 per second.

    .venv/bin/python bench/ingest.py [--cameras 10000] [--rounds 3] [--batch-size 1000]

The first report of every camera discovers it (creates camera and stream); the later
rounds are what a collector does all day, and give the headline number.

"""

import argparse
import json
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from common import bench_database

# Reconcile tasks are what a worker does after the answer: queue them nowhere here.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

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


def measure(client, bodies: list[bytes], size: int) -> tuple[float, float]:
    """Post every batch; answer (observations per second, median seconds per batch)."""
    timings = []
    for number, body in enumerate(bodies):
        if number % 3 == 2:
            vacuum()  # what autovacuum would do meanwhile (it is off on some dev servers)
        began = time.perf_counter()
        response = client.post("/api/v1/observations/", body, content_type="application/json")
        timings.append(time.perf_counter() - began)
        assert response.status_code == 200, response.content[:500]
    return size * len(timings) / sum(timings), statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--cameras", type=int, default=10000, help="one stream each")
    parser.add_argument("--rounds", type=int, default=3, help="reports of every stream")
    args = parser.parse_args()
    with bench_database():
        run(args)


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from sites.choices import Role
    from sites.models import Site, SiteMembership

    vacuum()
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no query log
    user, _ = get_user_model().objects.get_or_create(username="bench-collector")
    site, _ = Site.objects.get_or_create(slug=SLUG, defaults={"name": "Ingest benchmark"})
    SiteMembership.objects.get_or_create(user=user, site=site, defaults={"role": Role.COLLECTOR})
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", secure=True)
    per_round = max(1, args.cameras // args.batch_size)
    start = datetime.now(UTC) - timedelta(seconds=args.rounds + 10)
    try:
        rounds = [
            [
                make_batch(n, args.batch_size, args.cameras, start + timedelta(seconds=r))
                for n in range(per_round)
            ]
            for r in range(args.rounds + 1)
        ]
        print(
            f"database: {connection.vendor}, {args.cameras} cameras, batches of {args.batch_size}"
        )
        rate, median = measure(client, rounds[0], args.batch_size)
        print(f"first report (discovery): {rate:,.0f}/s, median batch {median * 1000:.0f} ms")
        steady = [measure(client, batches, args.batch_size) for batches in rounds[1:]]
        rate = statistics.median(rate for rate, _ in steady)
        median = statistics.median(median for _, median in steady)
        print(f"later reports:            {rate:,.0f}/s, median batch {median * 1000:.0f} ms")
        print(f"throughput: {rate:,.0f} stream observations per second (budget 20,000)")
    finally:
        with connection.cursor() as cursor:  # faster than the ORM's cascade for big sites
            cursor.execute(
                "DELETE FROM cameras_stream WHERE camera_id IN "
                "(SELECT id FROM cameras_camera WHERE site_id = %s)",
                [site.pk],
            )
            cursor.execute("DELETE FROM cameras_camera WHERE site_id = %s", [site.pk])
        site.delete()
        user.delete()
        vacuum()


def vacuum() -> None:
    """Fresh statistics and no dead rows, so that runs compare (autovacuum may be off)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("sites_site", "cameras_recorder", "cameras_camera", "cameras_stream"):
                cursor.execute(f"VACUUM ANALYZE {table}")


if __name__ == "__main__":
    main()
