"""A screening batch from upload to files: upload and preview, correct the mapping, confirm, commit.

The commit runs in the task worker. It checks the stored file again (files may
have been opened meanwhile), then writes every row in one transaction with bulk
inserts: either the whole ledger is on record afterwards, or none of it.
"""

import random
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.access import access, scope_for
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children.choices import Status
from tongban.children.models import Child, ChildCategory, DifficultyCategory, FamilyMember, ScreeningBatch
from tongban.children.screening import mapping
from tongban.children.screening.checking import ERROR, SKIP, WARNING, Check, Problem, check_sheet
from tongban.children.screening.reading import FileRefused, Sheet, read_ledger
from tongban.children.services import PSEUDONYM_STEMS
from tongban.organisations.models import Project
from tongban.organisations.selectors import projects_visible_to
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to

M = TypeVar("M", bound=Model)
BATCH_SIZE = 1000
# How many problems of each kind a batch keeps to show; the summary keeps the full counts.
KEEP = {ERROR: 5000, WARNING: 2000, SKIP: 200}
PROGRESS_EVERY = 1000


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


def stored_path(batch: ScreeningBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / batch.stored_file


def _store(data: bytes) -> str:
    """Uploads are kept outside anything served by URL, readable by the server only."""
    folder = Path(settings.MEDIA_ROOT) / "screening"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"screening/{uuid.uuid4().hex}.xlsx"
    path = Path(settings.MEDIA_ROOT) / name
    path.write_bytes(data)
    path.chmod(0o600)
    return name


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
        stored_file=_store(data), mapping=_mapping_record(sheet, plans))
    _preview(batch, sheet, plans)
    return batch


def screening_recheck(*, actor: Any, batch: ScreeningBatch, chosen: dict[str, str]) -> ScreeningBatch:
    """Check the stored ledger again with the columns the user chose."""
    _require_open(batch)
    sheet = read_ledger(stored_path(batch).read_bytes())
    plans = mapping.propose(sheet, mapping.remembered_for(_organisation_id(actor, batch.project)), chosen)
    batch.mapping = _mapping_record(sheet, plans)
    _preview(batch, sheet, plans)
    return batch


def screening_confirm(*, actor: Any, batch: ScreeningBatch) -> ScreeningBatch:
    """The user confirms the preview: remember the organisation's columns and queue the import."""
    from tongban.children.tasks import commit_screening_batch

    _require_open(batch)
    _require_place(actor, batch.project, batch.region)
    if batch.summary.get("errors", 1):
        raise ValidationError(_("This ledger still has problems. Correct them and upload it again."))
    sheet = read_ledger(stored_path(batch).read_bytes())
    mapping.remember(_organisation_id(actor, batch.project), plans_of(batch, sheet))
    batch.state = ScreeningBatch.State.QUEUED
    batch.rows_done = 0
    batch.save(update_fields=["state", "rows_done"])
    commit_screening_batch.enqueue(batch.pk)
    return batch


def plans_of(batch: ScreeningBatch, sheet: Sheet) -> list[mapping.ColumnPlan]:
    return mapping.propose(sheet, {}, dict(batch.mapping.get("fields", {})))


def screening_commit(*, batch_id: int, today: date | None = None) -> ScreeningBatch:
    """Check the ledger once more and write all of it, or nothing. Runs in the task worker."""
    batch = ScreeningBatch.objects.select_related("project", "region", "created_by").get(pk=batch_id)
    if batch.state not in (ScreeningBatch.State.QUEUED, ScreeningBatch.State.PREVIEW):
        return batch  # already done (a task run twice) or refused
    _set(batch, state=ScreeningBatch.State.RUNNING, rows_done=0)
    try:
        _require_place(batch.created_by, batch.project, batch.region)
        sheet = read_ledger(stored_path(batch).read_bytes())
    except (PermissionDenied, ValidationError, FileRefused, OSError) as exc:
        return _refuse(batch, _message(exc))
    check = check_sheet(sheet, plans_of(batch, sheet), project=batch.project, region=batch.region, today=today,
                        progress=lambda done, total: _set(batch, rows_done=done, rows_total=total))
    if check.blocking:
        return _finish(batch, check, ScreeningBatch.State.FAILED)
    try:
        with transaction.atomic():
            created = _write(batch, check)
            _finish(batch, check, ScreeningBatch.State.DONE, created=created)
            audit_record(actor=batch.created_by, action=AuditEvent.Action.CREATE, target=batch, changes={
                "created": created, "skipped": check.count(SKIP), "flagged": check.count(WARNING),
                "rows": check.rows_total, "file": batch.source_name})
    except IntegrityError:
        return _refuse(batch, _("While this ledger was being imported, another file was opened with one of its ID "
                                "numbers. Nothing was imported: check the ledger again and confirm once more."))
    return batch


