"""A screening batch from upload to files: upload and preview, correct the mapping, confirm, commit.

The commit runs in the task worker. It checks the stored file again (files may
have been opened meanwhile), then writes every row in one transaction with bulk
inserts: either the whole ledger is on record afterwards, or none of it.
"""

import base64
import hashlib
import json
import random
import uuid
import zlib
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.access import access, scope_for
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.children import rules
from tongban.children.choices import Status
from tongban.children.models import Child, ChildCategory, DifficultyCategory, FamilyMember, ScreeningBatch
from tongban.children.screening import mapping
from tongban.children.screening.checking import (
    CHUNK,
    ERROR,
    SKIP,
    WARNING,
    Check,
    ParsedRow,
    Problem,
    check_file,
    check_record,
)
from tongban.children.screening.columns import norm_header
from tongban.children.screening.reading import FileRefused, Sheet, read_ledger
from tongban.children.services import PSEUDONYM_STEMS
from tongban.core import crypto
from tongban.organisations.models import Project
from tongban.organisations.selectors import projects_visible_to
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to

INSERT_CHUNK = 5000
# How many problems of each kind a batch keeps to show; the summary keeps the full counts.
KEEP = {ERROR: 5000, WARNING: 2000, SKIP: 200}
# Rows written per round: ids are looked up by pseudonym, so stay below SQLite's classic 999 parameters.
PROGRESS_EVERY = CHUNK


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


def stored_bytes(batch: ScreeningBatch) -> bytes:
    return _open_sealed(stored_path(batch).read_text())


def _store(data: bytes) -> str:
    """Uploads are kept encrypted (a ledger holds thousands of ID numbers), outside anything served by URL."""
    folder = Path(settings.MEDIA_ROOT) / "screening"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"screening/{uuid.uuid4().hex}.xlsx.enc"
    path = Path(settings.MEDIA_ROOT) / name
    path.write_text(_seal(data))
    path.chmod(0o600)
    return name


def _seal(data: bytes) -> str:
    """Bytes encrypted with the field keys (so key rotation covers them too)."""
    return crypto.encrypt(base64.b64encode(zlib.compress(data, 1)).decode("ascii"))


def _open_sealed(token: str) -> bytes:
    return zlib.decompress(base64.b64decode(crypto.decrypt(token.strip())))


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
    sheet = read_ledger(stored_bytes(batch))
    mapping.remember(_organisation_id(actor, batch.project), plans_of(batch, sheet))
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
        stored_file=_store(data), mapping=_mapping_record(sheet, plans), state=ScreeningBatch.State.QUEUED)
    _save_checked(batch, data, check)
    mapping.remember(organisation_id, plans)
    batch = screening_commit(batch_id=batch.pk, today=check.today)
    return check, batch


def plans_of(batch: ScreeningBatch, sheet: Sheet) -> list[mapping.ColumnPlan]:
    return mapping.propose(sheet, {}, dict(batch.mapping.get("fields", {})))


def screening_commit(*, batch_id: int, today: date | None = None) -> ScreeningBatch:
    """Check the ledger once more and write all of it, or nothing. Runs in the task worker."""
    batch = ScreeningBatch.objects.select_related("project", "region", "created_by").get(pk=batch_id)
    if batch.state not in (ScreeningBatch.State.QUEUED, ScreeningBatch.State.PREVIEW):
        return batch  # already done (a task run twice) or refused
    _set(batch, state=ScreeningBatch.State.RUNNING, rows_done=0)
    today = today or date.today()
    try:
        _require_place(batch.created_by, batch.project, batch.region)
        data = stored_bytes(batch)
        check = _load_checked(batch, data, today)
        if check is None:
            sheet = read_ledger(data)
            check = check_file(sheet, plans_of(batch, sheet), project=batch.project, region=batch.region,
                               today=today, progress=lambda done, total: _set(batch, rows_done=done,
                                                                                rows_total=total))
    except (PermissionDenied, ValidationError, FileRefused, OSError) as exc:
        return _refuse(batch, _message(exc))
    if not check.blocking:
        check_record(check)  # files opened since the preview count too
    _checked_path(batch).unlink(missing_ok=True)
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
    finally:
        _progress_path(batch).unlink(missing_ok=True)
    return batch


