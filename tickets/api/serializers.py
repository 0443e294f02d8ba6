from rest_framework import serializers

from tickets.models import Ticket, TicketEvent


class TicketStreamSerializer(serializers.Serializer):
    recorder = serializers.CharField(source="recorder.name")
    profile = serializers.CharField()


class TicketSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.slug", read_only=True)
    camera = serializers.CharField(source="camera.external_id", read_only=True)
    camera_id = serializers.IntegerField(read_only=True)
    stream = TicketStreamSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "site",
            "camera",
            "camera_id",
            "stream",
            "kind",
            "severity",
            "status",
            "summary",
            "details",
            "opened_at",
            "acknowledged_at",
            "resolved_at",
            "resolution",
            "reopen_count",
        ]
        read_only_fields = fields


class TicketEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="Username, or null for the system.")

    class Meta:
        model = TicketEvent
        fields = ["at", "action", "actor", "note"]
        read_only_fields = fields

    def get_actor(self, event) -> str | None:
        return event.actor.get_username() if event.actor else None


class TicketDetailSerializer(TicketSerializer):
    events = TicketEventSerializer(many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "events"]
        read_only_fields = fields


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
