"""Benchmark: the Camera Table on a 10,000-camera site, and Edit Cameras saving all of them.

Budgets: a 100-row page answers with a constant number of SQL queries and a
median server time under 100 ms; saving 10,000 cameras at once (audit + reconcile) under
3 s. Server time is measured in-process through Django's test client: the whole request,
middleware, view, template and SQL, without a network. Run with `make bench`; it creates
and drops its own database, `viakoo_ha_bench`.
"""

import os
import time
from statistics import median

from common import bench_database, build_site, silence_streams

CAMERAS = int(os.environ.get("BENCH_TABLE_CAMERAS", "10000"))
REQUESTS = 25
PAGES = [
    ("first page, default sort", "?per_page=100"),
    ("sorted by open tickets", "?per_page=100&sort=-tickets"),
    ("filtered: Active-Active on rec-3", "?per_page=100&ha_mode=active_active&recorder=rec-3"),
    ("search + has open tickets", "?per_page=100&search=cam-1&has_open_tickets=true"),
    ("page 50", "?per_page=100&page=50"),
]


def main() -> None:
    with bench_database():
        run()


def run() -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cameras.choices import HAMode
    from cameras.high_availability import set_ha_mode
    from cameras.models import Camera
    from sites.choices import Role
    from sites.models import Site, SiteMembership

    site = Site.objects.create(slug="bench", name="Bench")
    with connection.cursor() as cursor:
        build_site(cursor, site.id, CAMERAS)
        silence_streams(cursor, site.id)
    call_command("sweep", "--site", "bench", stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    admin = get_user_model().objects.create_user("bench-admin", password="x")
    SiteMembership.objects.create(user=admin, site=site, role=Role.ADMIN)
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    print(f"site: {CAMERAS:,} cameras\n\nCamera Table, 100 rows (median of {REQUESTS}):")

    for label, query in PAGES:
        url = f"/sites/bench/details/{query}"
        assert client.get(url).status_code == 200
        times = []
        for _ in range(REQUESTS):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200
        print(f"  {label:<36} {median(times) * 1000:7.1f} ms  {len(queries):3d} queries")

    ids = list(Camera.objects.filter(site=site).values_list("id", flat=True))
    for mode in (HAMode.ACTIVE_PASSIVE, HAMode.NONE):
        start = time.perf_counter()
        result = set_ha_mode(ids, mode, admin)
        seconds = time.perf_counter() - start
        print(
            f"\nEdit Cameras, {len(result.changed):,} cameras to {mode.label}: {seconds:.2f} s "
            f"({len(result.tickets.opened)} opened, {len(result.tickets.resolved)} resolved)"
        )
    print("\nbudgets: 100-row page under 100 ms with constant queries; 10,000 saved under 3 s")


if __name__ == "__main__":
    main()
