"""Django admin for support staff. HA changes go through ``change_ha_modes`` (audit +
reconcile); stream edits reconcile their camera. Reported state is the collector's: read-only."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.template.response import TemplateResponse

from tickets.reconcile import reconcile_cameras

from .choices import HAMode
from .high_availability import HAChangeError, change_ha_modes, set_ha_mode
from .models import Camera, HAModeChange, Recorder, Stream

REPORTED_FIELDS = ["last_recording", "last_report_at", "state", "state_since", "created_at"]


@admin.register(Recorder)
class RecorderAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "host", "vms", "online", "last_seen_at", "stream_count"]
    list_filter = ["online", "vms", "site"]
    search_fields = ["name", "host", "site__slug"]
    list_select_related = ["site"]
    readonly_fields = ["online", "last_seen_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stream_count=Count("streams"))

    @admin.display(description="Streams", ordering="stream_count")
    def stream_count(self, recorder):
        return recorder.stream_count


class ReadOnlyInline(admin.TabularInline):
    """Rows shown with their parent, never added, changed or deleted there."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class StreamInline(ReadOnlyInline):
    model = Stream
    fields = ["recorder", "profile", "recording_enabled", *REPORTED_FIELDS]
    show_change_link = True


class HAModeChangeInline(ReadOnlyInline):
    model = HAModeChange
    fields = ["changed_at", "changed_by", "old_mode", "new_mode"]


class SetHAModeForm(forms.Form):
    ha_mode = forms.ChoiceField(label="High Availability", choices=HAMode.choices)


@admin.register(Camera)
class CameraAdmin(admin.ModelAdmin):
    list_display = ["external_id", "name", "site", "ha_mode", "stream_count", "open_tickets"]
    list_filter = ["ha_mode", "site"]
    search_fields = ["external_id", "name", "site__slug"]
    list_select_related = ["site"]
    readonly_fields = ["ha_mode_changed_at", "created_at"]
    inlines = [StreamInline, HAModeChangeInline]
    actions = ["set_high_availability"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_open_tickets()
            .annotate(stream_count=Count("streams", distinct=True))
        )

    @admin.display(description="Streams", ordering="stream_count")
    def stream_count(self, camera):
        return camera.stream_count

    @admin.display(description="Open tickets", ordering="open_tickets")
    def open_tickets(self, camera):
        return camera.open_tickets

    def save_model(self, request, obj, form, change):
        if not change or "ha_mode" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        new_mode, obj.ha_mode = obj.ha_mode, form.initial["ha_mode"]
        super().save_model(request, obj, form, change)
        change_ha_modes({obj.id: new_mode}, request.user)
        obj.refresh_from_db()

    @admin.action(description="Set High Availability of selected cameras")
    def set_high_availability(self, request, queryset):
        form = SetHAModeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                result = set_ha_mode(
                    queryset.values_list("id", flat=True),
                    form.cleaned_data["ha_mode"],
                    request.user,
                )
            except HAChangeError as error:
                self.message_user(request, str(error), messages.ERROR)
                return None
            self.message_user(
                request,
                f"Updated {len(result.changed)} cameras; tickets opened "
                f"{len(result.tickets.opened) + len(result.tickets.reopened)}, "
                f"resolved {len(result.tickets.resolved)}.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/cameras/camera/set_ha_mode.html",
            {
                **self.admin_site.each_context(request),
                "title": "Set High Availability",
                "opts": self.model._meta,
                "form": form,
                "cameras": queryset.select_related("site"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Stream)
class StreamAdmin(admin.ModelAdmin):
    list_display = ["__str__", "camera", "recording_enabled", "state", "last_report_at"]
    list_filter = ["state", "recording_enabled", "camera__site"]
    search_fields = ["camera__external_id", "camera__name", "recorder__name", "profile"]
    list_select_related = ["camera", "recorder"]
    readonly_fields = ["camera", "recorder", "profile", *REPORTED_FIELDS]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reconcile_cameras([obj.camera_id])


@admin.register(HAModeChange)
class HAModeChangeAdmin(admin.ModelAdmin):
    list_display = ["camera", "old_mode", "new_mode", "changed_by", "changed_at"]
    list_filter = ["new_mode", "camera__site"]
    search_fields = ["camera__external_id", "camera__name", "changed_by__username"]
    list_select_related = ["camera", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
