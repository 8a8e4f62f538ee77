"""A screening batch from upload to files: upload and preview, correct the mapping, confirm, commit.

The preview checks every row. The commit runs in the task worker: it checks again against the files
on record (files may have been opened meanwhile), then writes every row in one transaction: either the
whole ledger is on record afterwards, or none of it.
"""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.access import access, scope_for
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.models import ScreeningBatch
from tongban.children.screening import mapping
from tongban.children.screening.checking import check_file, check_record
from tongban.children.screening.columns import norm_header
from tongban.children.screening.reading import FileRefused, Sheet, read_ledger
from tongban.children.screening.results import ERROR, SKIP, WARNING, Check, Problem
from tongban.children.screening.storage import (
    checked_path,
    load_checked,
    progress_path,
    save_checked,
    store,
    stored_bytes,
)
from tongban.children.screening.writing import write_batch
from tongban.organisations.models import Project
from tongban.organisations.selectors import projects_visible_to
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to

# How many problems of each kind a batch keeps to show; the summary keeps the full counts.
KEEP = {ERROR: 5000, WARNING: 2000, SKIP: 200}


def batches_visible_to(user: Any) -> QuerySet[ScreeningBatch]:
    scope = scope_for(user)
    return ScreeningBatch.objects.filter(scope.region_q("region") & scope.project_q("project_id"))


def access_batch(user: Any, pk: Any) -> ScreeningBatch:
    """A batch the user may work on: 404 outside their area, 403 for read-only roles."""
    qs = batches_visible_to(user).select_related("project", "region", "created_by")
    return access(user, qs, pk, kind="child", for_write=True)


def writable_projects(user: Any) -> QuerySet[Project]:
    if not scope_for(user).may_write("child"):
        return Project.objects.none()
    return projects_visible_to(user)