def _write(batch: ScreeningBatch, check: Check) -> int:
    """Bulk inserts: children, then their family members, then their categories."""
    taken = set(Child.objects.filter(project_id=batch.project_id).values_list("pseudonym", flat=True))
    rng = random.Random()
    make_child = _builder(Child, screening_batch_id=batch.pk, created_by_id=batch.created_by_id,
                          status=Status.SCREENED)
    children = []
    for row in check.rows:
        child = make_child(row.child, pseudonym=_pseudonym(taken, rng))
        if row.id_number:
            child.set_id_number(row.id_number)
        children.append(child)
    Child.objects.bulk_create(children, batch_size=BATCH_SIZE)
    make_member = _builder(FamilyMember)
    members = []
    for row, child in zip(check.rows, children, strict=True):
        for fields in row.family:
            member = make_member(fields, child_id=child.pk)
            if row.phone and fields.get("is_guardian"):
                member.set_phone(row.phone)
            members.append(member)
    FamilyMember.objects.bulk_create(members, batch_size=BATCH_SIZE)
    by_rule = dict(DifficultyCategory.objects.exclude(rule="").filter(active=True).values_list("rule", "pk"))
    make_category = _builder(ChildCategory)
    recorded, computed = ChildCategory.Source.RECORDED, ChildCategory.Source.COMPUTED
    categories = []
    for row, child in zip(check.rows, children, strict=True):
        for category_id in row.recorded:
            categories.append(make_category({"child_id": child.pk, "category_id": category_id, "source": recorded}))
        for finding in row.findings:
            if finding.rule in by_rule:
                categories.append(make_category({"child_id": child.pk, "category_id": by_rule[finding.rule],
                                                 "source": computed, "reason": finding.reason[:300]}))
    ChildCategory.objects.bulk_create(categories, batch_size=BATCH_SIZE)
    return len(children)


def _builder(model: type[M], **common: Any) -> Callable[..., M]:
    """Makes unsaved instances from field values by attribute name, the way Django loads rows (positional
    arguments): several times faster than keyword arguments, which matters for 50,000 rows."""
    fields = model._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields}
    defaults.update(common)
    for f in fields:
        if callable(f.default) and f.default is not NOT_PROVIDED:
            defaults.pop(f.attname)  # mutable defaults (lists, dicts): a fresh one per instance
    factories = {f.attname: f.get_default for f in fields if f.attname not in defaults}
    order = [f.attname for f in fields]

    def make(values: dict[str, Any], **more: Any) -> M:
        values = {**values, **more} if more else values
        args = []
        for name in order:
            if name in values:
                args.append(values[name])
            elif name in defaults:
                args.append(defaults[name])
            else:
                args.append(factories[name]())
        return model(*args)

    return make


def _pseudonym(taken: set[str], rng: random.Random) -> str:
    while True:
        candidate = "".join(rng.sample(PSEUDONYM_STEMS, 2)) + f"{rng.randint(1, 999):03d}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _preview(batch: ScreeningBatch, sheet: Sheet, plans: list[mapping.ColumnPlan]) -> None:
    check = check_sheet(sheet, plans, project=batch.project, region=batch.region)
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
    return {"sheet": sheet.name, "header_row": sheet.header_row + 1, "fields": mapping.as_stored(plans)}


def _organisation_id(actor: Any, project: Project) -> int | None:
    """Whose mapping: the uploader's organisation, or (for staff without one) the project's contractor."""
    return getattr(actor, "organisation_id", None) or project.contractor_id


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, OSError):
        return _("The uploaded file is no longer on the server. Upload the ledger again.")
    return str(exc)