def _write(batch: ScreeningBatch, check: Check) -> int:
    """Insert children, then their family members, then their categories, a few hundred rows per statement."""
    taken = set(Child.objects.filter(project_id=batch.project_id).values_list("pseudonym", flat=True))
    rng = random.Random()
    by_rule = dict(DifficultyCategory.objects.exclude(rule="").filter(active=True).values_list("rule", "pk"))
    common = {"screening_batch_id": batch.pk, "created_by_id": batch.created_by_id, "status": Status.SCREENED}
    recorded, computed = ChildCategory.Source.RECORDED, ChildCategory.Source.COMPUTED
    for start in range(0, len(check.rows), PROGRESS_EVERY):
        rows = check.rows[start:start + PROGRESS_EVERY]
        children = []
        for row in rows:
            values = {**row.child, **common, "pseudonym": _pseudonym(taken, rng)}
            if row.id_number:
                values.update(_computed(Child.set_id_number, row.id_number, ID_FIELDS))
            children.append(values)
        _insert(Child, children)
        # The pseudonym is unique within the project (and indexed so): it tells which new row is whose.
        ids = dict(Child.objects.filter(project_id=batch.project_id, pseudonym__in=[c["pseudonym"] for c in children])
                   .values_list("pseudonym", "pk"))
        members, categories = [], []
        for row, values in zip(rows, children, strict=True):
            child_id = ids[values["pseudonym"]]
            for fields in row.family:
                member = {**fields, "child_id": child_id}
                if row.phone and fields.get("is_guardian"):
                    member.update(_computed(FamilyMember.set_phone, row.phone, PHONE_FIELDS))
                members.append(member)
            for category_id in row.recorded:
                categories.append({"child_id": child_id, "category_id": category_id, "source": recorded})
            for finding in row.findings:
                if finding.rule in by_rule:
                    categories.append({"child_id": child_id, "category_id": by_rule[finding.rule],
                                       "source": computed, "reason": finding.reason[:300]})
        _insert(FamilyMember, members)
        _insert(ChildCategory, categories)
        _saving(batch, start + len(rows), len(check.rows))
    return len(check.rows)


# Inside the import's transaction no other connection sees the batch's progress (and on SQLite none may
# write), so the progress of saving goes to a small file next to the upload, for the progress page.
def _progress_path(batch: ScreeningBatch) -> Path:
    return stored_path(batch).with_suffix(".progress")


def _saving(batch: ScreeningBatch, done: int, total: int) -> None:
    _progress_path(batch).write_text(f"{done} {total}")


def saving_progress(batch: ScreeningBatch) -> tuple[int, int] | None:
    """Rows saved so far and rows to save, while a batch is being written."""
    try:
        done, total = _progress_path(batch).read_text().split()
        return int(done), int(total)
    except (OSError, ValueError):
        return None


