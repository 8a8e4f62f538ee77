from typing import Any

from django.db.models import QuerySet

from tongban.accounts.access import scope_for
from tongban.accounts.models import Role
from tongban.accounts.selectors import users_visible_to
from tongban.audit.models import AuditEvent


def may_read_audit(user: Any) -> bool:
    scope = scope_for(user)
    return scope.everything or scope.role == Role.PROJECT_ADMIN


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """Superusers read the whole trail; a project admin reads what their own staff did."""
    if scope_for(user).everything:
        return AuditEvent.objects.all()
    if may_read_audit(user):
        return AuditEvent.objects.filter(actor_id__in=users_visible_to(user).values("pk"))
    return AuditEvent.objects.none()
