from django.contrib import admin

from .models import Site, SiteMembership


class MembershipInline(admin.TabularInline):
    model = SiteMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "stale_after_seconds", "reopen_window_seconds", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["last_full_reconcile_at", "created_at"]
    inlines = [MembershipInline]


@admin.register(SiteMembership)
class SiteMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "site", "role"]
    list_filter = ["role", "site"]
    search_fields = ["user__username", "user__email", "site__slug", "site__name"]
    list_select_related = ["user", "site"]
    autocomplete_fields = ["user", "site"]
