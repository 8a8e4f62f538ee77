"""Case work over the JSON API: the same selectors, door, forms, services and audit trail as the case pages.

The service plan's writes are in plan.py, mounted on this router."""

import copy
from datetime import date, datetime
from typing import Any, Literal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from pydantic import ConfigDict

from tongban.accounts.access import may_read_counselling_notes, scope_for
from tongban.accounts.models import Role, User
from tongban.api.bodies import api_names, body_doc, checked, choices_of, date_field, read_body, read_form
from tongban.api.common import (
    RECORD_ID,
    REFUSALS,
    WRITE_REFUSALS,
    check_if_match,
    conflicts_as_412,
    etag,
    writing,
)
from tongban.api.paging import DEFAULT_LIMIT, cursor_page
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases import services
from tongban.cases.api.plan import PlanOut
from tongban.cases.api.plan import router as plan_router
from tongban.cases.choices import Domain, ExitReason, Level, Method, ReferralKind, ReferralStatus, SessionType, Stage
from tongban.cases.forms import (
    FOLLOW_UP_CHOICES,
    AssessmentForm,
    CaseEditForm,
    CaseOpenForm,
    ClosureForm,
    FollowUpForm,
    ReferralForm,
    ReferralStatusForm,
    SessionForm,
    TransferForm,
)
from tongban.cases.models import Approval, Case, FollowUp, Referral, ServiceSession
from tongban.cases.selectors import access_case, case_file, cases_visible_to, team_workers_for
from tongban.children.choices import Risk
from tongban.children.selectors import access_child

router = Router()
router.add_router("", plan_router)  # the service plan's aim, goals and tasks: tongban/cases/api/plan.py

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


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class SessionOut(Schema):
    id: int
    held_on: date
    kind: str
    minutes: int
    worker_id: int
    participants: str
    # null for the roles that may not read counselling notes (bureau officials, volunteers)
    notes: str | None
    # The photos and PDFs kept with a session just recorded, for the roles that may read its notes (they are opened
    # on the session's page); null in a case's detail and for other roles.
    attachments: list[AttachmentOut] | None = None


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


class CaseOpenIn(Schema):
    model_config = ConfigDict(extra="forbid")

    child_id: int = Field(..., ge=1, le=2**63 - 1)
    worker_id: int | None = Field(None, ge=1, le=2**63 - 1,
                                  description="a social worker or lead of a team covering the child's region")
    opened_on: str | None = date_field(None)
    source: str = Field(Case.Source.SCREENING, json_schema_extra=choices_of(Case.Source.values))
    reason: str = ""


class CaseEditIn(Schema):
    model_config = ConfigDict(extra="forbid")

    opened_on: str | None = date_field(None)
    source: str = Field("", json_schema_extra=choices_of(Case.Source.values, blank=True))
    reason: str = ""


@router.post("/", response={201: CaseSummary, **WRITE_REFUSALS}, openapi_extra=body_doc(CaseOpenIn),
             summary="Take a child into case work (接案): one open case per child and project")
def case_open(request: HttpRequest, response: HttpResponse) -> Any:
    writing(request, "case")
    # The child named in the body is looked for through the caller's door, like the page's URL: 404 outside.
    child = access_child(request.user, read_body(request, CaseOpenIn).child_id)
    names = {"worker": "worker_id"}
    form = read_form(request, CaseOpenIn, CaseOpenForm, names=names,
                     initial={"opened_on": date.today(), "source": Case.Source.SCREENING},
                     workers=team_workers_for(child))
    with api_names(names):
        case = services.case_open(actor=request.user, child=child, **form.cleaned_data)
    response["ETag"] = etag(case)
    return Reply(201, case)


@router.patch("/{int:case_id}", response={200: CaseSummary, **WRITE_REFUSALS}, openapi_extra=body_doc(CaseEditIn),
              summary="Change the intake details (opened on, source, reason): only the fields sent; If-Match → 412")
