from typing import Any

from django.db import transaction
from django.db.models import F

from tongban.accounts.models import User
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record


@transaction.atomic
def sign_out_everywhere(*, actor: Any, user: User) -> None:
    """End every session of `user` on every device (a lost phone, a shared computer), this one included."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    audit_record(actor=actor, action=AuditEvent.Action.LOGOUT, target=user, changes={"everywhere": True})
