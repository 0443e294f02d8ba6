"""Several reconcilers on the same site at the same moment, each with its own connection."""

import threading

import pytest
from django.db import connection

from cameras.choices import HAMode, StreamState
from cameras.high_availability import set_ha_mode
from cameras.models import Camera, Stream
from tests.factories import make_camera
from tickets.choices import UNRESOLVED
from tickets.models import Ticket, TicketEvent
from tickets.reconcile import reconcile_cameras, reconcile_site

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 6


def run_together(work) -> list[BaseException]:
    """Run ``work(i)`` in WORKERS threads released at once; return what they raised."""
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def target(i):
        try:
            barrier.wait()
            work(i)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def troubled_site(site):
    for n in range(30):
        make_camera(
            site,
            f"cam-{n}",
            [HAMode.NONE, HAMode.ACTIVE_ACTIVE, HAMode.ACTIVE_PASSIVE][n % 3],
            [("primary", "rec-a", "not_recording"), ("primary", "rec-b", "recording")],
        )
    return site


def assert_one_ticket_per_key():
    keys = list(
        Ticket.objects.filter(status__in=UNRESOLVED).values_list("kind", "camera", "stream")
    )
    assert len(keys) == len(set(keys))


def test_concurrent_site_reconciles_open_each_ticket_once(troubled_site):
    errors = run_together(lambda i: reconcile_site(troubled_site.id))

    assert errors == []
    assert_one_ticket_per_key()
    # 10 None + 10 Active-Active cameras with a stopped stream; Active-Passive ones are fine.
    assert Ticket.objects.count() == 20
    assert TicketEvent.objects.count() == 20


def test_concurrent_camera_reconciles_and_state_flips_end_consistent(troubled_site):
    camera_ids = list(Camera.objects.values_list("id", flat=True))

    def work(i):
        for _ in range(3):
            state = StreamState.RECORDING if i % 2 else StreamState.NOT_RECORDING
            Stream.objects.filter(camera_id__in=camera_ids[i::WORKERS]).update(state=state)
            reconcile_cameras(camera_ids)

    errors = run_together(work)

    assert errors == []
    assert_one_ticket_per_key()
    # Whatever interleaving happened, one more reconcile finds nothing left to fix.
    assert not reconcile_site(troubled_site.id).changed


def test_concurrent_ha_changes_and_reconciles_do_not_deadlock_or_duplicate(troubled_site):
    camera_ids = list(Camera.objects.order_by("id").values_list("id", flat=True))
    modes = list(HAMode)

    def work(i):
        if i % 2:
            set_ha_mode(camera_ids, modes[i % 3], actor=None)
        else:
            reconcile_site(troubled_site.id)

    errors = run_together(work)

    assert errors == []
    assert_one_ticket_per_key()
    assert not reconcile_site(troubled_site.id).changed
