"""The Sites list and a site's Overview tab."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cameras.choices import HAMode, StreamState
from cameras.models import Recorder
from sites.overview import site_overview, tickets_opened_per_day
from tests.factories import make_camera
from tickets.models import Ticket
from tickets.reconcile import reconcile_site

REC, STOP = StreamState.RECORDING, StreamState.NOT_RECORDING


@pytest.fixture
def inventory(site, other_site):
    make_camera(site, "cam-1", HAMode.NONE, [("primary", "rec-a", REC)])
    make_camera(site, "cam-3", HAMode.NONE, [("primary", "rec-a", REC), ("primary", "rec-b", REC)])
    make_camera(
        site, "cam-5", HAMode.ACTIVE_ACTIVE, [("primary", "rec-a", REC), ("primary", "rec-b", STOP)]
    )
    make_camera(
        site,
        "cam-7",
        HAMode.ACTIVE_PASSIVE,
        [("primary", "rec-a", STOP), ("primary", "rec-c", "unknown")],
        view_only=("primary@rec-c",),
    )
    Recorder.objects.filter(name="rec-c").update(online=False)
    make_camera(other_site, "br-1", HAMode.NONE, [("primary", "nvr", STOP)])
    reconcile_site(site.id)
    reconcile_site(other_site.id)


def test_site_overview_counts(site, inventory):
    overview = site_overview(site)
    assert overview.cameras == 4
    assert {t.key: t.count for t in overview.ha_modes} == {
        "none": 2,
        "active_active": 1,
        "active_passive": 1,
    }
    assert {t.key: t.count for t in overview.streams} == {
        "recording": 4,
        "not_recording": 2,
        "unknown": 0,
    }
    assert overview.view_only_streams == 1
    assert (overview.recorders, overview.recorders_online) == (3, 2)
    assert [recorder.name for recorder in overview.first_recorders] == ["rec-c", "rec-a", "rec-b"]
    assert overview.recorders_offline == 1
    # cam-3 multiple_recorders (warning), cam-5 stream (critical), cam-7 camera (critical)
    assert {t.key: t.count for t in overview.tickets_by_severity} == {"critical": 2, "warning": 1}
    assert overview.unresolved_tickets == 3
    assert [t.severity for t in overview.attention] == ["critical", "critical", "warning"]


def test_tickets_opened_per_day_covers_two_weeks(site, inventory):
    now = timezone.now()
    Ticket.objects.filter(camera__external_id="cam-3").update(opened_at=now - timedelta(days=3))
    Ticket.objects.filter(camera__external_id="cam-5").update(opened_at=now - timedelta(days=20))
    days = tickets_opened_per_day(site, now)
    assert len(days) == 14
    assert days[-1].day == timezone.localdate(now)
    assert days[-1].count == 1  # cam-7, today
    assert days[-4].count == 1  # cam-3
    assert sum(day.count for day in days) == 2  # cam-5's is older than two weeks


def test_overview_page(client, site_admin, site, inventory, django_assert_max_num_queries):
    client.force_login(site_admin)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("sites:detail", args=[site.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert "Tickets opened per day" in html
    assert "rec-c" in html  # offline recorder
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # nothing external


def test_sites_list_summarises_each_site(client, staff, inventory, django_assert_max_num_queries):
    client.force_login(staff)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("sites:list"))
    rows = {
        site.slug: (
            site.camera_count,
            site.recorders_online,
            site.recorder_count,
            site.critical_tickets,
            site.warning_tickets,
        )
        for site in response.context["sites"]
    }
    assert rows == {"hq": (4, 2, 3, 2, 1), "branch": (1, 1, 1, 1, 0)}
