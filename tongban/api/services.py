import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.api.models import ApiToken, token_digest
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record

KEY_PREFIX = "tb_"
EXPIRY_DAYS = (30, 90, 365)


@transaction.atomic
def token_create(*, actor: Any, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new personal token for the signed-in user; the key is returned once and never stored."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if days not in EXPIRY_DAYS:
        raise ValidationError({"days": _("Choose how long the token stays valid.")})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=actor, name=(name or "").strip(), scope=scope, prefix=key[:10],
                     digest=token_digest(key), expires_at=timezone.now() + timedelta(days=days))
    token.full_clean()
    token.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=token,
                 changes={"scope": scope, "expires_at": token.expires_at.isoformat()})
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    """Revoking is immediate: the next call with the key is refused."""
    if token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action=AuditEvent.Action.DELETE, target=token, changes={"revoked": True})


def token_for_key(key: str) -> ApiToken | None:
    """The usable token with this key, with its user, or None (unknown, revoked, expired, or user deactivated)."""
    if not key.startswith(KEY_PREFIX):
        return None
    return ApiToken.objects.usable().select_related("user").filter(digest=token_digest(key)).first()


def token_mark_used(token: ApiToken) -> None:
    # At most one write a minute per token: a busy integration must not turn every read into a write.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def tokens_of(user: Any) -> Any:
    return ApiToken.objects.filter(user=user)