def _computed(setter: Any, value: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The encrypted and indexed fields the model's own setter makes, without building a model instance
    (which would cost more than the encryption itself)."""
    holder = SimpleNamespace()
    setter(holder, value)
    return {name: getattr(holder, name) for name in names}


ID_FIELDS = ("id_encrypted", "id_masked", "id_digest", "id_tail4", "id_tail5", "id_tail6")
PHONE_FIELDS = ("phone_encrypted", "phone_masked", "phone_digest")
# Field types whose Python values the database driver cannot take as they are.
_PREPARED = (models.DateField, models.TimeField, models.DurationField, models.DecimalField, models.JSONField,
             models.UUIDField, models.BinaryField)


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows given as {attname: value}, many per statement, without building model instances.

    bulk_create would spend most of a 50,000-row import turning each value into SQL one by one; here
    values pass straight to the driver, except the few field types that need converting (dates, JSON),
    and defaults and timestamps are converted once. Like bulk_create, no save() and no signals.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    pairs, convert = [], []
    for index, f in enumerate(fields):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            pairs.append((f.attname, f.get_db_prep_save(now, connection)))
            continue
        pairs.append((f.attname, f.get_db_prep_save(f.get_default(), connection)))
        if isinstance(f, _PREPARED):
            convert.append((index, f.attname, f))
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    prepared: dict[tuple[str, Any], Any] = {}  # few distinct values (welfare lists, dates): convert each once
    params = []
    for row in rows:
        values = [row.get(name, default) for name, default in pairs]
        for index, name, field in convert:
            if name in row:
                value = row[name]
                key = (name, tuple(value) if isinstance(value, list) else value)
                try:
                    values[index] = prepared[key]
                except KeyError:
                    values[index] = prepared[key] = field.get_db_prep_save(value, connection)
                except TypeError:  # unhashable (a dict for a JSON field): convert it on its own
                    values[index] = field.get_db_prep_save(value, connection)
        params.append(values)
    with connection.cursor() as cursor:
        for start in range(0, len(params), INSERT_CHUNK):
            cursor.executemany(sql, params[start:start + INSERT_CHUNK])


def _pseudonym(taken: set[str], rng: random.Random) -> str:
    while True:
        candidate = "".join(rng.sample(PSEUDONYM_STEMS, 2)) + f"{rng.randint(1, 999):03d}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _preview(batch: ScreeningBatch, data: bytes, sheet: Sheet, plans: list[mapping.ColumnPlan]) -> None:
    check = check_file(sheet, plans, project=batch.project, region=batch.region)
    _checked_path(batch).unlink(missing_ok=True)
    if not check.blocking:
        _save_checked(batch, data, check)
        check_record(check)
    _finish(batch, check, ScreeningBatch.State.PREVIEW)


# The preview's reading of the file is kept, encrypted, next to the upload, so the worker does not read
# and check every row a second time: for a large ledger that is half of the import's time. The worker
# uses it only for the same file, mapping and day, and still checks again the files on record.
CHECKED_FORMAT = 1


def _checked_path(batch: ScreeningBatch) -> Path:
    return stored_path(batch).with_suffix(".checked")


def _fingerprint(batch: ScreeningBatch, data: bytes, today: date) -> str:
    mapping_text = json.dumps([batch.mapping, batch.project_id, batch.region_id, today.isoformat(), CHECKED_FORMAT],
                              sort_keys=True)
    return hashlib.sha256(data + mapping_text.encode()).hexdigest()


def _save_checked(batch: ScreeningBatch, data: bytes, check: Check) -> None:
    keys = sorted({key for r in check.rows for key in r.child})
    rows = [[r.row, [r.child.get(k) for k in keys], r.family, r.recorded, r.claimed, r.id_number, r.phone,
             [[f.rule, f.reason] for f in r.findings]] for r in check.rows]
    content = {"fingerprint": _fingerprint(batch, data, check.today), "labels": check.labels,
               "rows_total": check.rows_total, "keys": keys, "rows": rows,
               "problems": [p.as_dict() for p in check.problems]}
    path = _checked_path(batch)
    path.write_text(_seal(json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str).encode()))
    path.chmod(0o600)


def _load_checked(batch: ScreeningBatch, data: bytes, today: date) -> Check | None:
    try:
        content = json.loads(_open_sealed(_checked_path(batch).read_text()))
    except (OSError, ValueError, zlib.error, ImproperlyConfigured):
        return None
    if content.get("fingerprint") != _fingerprint(batch, data, today):
        return None
    check = Check(plans=[], labels=content["labels"], today=today, rows_total=content["rows_total"],
                  problems=[Problem(**p) for p in content["problems"]])
    keys = content["keys"]
    for row, values, family, recorded, claimed, id_number, phone, findings in content["rows"]:
        child = {k: v for k, v in zip(keys, values, strict=True) if v is not None}
        child["birth_date"] = date.fromisoformat(child["birth_date"])
        check.rows.append(ParsedRow(row, child, family, recorded, claimed, id_number, phone,
                                    [rules.Finding(rule, reason) for rule, reason in findings]))
    return check


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
