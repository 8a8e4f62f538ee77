from typing import Any

from django.db.models import Model, QuerySet

from tongban.audit.middleware import current_ip
from tongban.audit.models import AuditEvent

# Never copied into the trail: only the fact that they changed.
_SECRET_FIELDS = {"password"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple, set, QuerySet)):
        return [_jsonable(v) for v in value]
    return str(value)


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Model | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the audit trail."""
    is_user = getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_label=actor_label or (actor.get_username() if is_user else ""),
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None and target.pk is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
        reason=reason,
        ip_address=current_ip.get(),
    )


def model_changes(instance: Model, fields: list[str]) -> dict[str, Any]:
    """The new values of the named fields, for the audit trail."""
    result: dict[str, Any] = {}
    for name in fields:
        if name in _SECRET_FIELDS:
            result[name] = "***"
            continue
        try:
            result[name] = _jsonable(getattr(instance, name))
        except (AttributeError, ValueError):
            continue
    return result
