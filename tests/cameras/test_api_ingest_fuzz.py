"""Property-based fuzzing of the ingest payload: never a 5xx, never a partial write."""

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cameras.models import Camera, Recorder, Stream
from cameras.observations import InvalidObservations, parse_observations

URL = "/api/v1/observations/"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
names = st.sampled_from(["cam-1", "cam-2", "rec-a", "rec-b", "", " ", "x" * 201]) | st.text(
    max_size=12
)
timestamps = (
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.just(UTC),
    ).map(lambda moment: moment.isoformat())
    | st.just(datetime.now(UTC).isoformat())
    | st.just((datetime.now(UTC) - timedelta(minutes=1)).isoformat())
)


def maybe(strategy):
    """Mostly a plausible value, sometimes anything at all."""
    return st.one_of(strategy, strategy, strategy, json_values)


recorder_items = st.fixed_dictionaries(
    {"name": maybe(names)},
    optional={"online": maybe(st.booleans()), "host": maybe(names), "vms": maybe(names)},
)
stream_items = st.fixed_dictionaries(
    {"camera": maybe(names), "recorder": maybe(names), "recording": maybe(st.booleans())},
    optional={
        "profile": maybe(st.sampled_from(["primary", "secondary"])),
        "recording_enabled": maybe(st.booleans()),
        "camera_name": maybe(names),
        "observed_at": maybe(timestamps),
    },
)
payloads = st.one_of(
    st.fixed_dictionaries(
        {"site": maybe(st.just("hq"))},
        optional={
            "observed_at": maybe(timestamps),
            "recorders": maybe(st.lists(maybe(recorder_items), max_size=3)),
            "streams": maybe(st.lists(maybe(stream_items), max_size=8)),
        },
    ),
    json_values,
)


def _counts():
    return Camera.objects.count(), Recorder.objects.count(), Stream.objects.count()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads)
def test_any_payload_gets_a_json_answer_and_no_partial_write(api, collector, site, payload):
    before = _counts()
    response = api(collector).post(URL, payload, format="json")
    assert response.status_code in {200, 400, 404}, response.content
    if response.status_code == 404:  # a site that is not ours, or none at all
        assert payload["site"] != "hq"
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code != 200:
        assert _counts() == before
    else:
        streams = body["streams"]
        items = len(payload.get("streams") or [])
        assert streams["accepted"] + streams["ignored_stale"] == items


@settings(max_examples=500, deadline=None)
@given(payload=payloads)
def test_validation_either_accepts_or_explains(payload):
    """Without a database: any JSON value is a report or an InvalidObservations, nothing else."""
    try:
        report = parse_observations(payload)
    except InvalidObservations as invalid:
        assert invalid.errors
        assert all(isinstance(key, str) for key in invalid.errors)
    else:
        assert report.site == payload["site"]
        assert len(report.streams) == len(payload.get("streams") or [])
