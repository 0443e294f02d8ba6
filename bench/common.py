"""What the benchmarks share: their own PostgreSQL database and a big site built in SQL."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DATABASE", "viakoo_ha_bench")
SERVER = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432")


@contextmanager
def bench_database() -> Iterator[None]:
    """Create ``viakoo_ha_bench``, point Django at it and migrate; drop it afterwards."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "viakoo_ha.settings")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connections.close_all()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')


def build_site(cursor, site_id: int, cameras: int) -> None:
    """Cameras in the three modes, 2.5 streams each on average, all recording now."""
    cursor.execute(
        "INSERT INTO cameras_recorder (site_id, name, host, vms, online, last_seen_at) "
        "SELECT %s, 'rec-' || n, '', 'bench', true, now() FROM generate_series(1, 20) n",
        [site_id],
    )
    cursor.execute(
        "INSERT INTO cameras_camera (site_id, external_id, name, ha_mode, created_at) "
        "SELECT %s, 'cam-' || n, 'Camera ' || n, "
        "(ARRAY['none', 'active_active', 'active_passive'])[1 + n %% 3], now() "
        "FROM generate_series(1, %s) n",
        [site_id, cameras],
    )
    # Two recording-enabled streams per camera (two profiles on one recorder for None, two
    # recorders otherwise), plus a view-only stream on every second camera.
    cursor.execute(
        """
        INSERT INTO cameras_stream (camera_id, recorder_id, profile, recording_enabled,
            last_recording, last_report_at, state, state_since, created_at)
        SELECT c.id, r.id, s.profile, s.enabled, true, now(), 'recording', now(),
               now() - interval '1 hour'
        FROM cameras_camera c
        CROSS JOIN LATERAL (VALUES
            ('primary', 0, true),
            ('secondary', CASE WHEN c.ha_mode = 'none' THEN 0 ELSE 1 END, true),
            ('viewer', 2, false)) AS s(profile, offset_, enabled)
        JOIN cameras_recorder r ON r.site_id = c.site_id
             AND r.name = 'rec-' || (1 + (c.id + s.offset_) %% 20)
        WHERE c.site_id = %s AND (s.profile <> 'viewer' OR c.id %% 2 = 0)
        """,
        [site_id],
    )
    cursor.execute("ANALYZE")


def silence_streams(cursor, site_id: int) -> int:
    """Make 5% of the streams (the primary of every eighth camera) twenty minutes old."""
    cursor.execute(
        """
        UPDATE cameras_stream s SET last_report_at = now() - interval '20 minutes',
               state = 'recording'
        FROM cameras_camera c
        WHERE s.camera_id = c.id AND c.site_id = %s AND s.profile = 'primary'
          AND c.id %% 8 = 0
        """,
        [site_id],
    )
    return cursor.rowcount
