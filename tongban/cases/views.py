from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts.access import may_approve, may_read_counselling_notes, scope_for
from tongban.accounts.models import Role, User
from tongban.audit.models import AuditEvent
from tongban.audit.services import audit_record
from tongban.cases import services
from tongban.cases.choices import OPEN_STAGES, PlanState, Stage
from tongban.cases.forms import (
    AssessmentForm,
    CaseEditForm,
    CaseOpenForm,
    ClosureForm,
    DecisionForm,
    FollowUpForm,
    GoalForm,
    MoveForm,
    PlanForm,
    ReferralForm,
    ReferralStatusForm,
    SessionForm,
    TaskDoneForm,
    TaskForm,
    TransferForm,
)
from tongban.cases.models import Approval, Case, FollowUp, Goal, Plan, Referral, Task
from tongban.cases.printing import case_file_pdf
from tongban.cases.selectors import (
    access_attachment,
    access_case,
    access_session,
    assessment_comparison,
    case_file,
    cases_visible_to,
    list_cases,
    scores_in_order,
    stage_counts,
    team_workers_for,
    with_session_counts,
)
from tongban.cases.wording import case_line, session_line
from tongban.children.models import Child
from tongban.children.selectors import access_child
from tongban.core.forms import add_service_errors
from tongban.core.links import link_maker
from tongban.core.paging import CappedPaginator
from tongban.core.pdf import pdf_response

PAGE_SIZE = 50
# The moves a worker makes with one button on the case page; the others have their own forms.
BUTTON_MOVES: dict[str, list[str]] = {
    Stage.INTAKE: [Stage.ASSESSMENT],
    Stage.ASSESSMENT: [Stage.PLAN],
    Stage.INTERVENTION: [Stage.EVALUATION],
    Stage.EVALUATION: [Stage.INTERVENTION, Stage.PLAN],
    Stage.FOLLOW_UP: [Stage.ENDED],
}



def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _team_workers(child: Child) -> Any:
    return team_workers_for(child)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    stage = request.GET.get("stage", "")
    stage = stage if stage in Stage.values else ""
    mine = request.GET.get("mine") == "1"
    qs = list_cases(request.user, stage=stage, mine=mine)
    mine_q = cases_visible_to(request.user)
    counts = stage_counts(mine_q.filter(worker=request.user) if mine else mine_q)
    # The tabs' counts by stage already say how many cases the list holds.
    total = counts.get(stage, 0) if stage else sum(counts.values())
    page = CappedPaginator(qs, PAGE_SIZE, known_count=total).get_page(request.GET.get("page"))
    page.object_list = with_session_counts(page.object_list)
    detail = link_maker("cases:detail")
    return render(request, "cases/list.html", {
        "page": page, "lines": [case_line(case, detail(case.pk)) for case in page], "stage": stage, "mine": mine,
        "stages": [(value, label, counts.get(value, 0)) for value, label in Stage.choices],
    })


@login_required
def case_open(request: HttpRequest, child_pk: int) -> HttpResponse:
    child = access_child(request.user, child_pk)
    if not scope_for(request.user).may_write("case"):
        raise PermissionDenied
    workers = _team_workers(child)
    form = CaseOpenForm(request.POST or None, workers=workers,
                        initial={"worker": request.user.pk if workers.filter(pk=request.user.pk).exists() else None})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=request.user, child=child, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case of %(name)s has been opened.") % {"name": child.name})
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/open.html", {"form": form, "child": child})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = case_file(request.user, pk)
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=case)
    scope = scope_for(request.user)
    assessments = list(case.assessments.all())
    plan: Plan | None = getattr(case, "plan", None)
    approvals = list(case.approvals.all())
    pending = [a for a in approvals if a.state == "pending"]
    sessions = list(case.sessions.all())
    session_link = link_maker("cases:session", case.pk)
    may_read_notes = may_read_counselling_notes(request.user)
    return render(request, "cases/detail.html", {
        "case": case, "child": case.child, "assessments": [(a, scores_in_order(a)) for a in assessments],
        "comparison": assessment_comparison(assessments), "plan": plan,
        "goals": list(plan.goals.all()) if plan else [], "sessions": sessions,
        "session_lines": [session_line(s, session_link(s.pk), may_read_notes=may_read_notes) for s in sessions],
        "referrals": list(case.referrals.all()), "transfers": list(case.transfers.all()),
        "approvals": approvals, "pending": pending, "follow_ups": list(case.follow_ups.all()),
        "may_write": scope.may_write("case") and case.stage != Stage.ENDED,
        "may_transfer": scope.may_write("case_transfer") and case.stage != Stage.ENDED,
        "may_approve": bool(pending) and may_approve(request.user, case.team),
        "may_read_notes": may_read_notes,
        "moves": BUTTON_MOVES.get(case.stage, []), "is_open": case.stage in OPEN_STAGES,
        "referral_status_form": ReferralStatusForm(), "decision_form": DecisionForm(),
    })


