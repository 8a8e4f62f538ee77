"""The audit trail over the JSON API: administrators only, the viewer's filters, cursor paging."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from tongban.api.common import REFUSALS, page
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.audit.models import AuditEvent
from tongban.audit.selectors import audit_events_visible_to, may_read_audit

router = Router()


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    changes: dict[str, Any]
    reason: str
    ip_address: str | None


class AuditEventPage(Schema):
    items: list[AuditEventOut]
    next_cursor: str | None


class AuditFilters(Schema):
    action: AuditEvent.Action | None = None
    target_type: str = Field("", max_length=100, pattern=r"^[\w.]*$")
    target_id: str = Field("", max_length=64, pattern=r"^[\w-]*$")
    actor: int | None = Field(None, ge=1, le=2**63 - 1)
    first: date | None = None
    last: date | None = None
    # The viewer's search box: who, which record, from which address, why.
    q: str = Field("", max_length=100, pattern=r"^[^\x00]*$")
    ordering: str = "-at"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@router.get("/events", response={200: AuditEventPage, **REFUSALS},
            summary="Audit events: a superuser reads the whole trail, a project admin what their staff did")
def audit_event_list(request: HttpRequest, filters: Query[AuditFilters]) -> Any:
    if not may_read_audit(request.user):
        raise PermissionDenied
    qs = audit_events_visible_to(request.user)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.target_type:
        qs = qs.filter(target_type=filters.target_type)
    if filters.target_id:
        qs = qs.filter(target_id=filters.target_id)
    if filters.actor is not None:
        qs = qs.filter(actor_id=filters.actor)
    if filters.first:
        qs = qs.filter(at__gte=_day_start(filters.first))
    if filters.last:
        qs = qs.filter(at__lt=_day_start(filters.last + timedelta(days=1)))
    text = filters.q.strip()
    if text:
        qs = qs.filter(Q(actor_label__icontains=text) | Q(target_label__icontains=text) | Q(target_id=text)
                       | Q(ip_address__startswith=text) | Q(reason__icontains=text))
    return page(*cursor_page(qs, ordering=filters.ordering, allowed=("at", "id"), cursor=filters.cursor,
                             limit=filters.limit))
