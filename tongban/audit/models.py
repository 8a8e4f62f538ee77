from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    # The audit trail is append-only: the ORM refuses bulk changes and deletions.
    # On PostgreSQL a trigger refuses them too (see migration 0002).
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditIsAppendOnly

    def delete(self) -> NoReturn:
        raise AuditIsAppendOnly

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditIsAppendOnly


class AuditIsAppendOnly(Exception):
    def __init__(self) -> None:
        super().__init__("Audit events cannot be changed or deleted.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        VIEW = "view", _("viewed")
        REVEAL = "reveal", _("revealed")
        EXPORT = "export", _("exported")
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        LOGOUT = "logout", _("signed out")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # No database constraint and no cascade: deleting a user must never touch
    # the trail, and the label keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    target_type = models.CharField(_("record type"), max_length=100, blank=True, db_index=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditIsAppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditIsAppendOnly
