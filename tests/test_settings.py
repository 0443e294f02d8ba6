"""Production settings pass Django's deployment checks; the embedded default boots."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what a deployment would have: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is not.
    unset = {"DEBUG", "DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "viakoo_ha.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="ha.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/viakoo_ha",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_each_installation_makes_its_own_once(tmp_path):
    show_key = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = manage("shell", "-c", show_key, VAR_DIR=str(tmp_path))
    again = manage("shell", "-c", show_key, VAR_DIR=str(tmp_path))
    elsewhere = manage("shell", "-c", show_key, VAR_DIR=str(tmp_path / "elsewhere"))

    key = first.stdout.splitlines()[-1]
    assert len(key) >= 50, first.stderr
    assert again.stdout.splitlines()[-1] == key
    assert elsewhere.stdout.splitlines()[-1] != key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_embedded_default_is_sqlite_under_var(tmp_path):
    result = manage(
        "shell",
        "-c",
        "from django.db import connection as c; print(c.vendor, c.settings_dict['NAME'])",
        DEBUG="1",
        VAR_DIR=str(tmp_path),
    )
    assert result.stdout.splitlines()[-1].split() == [
        "sqlite",
        str(tmp_path / "viakoo_ha.sqlite3"),
    ], result.stderr