def case_update(request: HttpRequest, response: HttpResponse, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    version = check_if_match(request, case)
    initial = {"opened_on": case.opened_on, "source": case.source, "reason": case.reason, "version": case.version}
    form = read_form(request, CaseEditIn, CaseEditForm, initial=initial, instance=copy.copy(case))
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    with conflicts_as_412():
        updated = services.case_update(actor=request.user, case=Case.objects.get(pk=case.pk), version=version,
                                       **data)
    response["ETag"] = etag(updated)
    return Case.objects.select_related("child").get(pk=case.pk)


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


# Writes ------------------------------------------------------------------------------------------------------
# Each body is checked for its types here, then by the page's own form (the same rules and messages in the caller's
# language), and written by the same service as the page: same stage rules, same audit events.

class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ScoreIn(_In):
    level: int = Field(..., json_schema_extra=choices_of(Level.values))
    notes: str = ""


class AssessmentWrite(_In):
    """Every domain scored from 1 (no concern) to 4 (severe, act now); the risk level becomes the child's."""

    assessed_on: str | None = date_field(None)
    methods: list[str] = Field([], json_schema_extra={"items": {"type": "string", **choices_of(Method.values)}})
    risk: str = Field("", json_schema_extra=choices_of(Risk.values))
    needs: str = ""
    scores: dict[str, ScoreIn] = Field({}, json_schema_extra={"propertyNames": choices_of(Domain.values)})


class SessionWrite(_In):
    held_on: str | None = date_field(None)
    kind: str = Field("", json_schema_extra=choices_of(SessionType.values))
    minutes: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    participants: str = ""
    notes: str = Field("", description="counselling notes: never shown to bureau officials or volunteers")


class ReferralWrite(_In):
    kind: str = Field("", json_schema_extra=choices_of(ReferralKind.values))
    receiver: str = ""
    notes: str = ""
    sent_on: str | None = date_field(None)
    consent_checked: bool = Field(False, description="the guardian agreed to share the child's information")


class ReferralStatusWrite(_In):
    status: str = Field("", json_schema_extra=choices_of(ReferralStatus.values))
    outcome: str = ""


class TransferWrite(_In):
    to_worker_id: int | None = Field(None, ge=1, le=2**63 - 1)
    reason: str = ""
    transferred_on: str | None = date_field(None)


class ClosureWrite(_In):
    exit_reason: str = Field("", json_schema_extra=choices_of(ExitReason.values))
    summary: str = ""
    follow_up_months: list[int] = Field([], json_schema_extra={"items": {
        "type": "integer", **choices_of([months for months, _label in FOLLOW_UP_CHOICES])}})


def _session_out(user: Any, session: ServiceSession) -> dict[str, Any]:
    readers = may_read_counselling_notes(user)
    return {**{f: getattr(session, f) for f in ("id", "held_on", "kind", "minutes", "worker_id", "participants")},
            "notes": session.notes if readers else None,
            "attachments": [{"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size}
                            for a in session.attachments.all()] if readers else None}


@router.post("/{int:case_id}/assessments", response={201: AssessmentOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(AssessmentWrite), summary="Record an assessment (or a re-assessment)")
def assessment_create(request: HttpRequest, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    payload = read_body(request, AssessmentWrite).model_dump(exclude_unset=True)
    data: dict[str, Any] = {k: v for k, v in payload.items() if k != "scores"}
    domains = forms.ChoiceField(choices=Domain.choices)  # an unknown domain gets the choice fields' own message
    for key in payload.get("scores", {}):
        try:
            domains.clean(key)
        except ValidationError as exc:
            raise ValidationError({f"scores.{key}": exc.messages}) from None
    for domain, score in payload.get("scores", {}).items():
        data[f"level_{domain}"], data[f"notes_{domain}"] = score.get("level"), score.get("notes", "")
    names = {f"level_{d}": f"scores.{d}.level" for d in Domain.values} | {
        f"notes_{d}": f"scores.{d}.notes" for d in Domain.values}
    form = checked(AssessmentForm(data=data), names)
    cleaned = form.cleaned_data
    assessment = services.assessment_record(actor=request.user, case=case, assessed_on=cleaned["assessed_on"],
                                            methods=cleaned["methods"], needs=cleaned["needs"], risk=cleaned["risk"],
                                            scores=form.scores())
    return Reply(201, assessment)


def _session_body_doc() -> dict[str, Any]:
    """JSON, or the same fields as a multipart form with the photos and PDFs under `files` (as the page sends)."""
    doc = body_doc(SessionWrite)
    fields = SessionWrite.model_json_schema()
    multipart = {**fields, "properties": {**fields["properties"], "files": {
        "type": "array", "items": {"type": "string", "format": "binary"},
        "description": "JPEG, PNG or PDF; where a photo was taken is removed from it"}}}
    doc["requestBody"]["content"]["multipart/form-data"] = {"schema": multipart}
    return doc


@router.post("/{int:case_id}/sessions", response={201: SessionOut, **WRITE_REFUSALS},
             openapi_extra=_session_body_doc(),
             summary="Record a service session; with photos or PDFs, send it as multipart/form-data")
def session_create(request: HttpRequest, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    if request.content_type == "multipart/form-data":
        # The page's own form, fields and files alike: the same checks of type and size by the same service.
        data = request.POST.copy()
        data.setdefault("minutes", "60")
        form = checked(SessionForm(data, request.FILES))
    else:
        form = read_form(request, SessionWrite, SessionForm, initial={"minutes": 60})
    fields = {k: v for k, v in form.cleaned_data.items() if k != "files"}
    session = services.session_record(actor=request.user, case=case, files=form.cleaned_data["files"] or [],
                                      **fields)
    return Reply(201, _session_out(request.user, session))


class FollowUpWrite(_In):
    done_on: str | None = date_field(None)
    notes: str = ""


@router.post("/{int:case_id}/follow-ups/{int:follow_up_id}", response={200: FollowUpOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(FollowUpWrite),
             summary="Record a follow-up visit after the closure (`done_on`, today if left out; `notes`); the case "
                     "ends with the last one")
def follow_up_record(request: HttpRequest, response: HttpResponse, case_id: int = RECORD_ID,
                     follow_up_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    follow_up = get_object_or_404(FollowUp.objects.select_related("case"), pk=follow_up_id, case=case)
    writing(request)
    check_if_match(request, case)
    form = read_form(request, FollowUpWrite, FollowUpForm, initial={"done_on": date.today()})
    recorded = services.follow_up_record(actor=request.user, follow_up=follow_up, **form.cleaned_data)
    response["ETag"] = etag(Case.objects.only("version").get(pk=case.pk))
    return recorded


@router.post("/{int:case_id}/referrals", response={201: ReferralOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(ReferralWrite), summary="Refer the child to a policy resource")
def referral_create(request: HttpRequest, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    form = read_form(request, ReferralWrite, ReferralForm, initial={"sent_on": date.today()})
    return Reply(201, services.referral_send(actor=request.user, case=case, **form.cleaned_data))


@router.post("/{int:case_id}/referrals/{int:referral_id}/status", response={200: ReferralOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(ReferralStatusWrite),
             summary="Record where a referral stands and its outcome (accepted, done or declined)")
def referral_status(request: HttpRequest, case_id: int = RECORD_ID, referral_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    referral = get_object_or_404(Referral.objects.select_related("case"), pk=referral_id, case=case)
    writing(request)
    form = read_form(request, ReferralStatusWrite, ReferralStatusForm)
    return services.referral_update(actor=request.user, referral=referral, **form.cleaned_data)


@router.post("/{int:case_id}/transfer", response={200: CaseSummary, **WRITE_REFUSALS},
             openapi_extra=body_doc(TransferWrite),
             summary="Hand the case to another social worker (team leads and project admins); the history is kept")
def case_transfer(request: HttpRequest, response: HttpResponse, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request, "case_transfer")
    check_if_match(request, case)
    workers = User.objects.filter(role__in=[Role.WORKER, Role.TEAM_LEAD], is_active=True,
                                  team__project_id=case.project_id).exclude(pk=case.worker_id).select_related("team")
    names = {"to_worker": "to_worker_id"}
    form = read_form(request, TransferWrite, TransferForm, initial={"transferred_on": date.today()}, names=names,
                     workers=workers)
    with api_names(names):
        services.case_transfer(actor=request.user, case=case, **form.cleaned_data)
    response["ETag"] = etag(case)
    return case


@router.post("/{int:case_id}/closure", response={201: ApprovalOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(ClosureWrite),
             summary="Propose closing the case: exit reason, summary and follow-up visits go to the team lead, who "
                     "decides through …/approvals/{id}/decide")
def closure_request(request: HttpRequest, response: HttpResponse, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    check_if_match(request, case)
    form = read_form(request, ClosureWrite, ClosureForm)
    approval = services.closure_submit(actor=request.user, case=case, **form.cleaned_data)
    response["ETag"] = etag(case)
    return Reply(201, approval)
