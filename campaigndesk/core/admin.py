from django.contrib import admin
from django.http import HttpRequest

from campaigndesk.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is evidence, nobody edits or deletes it."""

    list_display = [
        "at",
        "actor",
        "on_behalf_of",
        "action",
        "object_type",
        "object_id",
        "activity_id",
        "from_status",
        "to_status",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["note", "actor__username", "action"]
    list_select_related = ["actor", "on_behalf_of"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
