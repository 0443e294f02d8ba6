"""Management commands: seed_demo and sweep."""

import tomllib
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cameras.choices import HAMode
from cameras.management.commands import seed_demo
from cameras.models import Camera, Recorder, Stream
from collector.sources.simulate import intended_ha_modes
from sites.choices import Role
from sites.models import Site
from tests.factories import make_camera
from tickets.choices import UNRESOLVED, TicketKind
from tickets.models import Ticket


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_seed_demo_builds_the_simulated_site_with_every_kind_of_ticket(db, var_dir):
    output = run("seed_demo")

    site = Site.objects.get(slug="demo")
    assert Recorder.objects.filter(site=site).count() == 3
    assert Camera.objects.filter(site=site).count() == 40
    modes = dict(Camera.objects.values_list("external_id", "ha_mode"))
    assert {camera: modes[camera] for camera in intended_ha_modes()} == intended_ha_modes()
    assert set(modes.values()) == set(HAMode.values)
    unresolved = Ticket.objects.filter(status__in=UNRESOLVED)
    assert set(unresolved.values_list("kind", flat=True)) == set(TicketKind.values)
    assert unresolved.filter(kind=TicketKind.STREAM_NOT_RECORDING, stream=None).count() == 1
    assert Stream.objects.filter(recording_enabled=False).exists()
    for username, password in (
        ("admin", "admin"),
        ("siteadmin", "siteadmin"),
        ("viewer", "viewer"),
    ):
        assert f"{username} / {password}" in output
        assert authenticate(username=username, password=password) is not None


def test_seed_demo_gives_the_demo_collector_a_token_file(db, var_dir):
    run("seed_demo")

    key = (var_dir / "demo-collector.token").read_text().strip()
    token = Token.objects.get(key=key)
    assert token.user.site_memberships.get().role == Role.COLLECTOR
    # Once seeded, --if-empty still (re)writes the token file the collector reads.
    (var_dir / "demo-collector.token").unlink()
    assert "not seeded" in run("seed_demo", "--if-empty")
    assert (var_dir / "demo-collector.token").read_text().strip() == key


def test_seed_demo_if_empty_leaves_an_existing_database_alone(site):
    output = run("seed_demo", "--if-empty")
    assert "not seeded" in output
    assert not Site.objects.filter(slug="demo").exists()


def test_seed_demo_twice_changes_nothing(db):
    run("seed_demo")
    tickets = Ticket.objects.count()
    run("seed_demo")
    assert Camera.objects.count() == 40 and Ticket.objects.count() == tickets


def test_sweep_prints_what_changed(site, other_site):
    make_camera(site, "cam-1", streams=[("primary", "rec-a", "stale")])
    make_camera(other_site, "cam-2", streams=[("primary", "rec-a", "recording")])

    output = run("sweep")

    assert "hq: 1 streams marked not recording; tickets opened 1, reopened 0, resolved 0" in output
    assert "opened  cam-1: primary@rec-a is not recording" in output
    assert "branch: 0 streams marked not recording; tickets opened 0" in output


def test_sweep_of_one_site(site, other_site):
    make_camera(other_site, "cam-2", streams=[("primary", "rec-a", "stale")])
    output = run("sweep", "--site", "hq")
    assert output.startswith("hq:") and "branch" not in output
    assert not Ticket.objects.exists()


def test_sweep_of_an_unknown_site_is_an_error(db):
    with pytest.raises(CommandError, match="No site with slug 'nowhere'"):
        run("sweep", "--site", "nowhere")


def test_sweep_stops_streams_whose_recorder_is_offline(site):
    make_camera(
        site,
        "cam-1",
        streams=[("primary", "rec-a", "recording")],
        now=timezone.now() - timedelta(seconds=5),
    )
    Recorder.objects.update(online=False)
    assert "hq: 1 streams marked not recording" in run("sweep")


def test_the_demo_collector_reports_every_seeded_camera():
    # make run's collector plays collector/examples/simulate.toml against the seeded site:
    # a seeded camera it never reported would go stale and flood the demo with tickets.
    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "collector/examples/simulate.toml").read_text())
    assert config["site"] == seed_demo.SITE_SLUG
    assert config["source"]["background_cameras"] == seed_demo.BACKGROUND_CAMERAS