def _require_place(actor: Any, project: Project, region: Region) -> None:
    if not scope_for(actor).may_write("child"):
        raise PermissionDenied(_("Your account cannot change children's files."))
    if not regions_visible_to(actor).filter(pk=region.pk).exists():
        raise PermissionDenied(_("This region is outside your working area."))
    if not writable_projects(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(_("You do not work for this project."))
    if not any(region.path.startswith(r.path) for r in project.regions.all()):
        raise ValidationError({"region": _("This region is not covered by the project %(project)s.")
                                % {"project": project}})


def screening_upload(*, actor: Any, project: Project, region: Region, file_name: str, data: bytes) -> ScreeningBatch:
    """Keep the uploaded ledger and check it. A file that cannot be read raises FileRefused and leaves no trace."""
    _require_place(actor, project, region)
    sheet = read_ledger(data)
    plans = mapping.propose(sheet, mapping.remembered_for(_organisation_id(actor, project)))
    batch = ScreeningBatch.objects.create(
        project=project, region=region, created_by=actor, source_name=Path(file_name).name[:200],
        stored_file=store(data), mapping=_mapping_record(sheet, plans))
    _preview(batch, data, sheet, plans)
    return batch


def screening_recheck(*, actor: Any, batch: ScreeningBatch, chosen: dict[str, str]) -> ScreeningBatch:
    """Check the stored ledger again with the columns the user chose."""
    _require_open(batch)
    data = stored_bytes(batch)
    sheet = read_ledger(data)
    plans = mapping.propose(sheet, mapping.remembered_for(_organisation_id(actor, batch.project)), chosen)
    batch.mapping = _mapping_record(sheet, plans)
    _preview(batch, data, sheet, plans)
    return batch


def screening_confirm(*, actor: Any, batch: ScreeningBatch) -> ScreeningBatch:
    """The user confirms the preview: remember the organisation's columns and queue the import."""
    from tongban.children.tasks import commit_screening_batch

    _require_open(batch)
    _require_place(actor, batch.project, batch.region)
    if batch.summary.get("errors", 1):
        raise ValidationError(_("This ledger still has problems. Correct them and upload it again."))
    mapping.remember(_organisation_id(actor, batch.project), recorded_plans(batch))
    batch.state = ScreeningBatch.State.QUEUED
    batch.rows_done = 0
    batch.save(update_fields=["state", "rows_done"])
    commit_screening_batch.enqueue(batch.pk)
    return batch


def screening_import_now(*, actor: Any, project: Project, region: Region, file_name: str, data: bytes,
                         chosen_headers: dict[str, str] | None = None, dry_run: bool = False
                         ) -> tuple[Check, ScreeningBatch | None]:
    """Check a ledger and, unless it has problems or this is a dry run, import it at once (the command line).

    `chosen_headers` maps header names to fields, for columns Tongban does not know. Nothing is written
    when there is a problem or on a dry run: no batch, no stored file, no files.
    """
    _require_place(actor, project, region)
    sheet = read_ledger(data)
    organisation_id = _organisation_id(actor, project)
    chosen = {sheet.letter(i): field for i, header in enumerate(sheet.headers)
              for name, field in (chosen_headers or {}).items() if header and norm_header(header) == norm_header(name)}
    plans = mapping.propose(sheet, mapping.remembered_for(organisation_id), chosen)
    check = check_file(sheet, plans, project=project, region=region)
    if check.blocking or dry_run:
        if not check.blocking:
            check_record(check)
        return check, None
    batch = ScreeningBatch.objects.create(
        project=project, region=region, created_by=actor, source_name=Path(file_name).name[:200],
        stored_file=store(data), mapping=_mapping_record(sheet, plans), state=ScreeningBatch.State.QUEUED)
    mapping.remember(organisation_id, plans)
    # The rows were checked a moment ago in this process: the commit takes them as they are (and still looks
    # again at the files on record) instead of sealing them into a file and reading them back.
    batch = screening_commit(batch_id=batch.pk, today=check.today, checked=check)
    return check, batch


def plans_of(batch: ScreeningBatch, sheet: Sheet) -> list[mapping.ColumnPlan]:
    return mapping.propose(sheet, {}, dict(batch.mapping.get("fields", {})))


def screening_commit(*, batch_id: int, today: date | None = None, checked: Check | None = None) -> ScreeningBatch:
    """Check the ledger once more and write all of it, or nothing. Runs in the task worker.

    `checked` is the check of this very file made by the caller in the same process (the command line);
    without it the preview's saved reading is used, or every row is checked again."""
    batch = ScreeningBatch.objects.select_related("project", "region", "created_by").get(pk=batch_id)
    if batch.state not in (ScreeningBatch.State.QUEUED, ScreeningBatch.State.PREVIEW):
        return batch  # already done (a task run twice) or refused
    _set(batch, state=ScreeningBatch.State.RUNNING, rows_done=0)
    try:
        return _commit(batch, today or date.today(), checked)
    except Exception:
        # Never leave a batch "importing" for ever; the worker logs the error itself.
        _refuse(batch, _("The import stopped on an unexpected error. Nothing was imported. Try again later, "
                         "or tell your administrator."))
        raise
    finally:
        progress_path(batch).unlink(missing_ok=True)


def _commit(batch: ScreeningBatch, today: date, checked: Check | None) -> ScreeningBatch:
    try:
        _require_place(batch.created_by, batch.project, batch.region)
        check = checked
        if check is None:
            data = stored_bytes(batch)
            check = load_checked(batch, data, today)
        if check is None:
            sheet = read_ledger(data)
            check = check_file(sheet, plans_of(batch, sheet), project=batch.project, region=batch.region,
                               today=today, progress=lambda done, total: _set(batch, rows_done=done,
                                                                                rows_total=total))
    except (PermissionDenied, ValidationError, FileRefused, OSError) as exc:
        return _refuse(batch, _message(exc))
    if not check.blocking:
        check_record(check)  # files opened since the preview count too
    checked_path(batch).unlink(missing_ok=True)
    if check.blocking:
        return _finish(batch, check, ScreeningBatch.State.FAILED)
    try:
        with transaction.atomic():
            created = write_batch(batch, check)
            _finish(batch, check, ScreeningBatch.State.DONE, created=created)
            audit_record(actor=batch.created_by, action=AuditEvent.Action.CREATE, target=batch, changes={
                "created": created, "skipped": check.count(SKIP), "flagged": check.count(WARNING),
                "rows": check.rows_total, "file": batch.source_name})
    except IntegrityError:
        return _refuse(batch, _("While this ledger was being imported, another file was opened with one of its ID "
                                "numbers. Nothing was imported: check the ledger again and confirm once more."))
    return batch


def _preview(batch: ScreeningBatch, data: bytes, sheet: Sheet, plans: list[mapping.ColumnPlan]) -> None:
    check = check_file(sheet, plans, project=batch.project, region=batch.region)
    checked_path(batch).unlink(missing_ok=True)
    if not check.blocking:
        save_checked(batch, data, check)
        check_record(check)
    _finish(batch, check, ScreeningBatch.State.PREVIEW)


def _finish(batch: ScreeningBatch, check: Check, state: str, created: int = 0) -> ScreeningBatch:
    kept: dict[str, int] = {}
    problems = []
    for problem in check.problems:
        kept[problem.level] = kept.get(problem.level, 0) + 1
        if kept[problem.level] <= KEEP.get(problem.level, 0):
            problems.append(problem.as_dict())
    batch.problems = problems
    batch.summary = check.summary()
    batch.rows_total = check.rows_total
    batch.rows_done = check.rows_total if state != ScreeningBatch.State.PREVIEW else 0
    batch.created_count = created
    batch.state = state
    if state in (ScreeningBatch.State.DONE, ScreeningBatch.State.FAILED):
        batch.finished_at = timezone.now()
    batch.save()
    return batch


def _refuse(batch: ScreeningBatch, message: str) -> ScreeningBatch:
    batch.problems = [Problem(None, "", message).as_dict()]
    batch.summary = {**batch.summary, "errors": 1}
    batch.state = ScreeningBatch.State.FAILED
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def _set(batch: ScreeningBatch, **fields: Any) -> None:
    """Progress is written outside any transaction, so the progress page sees it at once."""
    ScreeningBatch.objects.filter(pk=batch.pk).update(**fields)
    for name, value in fields.items():
        setattr(batch, name, value)


def _require_open(batch: ScreeningBatch) -> None:
    if batch.state != ScreeningBatch.State.PREVIEW:
        raise ValidationError(_("This ledger has already been confirmed."))


def _mapping_record(sheet: Sheet, plans: list[mapping.ColumnPlan]) -> dict[str, Any]:
    return {"sheet": sheet.name, "header_row": sheet.header_row + 1, "fields": mapping.as_stored(plans),
            "columns": [[p.index, p.letter, p.header, p.field, p.source] for p in plans]}


def recorded_plans(batch: ScreeningBatch) -> list[mapping.ColumnPlan]:
    """The columns as the last check saw them, for showing them without reading the file again."""
    return [mapping.ColumnPlan(*column) for column in batch.mapping.get("columns", [])]


def _organisation_id(actor: Any, project: Project) -> int | None:
    """Whose mapping: the uploader's organisation, or (for staff without one) the project's contractor."""
    return getattr(actor, "organisation_id", None) or project.contractor_id


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, OSError):
        return _("The uploaded file is no longer on the server. Upload the ledger again.")
    return str(exc)
