"""Asking for a large export and preparing it in the task worker."""

import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.access import scope_for
from tongban.core import crypto
from tongban.exports.models import ExportJob
from tongban.exports.protect import protect_xlsx
from tongban.exports.storage import store

log = logging.getLogger(__name__)
MIN_PASSWORD = 8


def needs_background(rows: int) -> bool:
    """Exports of more rows than EXPORT_BACKGROUND_ROWS are prepared by the task worker."""
    return rows > settings.EXPORT_BACKGROUND_ROWS


def check_password(password: str) -> None:
    if password and len(password) < MIN_PASSWORD:
        raise ValidationError({"password": _("A password has at least %(n)d characters.") % {"n": MIN_PASSWORD}})


def export_request(*, actor: Any, kind: str, query: str, for_outsiders: bool = False, full_numbers: bool = False,
                   reason: str = "", password: str = "") -> ExportJob:
    """Queue an export for the task worker. The password is kept encrypted until the file is locked with it."""
    from tongban.exports.tasks import run_export

    scope = scope_for(actor)
    if scope.is_empty:
        raise PermissionDenied
    if full_numbers and not scope.may_reveal():
        raise PermissionDenied(_("Your role cannot see full ID numbers."))
    if full_numbers and for_outsiders:
        raise ValidationError(_("A ledger for outsiders never holds full ID numbers."))
    check_password(password)
    job = ExportJob(owner=actor, kind=kind, query=query, for_outsiders=for_outsiders, full_numbers=full_numbers,
                    reason=reason.strip()[:300], protected=bool(password),
                    password_sealed=crypto.encrypt(password) if password else "")
    job.full_clean()
    job.save()
    run_export.enqueue(job.pk)
    return job


def export_run(*, job_id: int) -> ExportJob:
    """Prepare the file of a queued export. A failure is recorded on the export, never half a file."""
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    if job.state != ExportJob.State.QUEUED:
        return job
    _set(job, state=ExportJob.State.RUNNING)
    try:
        content, file_name = PREPARERS[job.kind](job, lambda done, total: _set(job, rows_done=done, rows_total=total))
        if job.protected:
            content = protect_xlsx(content, crypto.decrypt(job.password_sealed))
        _set(job, state=ExportJob.State.DONE, stored_file=store(content), file_name=file_name, password_sealed="",
             finished_at=timezone.now())
    except Exception:
        log.exception("export %s failed", job.pk)
        _set(job, state=ExportJob.State.FAILED, password_sealed="", finished_at=timezone.now(),
             error=_("The export could not be prepared. Try again, or ask your administrator."))
    return job


def _set(job: ExportJob, **fields: Any) -> None:
    """Written at once, outside any transaction, so the progress page sees it."""
    for name, value in fields.items():
        setattr(job, name, value)
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def _children_ledger(job: ExportJob, progress: Any) -> tuple[bytes, str]:
    from tongban.children.ledger import export_ledger, ledger_children, ledger_filters

    filters = ledger_filters(job.owner, QueryDict(job.query))
    content = export_ledger(job.owner, ledger_children(job.owner, filters), job.full_numbers, reason=job.reason,
                            filters=filters, outsider=job.for_outsiders, progress=progress)
    return content, ledger_file_name(outsider=job.for_outsiders)


def ledger_file_name(*, outsider: bool, day: date | None = None) -> str:
    return f"儿童台账{'（对外）' if outsider else ''}-{day or date.today():%Y%m%d}.xlsx"


PREPARERS = {ExportJob.Kind.CHILDREN_LEDGER: _children_ledger}
