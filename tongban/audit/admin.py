import io
import json
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from tongban.audit.models import AuditEvent
from tongban.audit.selectors import audit_events_visible_to, may_read_audit
from tongban.audit.services import audit_record
from tongban.core.admin import ScopedAdmin
from tongban.core.spreadsheets import csv_writer

# Rows in one export: the trail of a year in a county stays well below; beyond it, narrow the filters.
EXPORT_LIMIT = 100_000


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
    change_list_template = "admin/audit/auditevent/change_list.html"

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

    def get_urls(self) -> list[URLPattern]:
        export = self.admin_site.admin_view(self.export_view)
        return [path("export.csv", export, name="audit_auditevent_export"), *super().get_urls()]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The events of the list as it is filtered and searched, as CSV (UTF-8 with BOM, for Excel and WPS)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        events = self.get_changelist_instance(request).get_queryset(request)[:EXPORT_LIMIT]
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv_writer(out)
        writer.writerow([_("when"), _("who"), _("action"), _("record type"), _("record id"), _("record"),
                         _("reason"), _("from address"), _("changes")])
        count = 0
        for e in events.iterator(chunk_size=2000):
            count += 1
            writer.writerow([timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_label,
                             e.get_action_display(), e.target_type, e.target_id, e.target_label, e.reason,
                             e.ip_address or "", json.dumps(e.changes, ensure_ascii=False) if e.changes else ""])
        audit_record(actor=request.user, action=AuditEvent.Action.EXPORT, target=None,
                     changes={"what": "audit trail", "rows": count, "filters": request.GET.urlencode()})
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename="audit.csv")
        response["Cache-Control"] = "no-store"
        return response
