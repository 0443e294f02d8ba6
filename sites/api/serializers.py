from django.contrib.auth import get_user_model
from rest_framework import serializers

from sites.choices import Role
from sites.models import Site


class SiteSerializer(serializers.ModelSerializer):
    camera_count = serializers.IntegerField(read_only=True)
    open_tickets = serializers.IntegerField(
        read_only=True, help_text="Unresolved (open or acknowledged) tickets."
    )

    class Meta:
        model = Site
        fields = [
            "slug",
            "name",
            "stale_after_seconds",
            "reopen_window_seconds",
            "camera_count",
            "open_tickets",
        ]


class MembershipSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)

    def validate_username(self, value):
        if not get_user_model().objects.filter(username=value).exists():
            raise serializers.ValidationError("No such user.")
        return value
