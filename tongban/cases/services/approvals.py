"""Plans and closures go to the team lead, who approves them or sends them back with a comment."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.access import may_approve
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases.choices import OPEN_STAGES, ApprovalKind, ApprovalState, ExitReason, PlanState, Stage
from tongban.cases.models import Approval, Case, FollowUp, Plan, StageChange
from tongban.cases.services.case import _assign_child, refuse_move, require_case_write, set_stage
from tongban.children.choices import Status
from tongban.children.models import Child

MAX_FOLLOW_UP_MONTHS = 24


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    return day + timedelta(days=30 * months)


@transaction.atomic
def plan_submit(*, actor: Any, case: Case) -> Approval:
    """Send the plan to the team lead. It needs at least one goal, and a task for every goal."""
    require_case_write(actor, case)
    if case.stage != Stage.PLAN:
        raise ValidationError(_("A plan is submitted while the case is in the plan stage."), code="transition")
    plan = Plan.objects.filter(case=case).first()
    if plan is None or not plan.goals.exists():
        raise ValidationError(_("Write the plan and at least one goal before sending it to the team lead."))
    if plan.goals.filter(tasks__isnull=True).exists():
        raise ValidationError(_("Every goal needs at least one task with a due date and who does it."))
    if plan.state == PlanState.SUBMITTED:
        raise ValidationError(_("The plan is already waiting for the team lead."))
    plan.state = PlanState.SUBMITTED
    plan.save(update_fields=["state", "updated_at"])
    approval = Approval.objects.create(case=case, kind=ApprovalKind.PLAN, submitted_by=actor)
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=case, changes={"plan": "submitted"})
    return approval


@transaction.atomic
def closure_submit(*, actor: Any, case: Case, exit_reason: str, summary: str, follow_up_months: list[int],
                   today: date | None = None) -> Approval:
    """Propose to close the case (结案): exit reason, summary and the follow-up schedule go to the team lead."""
    require_case_write(actor, case)
    today = today or date.today()
    refuse_move(case, Stage.CLOSURE)
    if exit_reason not in ExitReason.values:
        raise ValidationError({"exit_reason": _("Choose why the case closes.")})
    if exit_reason == ExitReason.GOALS_MET and case.stage != Stage.EVALUATION:
        raise ValidationError({"exit_reason": _(
            "A case closes with its goals met only after the evaluation. Move it to evaluation first.")})
    months = sorted(set(follow_up_months or []))
    if any(m < 1 or m > MAX_FOLLOW_UP_MONTHS for m in months):
        raise ValidationError({"follow_up_months": _("Follow-up visits are 1 to 24 months after closure.")})
    if exit_reason == ExitReason.DIED and months:
        raise ValidationError({"follow_up_months": _("No follow-up is scheduled when the child has died.")})
    summary = (summary or "").strip()
    if len(summary) < 2:
        raise ValidationError({"summary": _("Write a short closure summary for the team lead.")})
    case.exit_reason, case.closure_summary, case.follow_up_months = exit_reason, summary, months
    case.save(update_fields=["exit_reason", "closure_summary", "follow_up_months", "updated_at"])
    set_stage(case, Stage.CLOSURE, actor=actor, today=today)
    approval = Approval.objects.create(case=case, kind=ApprovalKind.CLOSURE, submitted_by=actor)
    return approval


@transaction.atomic
def approval_decide(*, actor: Any, approval: Approval, approve: bool, comment: str = "",
                    today: date | None = None) -> Approval:
    """The team lead of the case's team approves, or returns with a comment saying what to change."""
    today = today or date.today()
    case = Case.objects.select_related("team__region").get(pk=approval.case_id)
    if not may_approve(actor, case.team):
        raise PermissionDenied(_("Only the team lead of this case's team can approve it."))
    if approval.state != ApprovalState.PENDING:
        raise ValidationError(_("This has already been decided."))
    comment = (comment or "").strip()
    if not approve and len(comment) < 2:
        raise ValidationError({"comment": _("Say what the worker should change.")})
    approval.state = ApprovalState.APPROVED if approve else ApprovalState.RETURNED
    approval.decided_by, approval.decided_at, approval.comment = actor, timezone.now(), comment
    approval.save()
    if approval.kind == ApprovalKind.PLAN:
        _decide_plan(actor, case, approve, comment, today)
    else:
        _decide_closure(actor, case, approve, comment, today)
    audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=case,
                 changes={approval.kind: approval.state, **({"comment": comment} if comment else {})})
    return approval


def _decide_plan(actor: Any, case: Case, approve: bool, comment: str, today: date) -> None:
    plan = case.plan
    plan.state = PlanState.APPROVED if approve else PlanState.RETURNED
    plan.approved_on = today if approve else plan.approved_on
    plan.save(update_fields=["state", "approved_on", "updated_at"])
    if approve:
        set_stage(case, Stage.INTERVENTION, actor=actor, today=today, comment=comment)


def _decide_closure(actor: Any, case: Case, approve: bool, comment: str, today: date) -> None:
    if not approve:
        # Back to where the worker proposed the closure from.
        before = (StageChange.objects.filter(case=case, to_stage=Stage.CLOSURE).order_by("-changed_at", "-pk")
                  .values_list("from_stage", flat=True).first()) or Stage.EVALUATION
        set_stage(case, before, actor=actor, today=today, comment=comment)
        return
    case.closed_on = today
    case.save(update_fields=["closed_on", "updated_at"])
    FollowUp.objects.bulk_create(FollowUp(case=case, months=m, due_on=_months_later(today, m))
                                 for m in case.follow_up_months)
    set_stage(case, Stage.FOLLOW_UP if case.follow_up_months else Stage.ENDED, actor=actor, today=today,
              comment=comment)
    still_open = Case.objects.filter(child_id=case.child_id, stage__in=OPEN_STAGES).exists()
    if not still_open:
        status = {ExitReason.MOVED: Status.MOVED, ExitReason.AGED_OUT: Status.AGED_OUT}.get(
            ExitReason(case.exit_reason), Status.CLOSED)
        _assign_child(actor, Child.objects.get(pk=case.child_id), status=status)
