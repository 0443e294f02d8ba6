from rest_framework import serializers

from cameras.choices import HAMode
from cameras.models import Camera, Recorder, Stream
from cameras.observations import MAX_RECORDERS, MAX_STREAMS

MAX_ID = 2**63 - 1


class CameraStreamSerializer(serializers.ModelSerializer):
    recorder = serializers.CharField(source="recorder.name", read_only=True)

    class Meta:
        model = Stream
        fields = ["id", "recorder", "profile", "recording_enabled", "state", "last_report_at"]


class CameraSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.slug", read_only=True)
    ha_mode_display = serializers.CharField(source="get_ha_mode_display", read_only=True)
    recorders = serializers.SerializerMethodField()
    streams = CameraStreamSerializer(many=True, read_only=True)
    open_tickets = serializers.IntegerField(
        read_only=True, help_text="Unresolved (open or acknowledged) tickets."
    )

    class Meta:
        model = Camera
        fields = [
            "id",
            "site",
            "external_id",
            "name",
            "ha_mode",
            "ha_mode_display",
            "ha_mode_changed_at",
            "recorders",
            "streams",
            "open_tickets",
        ]
        read_only_fields = fields

    def get_recorders(self, camera) -> list[str]:
        return sorted({stream.recorder.name for stream in camera.streams.all()})


class CameraHAModeSerializer(serializers.Serializer):
    ha_mode = serializers.ChoiceField(choices=HAMode.choices)


class BulkHAModeSerializer(serializers.Serializer):
    site = serializers.SlugField(max_length=64, required=False)
    external_ids = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        min_length=1,
        max_length=MAX_STREAMS * 2,
    )
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        min_length=1,
        max_length=MAX_STREAMS * 2,
    )
    ha_mode = serializers.ChoiceField(choices=HAMode.choices)

    def validate(self, attrs):
        if ("external_ids" in attrs) == ("ids" in attrs):
            raise serializers.ValidationError("Give either external_ids or ids.")
        if "external_ids" in attrs and "site" not in attrs:
            raise serializers.ValidationError({"site": ["Required with external_ids."]})
        return attrs


class BulkHAModeResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="Cameras whose mode changed.")
    unchanged = serializers.IntegerField(help_text="Cameras already in that mode.")
    tickets = serializers.DictField(child=serializers.IntegerField())


class RecorderSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.slug", read_only=True)
    stream_count = serializers.IntegerField(read_only=True)
    recording_stream_count = serializers.IntegerField(read_only=True)
    not_recording_stream_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Recorder
        fields = [
            "id",
            "site",
            "name",
            "host",
            "vms",
            "online",
            "last_seen_at",
            "stream_count",
            "recording_stream_count",
            "not_recording_stream_count",
        ]
        read_only_fields = fields


class StreamSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="camera.site.slug", read_only=True)
    camera = serializers.CharField(source="camera.external_id", read_only=True)
    camera_id = serializers.IntegerField(read_only=True)
    recorder = serializers.CharField(source="recorder.name", read_only=True)

    class Meta:
        model = Stream
        fields = [
            "id",
            "site",
            "camera",
            "camera_id",
            "recorder",
            "profile",
            "recording_enabled",
            "state",
            "state_since",
            "last_recording",
            "last_report_at",
        ]
        read_only_fields = fields


# The ingest payload is validated by cameras.ingest.parse_observations (fast, whole
# payload at once); these serializers only describe it in the OpenAPI schema.


class RecorderReportSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    online = serializers.BooleanField(default=True)
    host = serializers.CharField(max_length=255, required=False, allow_blank=True)
    vms = serializers.CharField(max_length=64, required=False, allow_blank=True)


class StreamReportSerializer(serializers.Serializer):
    camera = serializers.CharField(max_length=200)
    camera_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    recorder = serializers.CharField(max_length=200)
    profile = serializers.CharField(max_length=64, default="primary")
    recording_enabled = serializers.BooleanField(default=True)
    recording = serializers.BooleanField()
    observed_at = serializers.DateTimeField(
        required=False, help_text="Defaults to the report's observed_at."
    )


class ObservationsSerializer(serializers.Serializer):
    site = serializers.SlugField(max_length=64)
    observed_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")
    recorders = RecorderReportSerializer(many=True, required=False, max_length=MAX_RECORDERS)
    streams = StreamReportSerializer(many=True, required=False, max_length=MAX_STREAMS)


class _StreamCounts(serializers.Serializer):
    accepted = serializers.IntegerField()
    created = serializers.IntegerField()
    ignored_stale = serializers.IntegerField()


class _Created(serializers.Serializer):
    created = serializers.IntegerField()


class IngestResultSerializer(serializers.Serializer):
    site = serializers.CharField()
    streams = _StreamCounts()
    cameras = _Created()
    recorders = _Created()
