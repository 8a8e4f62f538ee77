"""The work inside a case: assessments, the plan's goals and tasks, sessions, referrals and follow-up visits."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.models import Role, User
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases.choices import (
    OPEN_STAGES,
    Domain,
    Level,
    Method,
    PlanState,
    ReferralKind,
    ReferralStatus,
    SessionType,
    Stage,
)
from tongban.cases.models import Assessment, Case, DomainScore, FollowUp, Goal, Plan, Referral, ServiceSession, Task
from tongban.cases.services.case import _assign_child, require_case_write, set_stage
from tongban.cases.services.files import attachment_add
from tongban.children.choices import Risk

ASSESSMENT_STAGES = (Stage.ASSESSMENT, Stage.INTERVENTION, Stage.EVALUATION)
SESSION_STAGES = (Stage.ASSESSMENT, Stage.PLAN, Stage.INTERVENTION, Stage.EVALUATION)
REFERRAL_STAGES = (Stage.ASSESSMENT, Stage.PLAN, Stage.INTERVENTION, Stage.EVALUATION)
# Where a referral may go next.
REFERRAL_MOVES: dict[str, frozenset[str]] = {
    ReferralStatus.SENT: frozenset({ReferralStatus.ACCEPTED, ReferralStatus.DECLINED}),
    ReferralStatus.ACCEPTED: frozenset({ReferralStatus.DONE, ReferralStatus.DECLINED}),
    ReferralStatus.DONE: frozenset(),
    ReferralStatus.DECLINED: frozenset(),
}


def _not_future(day: date, field: str) -> None:
    if day > date.today():
        raise ValidationError({field: _("The date cannot be in the future.")})


def _not_before_intake(case: Case, day: date, field: str) -> None:
    if day < case.opened_on:
        raise ValidationError({field: _("The date cannot be before the case was opened.")})


@transaction.atomic
def assessment_record(*, actor: Any, case: Case, assessed_on: date, methods: list[str], needs: str, risk: str,
                      scores: dict[str, tuple[int, str]]) -> Assessment:
    """Record an assessment: every domain scored; later ones are re-assessments compared with the first.

    The assessed risk level becomes the child's risk level on the file.
    """
    require_case_write(actor, case)
    if case.stage not in ASSESSMENT_STAGES:
        raise ValidationError(_("Assessments are recorded in the assessment stage, and again during the "
                                "intervention or at evaluation."), code="stage")
    _not_future(assessed_on, "assessed_on")
    _not_before_intake(case, assessed_on, "assessed_on")
    if not methods or any(m not in Method.values for m in methods):
        raise ValidationError({"methods": _("Tick how you assessed the child.")})
    missing = [str(Domain(d).label) for d in Domain.values if d not in scores]
    if missing:
        raise ValidationError(_("Score every domain. Missing: %(domains)s.") % {"domains": "、".join(missing)})
    if any(level not in Level.values for level, _notes in scores.values()):
        raise ValidationError(_("Each domain is scored from 1 (no concern) to 4 (severe)."))
    if risk not in Risk.values:
        raise ValidationError({"risk": _("Choose the overall risk level.")})
    needs = (needs or "").strip()
    if not needs:
        raise ValidationError({"needs": _("Write the needs you identified.")})
    assessment = Assessment(case=case, assessed_on=assessed_on, methods=list(methods), assessor=actor, needs=needs,
                            risk=risk, is_reassessment=case.assessments.exists())
    assessment.full_clean()
    assessment.save()
    DomainScore.objects.bulk_create(DomainScore(assessment=assessment, domain=d, level=scores[d][0],
                                                notes=(scores[d][1] or "").strip()[:500]) for d in Domain.values)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=assessment,
                 changes={"case": case.pk, "risk": risk, "levels": {d: scores[d][0] for d in Domain.values}})
    _assign_child(actor, case.child, risk=risk)
    return assessment


def _editable_plan(actor: Any, case: Case) -> Plan:
    require_case_write(actor, case)
    if case.stage != Stage.PLAN:
        raise ValidationError(_("The plan is written in the plan stage. To change an approved plan, move the case "
                                "back to the plan stage at evaluation."), code="stage")
    plan = Plan.objects.filter(case=case).first()
    if plan is not None and plan.state == PlanState.SUBMITTED:
        raise ValidationError(_("The plan is waiting for the team lead and cannot be changed now."))
    if plan is None:
        raise ValidationError(_("Write the plan's overall aim first."))
    return plan


@transaction.atomic
def plan_save(*, actor: Any, case: Case, aim: str) -> Plan:
    require_case_write(actor, case)
    plan = Plan.objects.filter(case=case).first()
    if plan is not None:
        plan = _editable_plan(actor, case)
    elif case.stage != Stage.PLAN:
        raise ValidationError(_("The plan is written in the plan stage."), code="stage")
    plan = plan or Plan(case=case)
    plan.aim = (aim or "").strip()
    plan.state = PlanState.DRAFT
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=case, changes={"plan_aim": plan.aim})
    return plan


@transaction.atomic
def goal_add(*, actor: Any, case: Case, domain: str, need: str, description: str, due_on: date) -> Goal:
    plan = _editable_plan(actor, case)
    goal = Goal(plan=plan)
    _goal_set(case, goal, domain=domain, need=need, description=description, due_on=due_on)
    goal.save()
    _plan_reworked(plan)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=goal, changes={"case": case.pk})
    return goal


@transaction.atomic
def goal_update(*, actor: Any, goal: Goal, domain: str, need: str, description: str, due_on: date) -> Goal:
    """Change a goal of a plan still being written; its tasks stay due before it."""
    case = goal.plan.case
    plan = _editable_plan(actor, case)
    if goal.plan_id != plan.pk:
        raise PermissionDenied
    changed = _goal_set(case, goal, domain=domain, need=need, description=description, due_on=due_on)
    if goal.tasks.filter(due_on__gt=due_on).exists():
        raise ValidationError({"due_on": _("Some tasks of this goal are due after this date.")})
    if changed:
        goal.save()
        _plan_reworked(plan)
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=goal, changes={"case": case.pk, **changed})
    return goal


def _goal_set(case: Case, goal: Goal, **fields: Any) -> dict[str, Any]:
    """Give the goal these values, checked; what changed."""
    if fields["due_on"] < case.opened_on:
        raise ValidationError({"due_on": _("The date cannot be before the case was opened.")})
    fields["need"] = (fields["need"] or "").strip()
    fields["description"] = (fields["description"] or "").strip()
    changed = {name: value for name, value in fields.items() if getattr(goal, name, None) != value}
    for name, value in changed.items():
        setattr(goal, name, value)
    goal.full_clean()
    return changed


def _plan_reworked(plan: Plan) -> None:
    # A plan the team lead returned is a draft again once it is worked on.
    if plan.state == PlanState.RETURNED:
        Plan.objects.filter(pk=plan.pk).update(state=PlanState.DRAFT)


@transaction.atomic
def task_add(*, actor: Any, goal: Goal, description: str, owner: User, due_on: date) -> Task:
    case = goal.plan.case
    _editable_plan(actor, case)
    if (owner.team_id is None or owner.role not in (Role.WORKER, Role.TEAM_LEAD)
            or owner.team.project_id != case.project_id):
        raise ValidationError({"owner": _("A task is done by a social worker or team lead of this project.")})
    if goal.due_on and due_on > goal.due_on:
        raise ValidationError({"due_on": _("A task is due before its goal's date.")})
    task = Task(goal=goal, description=(description or "").strip(), owner=owner, due_on=due_on)
    task.full_clean()
    task.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=task, changes={"case": case.pk})
    return task


@transaction.atomic
def task_done(*, actor: Any, task: Task, done_on: date | None = None) -> Task:
    case = task.goal.plan.case
    require_case_write(actor, case)
    if case.stage not in OPEN_STAGES:
        raise ValidationError(_("This case is closed."), code="stage")
    done_on = done_on or date.today()
    _not_future(done_on, "done_on")
    task.done_on = done_on
    task.save(update_fields=["done_on"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=task, changes={"done_on": done_on})
    return task


@transaction.atomic
def session_record(*, actor: Any, case: Case, held_on: date, kind: str, minutes: int, participants: str = "",
                   notes: str = "", files: list[UploadedFile] | None = None) -> ServiceSession:
    """Record one service session with its notes and photos or PDFs."""
    require_case_write(actor, case)
    if case.stage not in SESSION_STAGES:
        raise ValidationError(_("Sessions are recorded from the assessment until the case is closed; visits after "
                                "closure are recorded as follow-ups."), code="stage")
    _not_future(held_on, "held_on")
    _not_before_intake(case, held_on, "held_on")
    if kind not in SessionType.values:
        raise ValidationError({"kind": _("Choose the type of session.")})
    if not 5 <= (minutes or 0) <= 600:
        raise ValidationError({"minutes": _("A session lasts 5 to 600 minutes.")})
    session = ServiceSession(case=case, held_on=held_on, kind=kind, minutes=minutes, worker=actor,
                             participants=(participants or "").strip(), notes=(notes or "").strip())
    session.full_clean()
    session.save()
    for upload in files or []:
        attachment_add(actor=actor, session=session, upload=upload)
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=session,
                 changes={"case": case.pk, "kind": kind, "minutes": minutes, "attachments": len(files or [])})
    return session


@transaction.atomic
def referral_send(*, actor: Any, case: Case, kind: str, receiver: str, consent_checked: bool, notes: str = "",
                  sent_on: date | None = None) -> Referral:
    """Refer the child to a policy resource. The guardian must have agreed to the child's information being shared."""
    require_case_write(actor, case)
    if case.stage not in REFERRAL_STAGES:
        raise ValidationError(_("Referrals are made while the case is open, from the assessment on."), code="stage")
    sent_on = sent_on or date.today()
    _not_future(sent_on, "sent_on")
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("Choose the resource the child is referred to.")})
    if not consent_checked:
        raise ValidationError({"consent_checked": _(
            "Ask the guardian's consent before sharing the child's information with another organisation.")})
    referral = Referral(case=case, kind=kind, receiver=(receiver or "").strip(), consent_checked=True,
                        notes=(notes or "").strip(), sent_on=sent_on, status_on=sent_on, recorded_by=actor)
    referral.full_clean()
    referral.save()
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=referral,
                 changes={"case": case.pk, "kind": kind, "receiver": referral.receiver})
    return referral


