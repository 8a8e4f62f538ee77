"""Case work over the JSON API: the same selectors, door, services and audit trail as the case pages."""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from tongban.accounts.access import may_read_counselling_notes, scope_for
from tongban.api.bodies import body_doc, read_body
from tongban.api.common import RECORD_ID, REFUSALS, WRITE_REFUSALS, check_if_match, etag, writing
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.models import Approval, Case
from tongban.cases.selectors import access_case, case_file, cases_visible_to

router = Router()

ORDERINGS = ("opened_on", "stage_since", "updated_at", "id")


class CaseSummary(Schema):
    id: int
    child_id: int
    child_name: str
    project_id: int
    team_id: int
    worker_id: int
    opened_on: date
    source: str
    stage: str
    stage_since: date
    exit_reason: str
    closed_on: date | None
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_child_name(obj: Case) -> str:
        return obj.child.name


class AssessmentOut(Schema):
    id: int
    assessed_on: date
    methods: list[str]
    assessor_id: int
    needs: str
    risk: str
    is_reassessment: bool


class TaskOut(Schema):
    id: int
    description: str
    owner_id: int | None
    due_on: date | None
    done_on: date | None


class GoalOut(Schema):
    id: int
    domain: str
    need: str
    description: str
    due_on: date | None
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj: Any) -> list[Any]:
        return list(obj.tasks.all())


class PlanOut(Schema):
    aim: str
    state: str
    approved_on: date | None
    goals: list[GoalOut]

    @staticmethod
    def resolve_goals(obj: Any) -> list[Any]:
        return list(obj.goals.all())


class SessionOut(Schema):
    id: int
    held_on: date
    kind: str
    minutes: int
    worker_id: int
    participants: str
    # null for the roles that may not read counselling notes (bureau officials, volunteers)
    notes: str | None


class ReferralOut(Schema):
    id: int
    kind: str
    receiver: str
    consent_checked: bool
    status: str
    sent_on: date | None
    status_on: date | None
    notes: str
    outcome: str


class TransferOut(Schema):
    id: int
    transferred_on: date
    from_worker_id: int | None
    to_worker_id: int | None
    from_team_id: int | None
    to_team_id: int | None
    reason: str


class ApprovalOut(Schema):
    id: int
    kind: str
    state: str
    submitted_by_id: int
    submitted_at: datetime
    decided_by_id: int | None
    decided_at: datetime | None
    comment: str


class FollowUpOut(Schema):
    id: int
    months: int
    due_on: date
    done_on: date | None
    notes: str


class CaseDetail(CaseSummary):
    reason: str
    closure_summary: str
    follow_up_months: list[int]
    assessments: list[AssessmentOut]
    plan: PlanOut | None
    sessions: list[SessionOut]
    referrals: list[ReferralOut]
    transfers: list[TransferOut]
    approvals: list[ApprovalOut]
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_plan(obj: Any) -> Any:
        return getattr(obj, "plan", None)  # a reverse one-to-one: None while no plan is written

    @staticmethod
    def resolve_sessions(obj: Any) -> list[dict[str, Any]]:
        return obj.api_sessions

    @staticmethod
    def resolve_assessments(obj: Any) -> list[Any]:
        return list(obj.assessments.all())

    @staticmethod
    def resolve_referrals(obj: Any) -> list[Any]:
        return list(obj.referrals.all())

    @staticmethod
    def resolve_transfers(obj: Any) -> list[Any]:
        return list(obj.transfers.all())

    @staticmethod
    def resolve_approvals(obj: Any) -> list[Any]:
        return list(obj.approvals.all())

    @staticmethod
    def resolve_follow_ups(obj: Any) -> list[Any]:
        return list(obj.follow_ups.all())


class CasePage(Schema):
    items: list[CaseSummary]
    next_cursor: str | None


class CaseFilters(Schema):
    stage: str = ""
    mine: bool = False
    child: int | None = None
    ordering: str = "-opened_on"
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


class MoveIn(Schema):
    to: Stage
    comment: str = ""


class DecisionIn(Schema):
    decision: Literal["approve", "return"]
    comment: str = ""


def _detail(user: Any, case: Case) -> Case:
    # Bureau officials' sessions come without their notes (deferred, never loaded): say null, never fetch them.
    readers = may_read_counselling_notes(user)
    case.api_sessions = [  # type: ignore[attr-defined]
        {**{f: getattr(s, f) for f in ("id", "held_on", "kind", "minutes", "worker_id", "participants")},
         "notes": s.notes if readers else None} for s in case.sessions.all()]
    return case


@router.get("/", response={200: CasePage, **REFUSALS}, summary="Cases the caller may see")
def case_list(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    qs = cases_visible_to(request.user).select_related("child")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.mine:
        qs = qs.filter(worker=request.user)
    if filters.child is not None:
        qs = qs.filter(child_id=filters.child)
    rows, next_cursor = cursor_page(qs, ordering=filters.ordering, allowed=ORDERINGS, cursor=filters.cursor,
                                    limit=filters.limit)
    return {"items": rows, "next_cursor": next_cursor}


@router.get("/{int:case_id}", response={200: CaseDetail, **REFUSALS}, summary="One case with its work")
def case_detail(request: HttpRequest, response: HttpResponse, case_id: int = RECORD_ID) -> Any:
    case = case_file(request.user, case_id)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=case, changes={"via": "api"})
    response["ETag"] = etag(case)
    return _detail(request.user, case)


@router.post("/{int:case_id}/move", response={200: CaseSummary, **WRITE_REFUSALS}, openapi_extra=body_doc(MoveIn),
             summary="Move the case to another stage (the page's stage buttons); If-Match guards against lost edits")
def case_move(request: HttpRequest, response: HttpResponse, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    version = check_if_match(request, case)
    payload = read_body(request, MoveIn)
    try:
        services.case_move(actor=request.user, case=case, to=str(payload.to), comment=payload.comment, version=version)
    except services.CaseConflict as exc:
        raise HttpError(412, str(exc.messages[0])) from None
    response["ETag"] = etag(case)
    return case


@router.post("/{int:case_id}/plan/submit", response={200: CaseSummary, **WRITE_REFUSALS},
             summary="Send the plan to the team lead")
def plan_submit(request: HttpRequest, response: HttpResponse, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    check_if_match(request, case)
    services.plan_submit(actor=request.user, case=case)
    response["ETag"] = etag(case)
    return case


@router.post("/{int:case_id}/approvals/{int:approval_id}/decide", response={200: ApprovalOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(DecisionIn),
             summary="The team lead approves or returns a plan or closure (decision: approve or return)")
def approval_decide(request: HttpRequest, case_id: int = RECORD_ID, approval_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id)
    approval = get_object_or_404(Approval, pk=approval_id, case=case)
    writing(request)
    payload = read_body(request, DecisionIn)
    return services.approval_decide(actor=request.user, approval=approval, approve=payload.decision == "approve",
                                    comment=payload.comment)