@login_required
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The case file as PDF, through the same door as the case page; ?outsiders=1 for outsiders."""
    case = case_file(request.user, pk)
    outsider = request.GET.get("outsiders") == "1"
    audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=case,
                 changes={"printed": "pdf", "for_outsiders": outsider})
    name = case.child.pseudonym if outsider else case.child.name
    return pdf_response(case_file_pdf(request.user, case, outsider=outsider), f"个案档案-{name}.pdf")


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    form = CaseEditForm(request.POST or None, instance=case, initial={"version": case.version})
    current = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.case_update(actor=request.user, case=Case.objects.get(pk=case.pk), version=version, **data)
        except services.CaseConflict as exc:
            current = exc.current
            form.add_error(None, exc.messages)
            # The form now carries the saved version, so saving again (after comparing) goes through.
            form.data = form.data.copy()
            form.data["version"] = str(current.version)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case has been saved."))
            return redirect("cases:detail", pk=case.pk)
    changed = _differences(form, current) if current is not None else []
    return render(request, "cases/edit.html", {"form": form, "case": case, "current": current, "changed": changed},
                  status=409 if current is not None else 200)


def _differences(form: CaseEditForm, current: Case) -> list[tuple[Any, Any, Any]]:
    """What is saved now beside what this user typed, for the fields where they differ."""
    sources = dict(Case.Source.choices)
    rows = []
    for name in services.case.CASE_FIELDS:
        saved, typed = getattr(current, name), form.cleaned_data.get(name)
        if saved != typed:
            if name == "source":
                saved, typed = sources.get(saved, saved), sources.get(typed, typed)
            rows.append((form.fields[name].label, saved, typed))
    return rows


@login_required
@require_POST
def case_move(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.case_move(actor=request.user, case=case, to=form.cleaned_data["to"],
                               comment=form.cleaned_data["comment"], version=form.cleaned_data["version"])
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The case is now in the stage “%(stage)s”.")
                             % {"stage": case.get_stage_display()})
    return redirect("cases:detail", pk=case.pk)


@login_required
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessment_record(actor=request.user, case=case, assessed_on=data["assessed_on"],
                                       methods=data["methods"], needs=data["needs"], risk=data["risk"],
                                       scores=form.scores())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The assessment has been recorded."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/assessment_form.html", {"form": form, "case": case})


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    plan = Plan.objects.filter(case=case).first()
    goals = Goal.objects.filter(plan__case=case)
    owners = _team_workers(case.child)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    plan_form = PlanForm(request.POST if which == "aim" else None, initial={"aim": plan.aim if plan else ""})
    # Goal and task both have a description and a date: ids of their own keep each label on its own field.
    goal_form = GoalForm(request.POST if which == "goal" else None, auto_id="goal_%s")
    task_form = TaskForm(request.POST if which == "task" else None, goals=goals, owners=owners,
                         initial={"owner": case.worker_id}, auto_id="task_%s")
    bound = {"aim": plan_form, "goal": goal_form, "task": task_form}.get(which)
    if bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if which == "aim":
                services.plan_save(actor=request.user, case=case, aim=data["aim"])
            elif which == "goal":
                services.goal_add(actor=request.user, case=case, **data)
            else:
                services.task_add(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(bound, exc)
        else:
            messages.success(request, _("The plan has been saved."))
            return redirect("cases:plan", pk=case.pk)
    return render(request, "cases/plan_form.html", {
        "case": case, "plan": plan, "goals": goals.prefetch_related("tasks__owner"), "plan_form": plan_form,
        "goal_form": goal_form, "task_form": task_form,
        "editable": case.stage == Stage.PLAN and (plan is None or plan.state != PlanState.SUBMITTED),
    })


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    goal = get_object_or_404(Goal.objects.select_related("plan__case"), pk=goal_pk, plan__case=case)
    form = GoalForm(request.POST or None, initial={name: getattr(goal, name) for name in GoalForm.base_fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(actor=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The goal has been saved."))
            return redirect("cases:plan", pk=case.pk)
    return render(request, "cases/goal_form.html", {"case": case, "goal": goal, "form": form})


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    try:
        services.plan_submit(actor=request.user, case=case)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("cases:plan", pk=case.pk)
    messages.success(request, _("The plan has been sent to the team lead."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    task = get_object_or_404(Task.objects.select_related("goal__plan__case"), pk=task_pk, goal__plan__case=case)
    form = TaskDoneForm(request.POST)  # the day it was done, today if the button sends none
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        services.task_done(actor=request.user, task=task, done_on=form.cleaned_data["done_on"])
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def approval_decide(request: HttpRequest, pk: int, approval_pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    approval = get_object_or_404(Approval, pk=approval_pk, case=case)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.approval_decide(actor=request.user, approval=approval,
                                     approve=form.cleaned_data["decision"] == "approve",
                                     comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Your decision has been recorded and the worker can see it."))
    return redirect("cases:detail", pk=case.pk)


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    form = SessionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files")
        try:
            services.session_record(actor=request.user, case=case, files=files, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session has been recorded."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/session_form.html", {"form": form, "case": case})


@login_required
def session_detail(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    case = access_case(request.user, pk)
    session = access_session(request.user, case, session_pk)
    readers = may_read_counselling_notes(request.user)
    if readers:
        audit_record(actor=request.user, action=AuditEvent.Action.VIEW, target=session)
    return render(request, "cases/session.html", {
        "case": case, "session": session, "may_read_notes": readers,
        "attachments": list(session.attachments.all()) if readers else [],
    })


@login_required
def attachment_download(request: HttpRequest, attachment_pk: int) -> FileResponse:
    attachment = access_attachment(request.user, attachment_pk)
    stream = services.attachment_read(actor=request.user, attachment=attachment)
    response = FileResponse(stream, content_type=attachment.content_type,
                            as_attachment=not attachment.is_image, filename=attachment.original_name)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@login_required
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_send(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The referral has been recorded."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/referral_form.html", {"form": form, "case": case})


@login_required
@require_POST
def referral_update(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    referral = get_object_or_404(Referral.objects.select_related("case"), pk=referral_pk, case=case)
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        try:
            services.referral_update(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The referral has been updated."))
    return redirect("cases:detail", pk=case.pk)


@login_required
def case_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    if not scope_for(request.user).may_write("case_transfer"):
        raise PermissionDenied
    workers = User.objects.filter(role__in=[Role.WORKER, Role.TEAM_LEAD], is_active=True,
                                  team__project_id=case.project_id).exclude(pk=case.worker_id).select_related("team")
    form = TransferForm(request.POST or None, workers=workers)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transfer(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The case has been handed over."))
            if access_case_or_none(request.user, case.pk) is None:
                return redirect("cases:list")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/transfer_form.html", {"form": form, "case": case})


def access_case_or_none(user: Any, pk: int) -> Case | None:
    from django.http import Http404

    try:
        return access_case(user, pk)
    except Http404:
        return None


@login_required
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_submit(actor=request.user, case=case, exit_reason=form.cleaned_data["exit_reason"],
                                    summary=form.cleaned_data["summary"],
                                    follow_up_months=form.cleaned_data["follow_up_months"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The closure has been sent to the team lead."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/close_form.html", {"form": form, "case": case})


@login_required
def follow_up_record(request: HttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = access_case(request.user, pk, for_write=True)
    follow_up = get_object_or_404(FollowUp.objects.select_related("case"), pk=follow_up_pk, case=case)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The follow-up visit has been recorded."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/follow_up_form.html", {"form": form, "case": case, "follow_up": follow_up})
