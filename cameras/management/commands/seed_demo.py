"""A demo site for `make run`: recorders, cameras in every HA mode, tickets of every kind."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cameras.choices import HAMode, StreamState
from cameras.models import Camera, Recorder, Stream
from sites.choices import Role
from sites.models import Site, SiteMembership
from tickets.reconcile import reconcile_site

RECORDERS = [
    ("rec-a", "10.1.0.5", "milestone"),
    ("rec-b", "10.1.0.6", "milestone"),
    ("rec-c", "10.1.0.7", "milestone"),
]
PLACES = [
    "Lobby",
    "Reception",
    "Main entrance",
    "Loading dock",
    "Parking north",
    "Parking south",
    "Server room",
    "Stairwell A",
    "Stairwell B",
    "Cafeteria",
    "Warehouse aisle 1",
    "Warehouse aisle 2",
    "Warehouse aisle 3",
    "Gate 1",
    "Gate 2",
    "Fence east",
    "Fence west",
    "Elevator 1",
    "Elevator 2",
    "Roof",
    "Cash office",
    "Vault",
    "Corridor 1",
    "Corridor 2",
    "Corridor 3",
    "Shipping",
    "Receiving",
    "Break room",
    "Yard",
    "Fuel station",
    "Bike rack",
    "Visitor desk",
    "Mail room",
    "Lab",
    "Archive",
    "Boardroom",
    "Garage",
    "Back door",
    "Generator",
    "Rooftop HVAC",
]
OK, DOWN, VIEW = StreamState.RECORDING, StreamState.NOT_RECORDING, "view-only"
# ha_mode, streams as (profile, recorder, state); the last rows of each mode make tickets.
CAMERA_PLANS = (
    [(HAMode.NONE, [("primary", "rec-a", OK)])] * 8
    + [(HAMode.NONE, [("primary", "rec-b", OK), ("secondary", "rec-b", OK)])] * 3
    + [(HAMode.NONE, [("primary", "rec-c", OK), ("primary", "rec-a", VIEW)])] * 2
    + [(HAMode.NONE, [("primary", "rec-a", OK), ("primary", "rec-b", OK)])]  # multiple_recorders
    + [(HAMode.NONE, [("primary", "rec-c", DOWN)])]  # stream_not_recording
    + [(HAMode.ACTIVE_ACTIVE, [("primary", "rec-a", OK), ("primary", "rec-b", OK)])] * 9
    + [(HAMode.ACTIVE_ACTIVE, [("primary", "rec-a", OK), ("primary", "rec-b", DOWN)])]
    + [(HAMode.ACTIVE_ACTIVE, [("primary", "rec-c", OK)])]  # ha_misconfigured
    + [(HAMode.ACTIVE_PASSIVE, [("primary", "rec-b", OK), ("primary", "rec-c", OK)])] * 12
    + [(HAMode.ACTIVE_PASSIVE, [("primary", "rec-b", DOWN), ("primary", "rec-c", OK)])]  # failover
    + [(HAMode.ACTIVE_PASSIVE, [("primary", "rec-b", DOWN), ("primary", "rec-c", DOWN)])]
)
USERS = [
    # username, password, role at the demo site (None: support staff, every site)
    ("admin", "admin", None),
    ("siteadmin", "siteadmin", Role.ADMIN),
    ("viewer", "viewer", Role.VIEWER),
]


class Command(BaseCommand):
    help = "Create the demo site (3 recorders, 40 cameras, tickets of every kind) and users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any site exists already"
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Site.objects.exists():
            self.stdout.write("Sites exist already; demo not seeded.")
            return
        with transaction.atomic():
            site = self.seed_site()
            users = self.seed_users(site)
        result = reconcile_site(site.id)
        self.stdout.write(
            f"Demo site '{site.slug}': {site.cameras.count()} cameras, "
            f"{len(result.opened)} tickets opened."
        )
        self.stdout.write("Log in at http://127.0.0.1:8000/ as:")
        for username, password, role in users:
            who = "support staff, Django admin at /admin/" if role is None else f"site {role}"
            self.stdout.write(f"  {username} / {password}  ({who})")

    def seed_site(self) -> Site:
        site, _ = Site.objects.get_or_create(slug="demo", defaults={"name": "Demo HQ"})
        now = timezone.now()
        recorders = {}
        for name, host, vms in RECORDERS:
            recorders[name], _ = Recorder.objects.update_or_create(
                site=site,
                name=name,
                defaults={"host": host, "vms": vms, "online": True, "last_seen_at": now},
            )
        for number, (place, (ha_mode, streams)) in enumerate(
            zip(PLACES, CAMERA_PLANS, strict=True), 1
        ):
            camera, _ = Camera.objects.update_or_create(
                site=site,
                external_id=f"cam-{number:03d}",
                defaults={"name": place, "ha_mode": ha_mode},
            )
            for profile, recorder_name, state in streams:
                view_only = state == VIEW
                Stream.objects.update_or_create(
                    camera=camera,
                    recorder=recorders[recorder_name],
                    profile=profile,
                    defaults={
                        "recording_enabled": not view_only,
                        "last_recording": view_only or state == OK,
                        "last_report_at": now,
                        "state": OK if view_only else state,
                        "state_since": now - timedelta(minutes=number),
                    },
                )
        return site

    def seed_users(self, site: Site) -> list[tuple[str, str, str | None]]:
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
        return USERS
