from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from tongban.audit.models import AuditEvent
from tongban.audit.selectors import audit_events_visible_to, may_read_audit
from tongban.core.admin import ScopedAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdmin):
    access_kind = "audit"
    selector = audit_events_visible_to
    list_display = ["at", "actor_label", "action", "target_type", "target_label", "ip_address"]
    list_filter = ["action", "target_type", "at"]
    search_fields = ["actor_label", "target_label", "target_id", "ip_address", "reason"]
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    show_full_result_count = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) and may_read_audit(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}