@transaction.atomic
def referral_update(*, actor: Any, referral: Referral, status: str, outcome: str = "",
                    on: date | None = None) -> Referral:
    require_case_write(actor, referral.case)
    on = on or date.today()
    _not_future(on, "on")
    if status not in REFERRAL_MOVES.get(referral.status, frozenset()):
        raise ValidationError(_("A referral that is “%(current)s” cannot become “%(to)s”.") % {
            "current": referral.get_status_display(), "to": ReferralStatus(status).label
            if status in ReferralStatus.values else status}, code="transition")
    if on < referral.sent_on:
        raise ValidationError({"on": _("The date cannot be before the referral was sent.")})
    referral.status, referral.status_on = status, on
    referral.outcome = (outcome or "").strip() or referral.outcome
    referral.save(update_fields=["status", "status_on", "outcome"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=referral, changes={"status": status})
    return referral


@transaction.atomic
def follow_up_record(*, actor: Any, follow_up: FollowUp, done_on: date, notes: str) -> FollowUp:
    """Record a follow-up visit; when the last one is done the case ends."""
    case = follow_up.case
    require_case_write(actor, case)
    if case.stage != Stage.FOLLOW_UP:
        raise ValidationError(_("Follow-up visits are recorded after the closure is approved."), code="stage")
    if follow_up.done_on is not None:
        raise ValidationError(_("This follow-up visit is already recorded."))
    _not_future(done_on, "done_on")
    if case.closed_on and done_on < case.closed_on:
        raise ValidationError({"done_on": _("A follow-up visit comes after the closure.")})
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": _("Write what you found on the visit.")})
    follow_up.done_on, follow_up.visited_by, follow_up.notes = done_on, actor, notes
    follow_up.save(update_fields=["done_on", "visited_by", "notes"])
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=follow_up, changes={"done_on": done_on})
    if not FollowUp.objects.filter(case=case, done_on__isnull=True).exists():
        set_stage(case, Stage.ENDED, actor=actor, today=done_on)
    return follow_up


