"""Writes of the reports app: the audit trail of what was exported. Statistics themselves are never stored."""

from typing import Any

from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.reports.selectors import Period


def statistics_exported(*, actor: Any, period: Period, kind: str) -> AuditEvent:
    """Record that figures left the system, with the filters they were taken with."""
    return audit_record(actor=actor, action=AuditEvent.Action.EXPORT, changes={
        "statistics": kind, "first": period.first.isoformat(), "last": period.last.isoformat(),
        "region": period.region.code if period.region else "", "project": period.project.pk if period.project else "",
    })


def report_exported(*, actor: Any, kind: str, title: str) -> AuditEvent:
    return audit_record(actor=actor, action=AuditEvent.Action.EXPORT, changes={"report": kind, "title": title})
