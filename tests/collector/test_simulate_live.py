"""The simulator's script played against the real ingest endpoint on a live server.

The pure test (test_simulate.py) checks the script against the rules; this one checks
that, through the API, ingest and reconcile, the server really holds exactly the tickets
each event announces. Needs the ingest API.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token

from collector.cli import EXIT_OK, Collector
from collector.config import parse_config
from collector.delivery import Deliverer, HttpSender
from collector.sources.simulate import CAMERAS, CYCLE_SECONDS, TIMELINE, SimulatedSite
from collector.spool import Spool
from sites.choices import Role
from sites.models import SiteMembership
from tests.factories import make_camera, make_site
from tickets.models import Ticket

SPEED = 10  # the whole script within one minute of the past: every report is fresh


def test_the_server_holds_exactly_the_tickets_each_event_announces(live_server, tmp_path):
    site = make_site("demo")
    for camera in CAMERAS:  # what the demo seeding does: the intended HA modes
        make_camera(site, camera.external_id, camera.ha_mode)
    user = get_user_model().objects.create_user("collector-demo")
    SiteMembership.objects.create(user=user, site=site, role=Role.COLLECTOR)
    config = parse_config(
        {
            "server_url": live_server.url,
            "site": "demo",
            "spool_dir": "spool",
            "source": {"type": "simulate", "speed": SPEED},
        },
        base_dir=tmp_path,
        environ={"VIAKOO_HA_TOKEN": Token.objects.create(user=user).key},
    )
    start = timezone.now() - timedelta(seconds=CYCLE_SECONDS / SPEED + 1)
    moment = {"now": start}
    collector = Collector(
        config,
        SimulatedSite(speed=SPEED, start=start),
        Deliverer(
            Spool(config.spool_dir, config.spool_max_bytes),
            HttpSender(config.endpoint, config.token, 10).send,
        ),
        clock=lambda: moment["now"],
    )

    for event in TIMELINE:
        moment["now"] = start + timedelta(seconds=(event.at + 1) / SPEED)
        assert collector.run_once() == EXIT_OK, event.title
        tickets = {
            (ticket.camera.external_id, ticket.kind, ticket.stream and ticket.stream.label)
            for ticket in Ticket.objects.unresolved()
            .filter(site=site)
            .select_related("camera", "stream__recorder")
        }
        assert tickets == set(event.expected_tickets), event.title

    flapping = Ticket.objects.get(camera__external_id="cam-08")
    assert flapping.reopen_count == 2  # one ticket for the flapping stream, reopened
    collector.deliverer.spool.close()
