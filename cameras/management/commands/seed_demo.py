"""The demo site of `make run`: the simulated VMS that the demo collector plays.

The site, its recorders and cameras come from the collector's simulator
(``collector.sources.simulate``), so what is seeded is exactly what the demo collector
then reports. Cameras get the HA mode their script intends, and streams start in a
troubled moment of the script, so the demo opens a ticket of every kind at once; when
the collector starts reporting, they auto-resolve and the script plays on.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cameras.choices import StreamState
from cameras.models import Camera, Recorder, Stream
from collector.sources import simulate
from sites.choices import Role
from sites.models import Site, SiteMembership
from tickets.reconcile import reconcile_site

SITE_SLUG = "demo"
BACKGROUND_CAMERAS = 32
COLLECTOR_USERNAME = "collector-demo"
USERS = [
    # username, password, role at the demo site (None: support staff, every site)
    ("admin", "admin", None),
    ("siteadmin", "siteadmin", Role.ADMIN),
    ("viewer", "viewer", Role.VIEWER),
]


def troubled_state() -> simulate.SiteState:
    """Every trouble of the script at once: a ticket of each kind."""
    state = simulate.SiteState.initial()
    for event in simulate.TIMELINE:
        if event.expected_tickets:
            state = state.apply(event.changes)
    return state


class Command(BaseCommand):
    help = "Create the demo site, its users and the demo collector's token."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="seed only when no site exists yet"
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Site.objects.exists():
            self.stdout.write("Sites exist already; demo not seeded.")
        else:
            with transaction.atomic():
                site = self.seed_site()
                self.seed_users(site)
            result = reconcile_site(site.id)
            self.stdout.write(
                f"Demo site '{site.slug}': {site.cameras.count()} cameras, "
                f"{len(result.opened)} tickets opened."
            )
            self.stdout.write("Log in at http://127.0.0.1:8000/ as:")
            for username, password, role in USERS:
                who = "support staff, Django admin at /admin/" if role is None else f"site {role}"
                self.stdout.write(f"  {username} / {password}  ({who})")
        self.write_collector_token()

    def seed_site(self) -> Site:
        site, _ = Site.objects.get_or_create(slug=SITE_SLUG, defaults={"name": "Demo HQ"})
        now = timezone.now()
        state = troubled_state()
        recorders = {
            recorder.name: Recorder.objects.update_or_create(
                site=site,
                name=recorder.name,
                defaults={
                    "host": recorder.host,
                    "vms": recorder.vms,
                    "online": state.recorders[recorder.name],
                    "last_seen_at": now,
                },
            )[0]
            for recorder in simulate.RECORDERS
        }
        background = simulate.background_cameras(BACKGROUND_CAMERAS)
        streams = dict(state.streams)
        for camera in background:
            streams.update({(camera.external_id, s.label): s for s in camera.streams})
        cameras = {
            camera.external_id: Camera.objects.update_or_create(
                site=site,
                external_id=camera.external_id,
                defaults={"name": camera.name, "ha_mode": camera.ha_mode},
            )[0]
            for camera in (*simulate.CAMERAS, *background)
        }
        for (external_id, _), stream in streams.items():
            recording = stream.recording and state.recorders[stream.recorder]
            Stream.objects.update_or_create(
                camera=cameras[external_id],
                recorder=recorders[stream.recorder],
                profile=stream.profile,
                defaults={
                    "recording_enabled": stream.recording_enabled,
                    "last_recording": recording,
                    "last_report_at": now,
                    "state": StreamState.RECORDING if recording else StreamState.NOT_RECORDING,
                    "state_since": now - timedelta(minutes=5),
                },
            )
        return site

    def seed_users(self, site: Site) -> None:
        User = get_user_model()
        for username, password, role in USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(password)
            if role is None:
                user.is_staff = user.is_superuser = True
            else:
                SiteMembership.objects.update_or_create(
                    user=user, site=site, defaults={"role": role}
                )
            user.save()

    def write_collector_token(self) -> None:
        """The demo collector's API token, where its config (simulate.toml) reads it."""
        site = Site.objects.filter(slug=SITE_SLUG).first()
        if site is None:
            return
        user, _ = get_user_model().objects.get_or_create(username=COLLECTOR_USERNAME)
        SiteMembership.objects.update_or_create(
            user=user, site=site, defaults={"role": Role.COLLECTOR}
        )
        token, _ = Token.objects.get_or_create(user=user)
        path = settings.VAR_DIR / "demo-collector.token"
        path.write_text(token.key + "\n")
        path.chmod(0o600)
        self.stdout.write(f"Demo collector token written to {path}")
