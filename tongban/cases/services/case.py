"""Opening a case, moving it through the stages of MZ/T 094-2017, editing it, handing it over."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.accounts.access import scope_for
from tongban.accounts.models import Role, User
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases.choices import OPEN_STAGES, Stage
from tongban.cases.models import Case, StageChange, Task, Transfer
from tongban.cases.selectors import cases_visible_to
from tongban.children.choices import Status
from tongban.children.models import Child
from tongban.children.selectors import children_visible_to

CONFLICT_MESSAGE = gettext_lazy("Someone else changed this case while you were editing it. Your text is kept below; "
                    "compare it with what is saved now, then save again.")
CASE_FIELDS = ("opened_on", "source", "reason")

# Where each stage may go. Some moves have their own service because they need more than a click:
# plan → intervention is the lead's approval of the plan, → closure is the closure with its exit reason,
# and closure → evaluation / follow-up / ended is the lead's decision on it.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.INTAKE: frozenset({Stage.ASSESSMENT, Stage.CLOSURE}),
    Stage.ASSESSMENT: frozenset({Stage.PLAN, Stage.CLOSURE}),
    Stage.PLAN: frozenset({Stage.INTERVENTION, Stage.CLOSURE}),
    Stage.INTERVENTION: frozenset({Stage.EVALUATION, Stage.CLOSURE}),
    Stage.EVALUATION: frozenset({Stage.INTERVENTION, Stage.PLAN, Stage.CLOSURE}),
    Stage.CLOSURE: frozenset({Stage.INTERVENTION, Stage.EVALUATION, Stage.PLAN, Stage.ASSESSMENT, Stage.INTAKE,
                              Stage.FOLLOW_UP, Stage.ENDED}),
    Stage.FOLLOW_UP: frozenset({Stage.ENDED}),
    Stage.ENDED: frozenset(),
}
# Moves made by case_move; the others go through their own service.
_BY_APPROVAL = {(Stage.PLAN, Stage.INTERVENTION)} | {(Stage.CLOSURE, s) for s in TRANSITIONS[Stage.CLOSURE]}


class CaseConflict(ValidationError):
    """The case changed since the form was loaded; carries the case as it is saved now."""

    def __init__(self, current: Case) -> None:
        super().__init__(str(CONFLICT_MESSAGE), code="conflict")
        self.current = current


def require_case_write(actor: Any, case: Case, kind: str = "case") -> None:
    if not scope_for(actor).may_write(kind):
        raise PermissionDenied(_("Your account cannot change case records."))
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


def set_stage(case: Case, to: str, *, actor: Any, today: date, comment: str = "") -> None:
    """Move the case and keep the history; the version goes up so open forms notice."""
    from_stage = case.stage
    case.stage, case.stage_since = to, today
    Case.objects.filter(pk=case.pk).update(stage=to, stage_since=today, version=F("version") + 1)
    case.version += 1
    StageChange.objects.create(case=case, from_stage=from_stage, to_stage=to, changed_on=today,
                               changed_by=actor if getattr(actor, "is_authenticated", False) else None,
                               comment=comment[:500])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=case,
                 changes={"stage": to, "from": from_stage, **({"comment": comment} if comment else {})})


def refuse_move(case: Case, to: str) -> None:
    """Refuse a move the stages do not allow, saying why in the worker's words."""
    if to not in TRANSITIONS[case.stage]:
        if case.stage == Stage.ENDED:
            raise ValidationError(_("This case has ended. Open a new case if the child needs help again."),
                                  code="transition")
        raise ValidationError(_("A case in the stage “%(current)s” cannot move to “%(to)s”.")
                              % {"current": stage_label(case.stage), "to": stage_label(to)}, code="transition")


def _worker_for(child: Child, worker: User) -> None:
    team = worker.team if worker.team_id else None
    if (worker.role not in (Role.WORKER, Role.TEAM_LEAD) or not worker.is_active or team is None
            or team.project_id != child.project_id or not child.region.path.startswith(team.region.path)):
        raise ValidationError({"worker": _(
            "The social worker must belong to the project team of the child's county.")})


def _assign_child(actor: Any, child: Child, **fields: Any) -> None:
    from tongban.children.services import child_update

    fresh = Child.objects.select_related("region").get(pk=child.pk)
    changed = {k: v for k, v in fields.items() if getattr(fresh, k) != v}
    if changed:
        child_update(actor=actor, child=fresh, **changed)
    # The caller's copy of the file shows the change too.
    for name, value in fields.items():
        setattr(child, name, value)
    child.version = fresh.version


