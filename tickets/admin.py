"""Django admin for tickets: read-only records; people act through acknowledge / resolve,
which go through ``tickets.reconcile`` like every other interface."""

from django.contrib import admin, messages

from cameras.admin import ReadOnlyInline

from .models import Ticket, TicketEvent
from .reconcile import acknowledge_tickets, resolve_tickets


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ["at", "action", "actor", "note"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "summary",
        "camera",
        "site",
        "kind",
        "severity",
        "status",
        "opened_at",
        "resolved_at",
        "reopen_count",
    ]
    list_filter = ["status", "severity", "kind", "site"]
    search_fields = ["summary", "camera__external_id", "camera__name", "resolution"]
    list_select_related = ["camera", "site"]
    date_hierarchy = "opened_at"
    inlines = [TicketEventInline]
    actions = ["acknowledge", "resolve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description="Acknowledge selected tickets")
    def acknowledge(self, request, queryset):
        count = acknowledge_tickets(queryset, request.user, "acknowledged in admin")
        self.message_user(request, f"Acknowledged {count} tickets.", messages.SUCCESS)

    @admin.action(description="Resolve selected tickets (they reopen if the problem persists)")
    def resolve(self, request, queryset):
        count = resolve_tickets(queryset, request.user, f"resolved by {request.user} in admin")
        self.message_user(request, f"Resolved {count} tickets.", messages.SUCCESS)


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "action", "actor", "at", "note"]
    list_filter = ["action"]
    search_fields = ["ticket__summary", "note"]
    list_select_related = ["ticket", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