@transaction.atomic
def case_open(*, actor: Any, child: Child, worker: User, reason: str, opened_on: date | None = None,
              source: str = Case.Source.SCREENING) -> Case:
    """Take a child into case work (接案): one open case per child and project, with a worker of the child's team."""
    if not scope_for(actor).may_write("case"):
        raise PermissionDenied(_("Your account cannot change case records."))
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied
    opened_on = opened_on or date.today()
    if opened_on > date.today():
        raise ValidationError({"opened_on": _("The intake date cannot be in the future.")})
    _worker_for(child, worker)
    if Case.objects.open().filter(child=child, project_id=child.project_id).exists():
        raise ValidationError(_("%(name)s already has an open case in this project. Continue that case instead.")
                              % {"name": child.name}, code="open_case")
    case = Case(child=child, project_id=child.project_id, team=worker.team, worker=worker, opened_on=opened_on,
                source=source, reason=(reason or "").strip(), stage=Stage.INTAKE, stage_since=opened_on,
                created_by=actor if getattr(actor, "is_authenticated", False) else None)
    case.full_clean()
    case.save()
    StageChange.objects.create(case=case, to_stage=Stage.INTAKE, changed_on=opened_on, changed_by=case.created_by)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=case,
                 changes={"child": child.pk, "worker": worker.pk, "source": source})
    _assign_child(actor, child, status=Status.IN_SERVICE, assigned_worker=worker)
    return case


@transaction.atomic
def case_move(*, actor: Any, case: Case, to: str, comment: str = "", version: int | None = None,
              today: date | None = None) -> Case:
    """A move between stages made by the worker; each has its condition, refused with the reason."""
    require_case_write(actor, case)
    today = today or date.today()
    if version is not None and version != case.version:
        raise CaseConflict(Case.objects.get(pk=case.pk))
    refuse_move(case, to)
    if (case.stage, to) in _BY_APPROVAL:
        raise ValidationError(_("Only the team lead's approval moves a case out of this stage.")
                              if case.stage == Stage.CLOSURE else
                              _("The intervention starts when the team lead approves the plan. Submit the plan."),
                              code="transition")
    if to == Stage.CLOSURE:
        raise ValidationError(_("Close a case with its exit reason and follow-up schedule."), code="transition")
    if to == Stage.PLAN and case.stage == Stage.ASSESSMENT and not case.assessments.exists():
        raise ValidationError(_("Record the assessment before planning the service."), code="transition")
    if to == Stage.EVALUATION and not case.sessions.exists():
        raise ValidationError(_("Record at least one service session before the evaluation."), code="transition")
    if to == Stage.ENDED and case.follow_ups.filter(done_on__isnull=True, due_on__gt=today).exists() and not comment:
        raise ValidationError(_("Follow-up visits are still scheduled. Say why the follow-up ends early."),
                              code="transition")
    set_stage(case, to, actor=actor, today=today, comment=comment)
    return case


@transaction.atomic
def case_update(*, actor: Any, case: Case, version: int | None = None, **fields: Any) -> Case:
    """Change the intake details. With `version`, a change made meanwhile by someone else is refused, not lost."""
    require_case_write(actor, case)
    if version is not None and version != case.version:
        raise CaseConflict(Case.objects.get(pk=case.pk))
    changed = []
    for name, value in fields.items():
        if name not in CASE_FIELDS:
            raise TypeError(f"unknown case field {name}")
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    if case.opened_on and case.opened_on > date.today():
        raise ValidationError({"opened_on": _("The intake date cannot be in the future.")})
    case.full_clean()
    if not Case.objects.filter(pk=case.pk, version=case.version).update(version=F("version") + 1):
        raise CaseConflict(Case.objects.get(pk=case.pk))
    case.version += 1
    case.save()
    if changed:
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=case,
                     changes={name: getattr(case, name) for name in changed})
    return case


@transaction.atomic
def case_transfer(*, actor: Any, case: Case, to_worker: User, reason: str, transferred_on: date | None = None) -> Case:
    """Hand the case to another worker, of this team or of another team of the project; the history is kept."""
    require_case_write(actor, case, "case_transfer")
    transferred_on = transferred_on or date.today()
    if case.stage == Stage.ENDED:
        raise ValidationError(_("This case has ended. Open a new case if the child needs help again."))
    if to_worker.pk == case.worker_id:
        raise ValidationError({"to_worker": _("The case is already with this social worker.")})
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the case is handed over; the reason is kept in its history.")})
    if transferred_on > date.today():
        raise ValidationError({"transferred_on": _("The date cannot be in the future.")})
    child = Child.objects.select_related("region").get(pk=case.child_id)
    try:
        _worker_for(child, to_worker)
    except ValidationError:
        raise ValidationError({"to_worker": _(
            "The new social worker must belong to a team of this project that covers the child's current "
            "region. If the child has moved, change the child's region first.")}) from None
    transfer = Transfer.objects.create(
        case=case, transferred_on=transferred_on, from_worker_id=case.worker_id, to_worker=to_worker,
        from_team_id=case.team_id, to_team=to_worker.team, reason=reason, recorded_by=actor)
    # The tasks still to do go with the case.
    Task.objects.filter(goal__plan__case=case, owner_id=case.worker_id, done_on__isnull=True).update(owner=to_worker)
    Case.objects.filter(pk=case.pk).update(worker=to_worker, team=to_worker.team, version=F("version") + 1)
    case.worker, case.team, case.version = to_worker, to_worker.team, case.version + 1
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=case,
                 changes={"worker": to_worker.pk, "team": to_worker.team_id, "transfer": transfer.pk,
                          "reason": reason})
    if case.stage in OPEN_STAGES:
        _assign_child(actor, child, assigned_worker=to_worker)
    return case
