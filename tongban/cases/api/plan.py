"""A case's service plan over the JSON API: the overall aim, goals and tasks, a task marked done.

The plan page's forms and the same services (tongban/cases/services/work.py): written in the plan stage only, not
while the plan waits for the team lead; every change audited. Mounted on the cases router (tongban/cases/api).
"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja import Status as Reply
from pydantic import ConfigDict

from tongban.api.bodies import api_names, body_doc, choices_of, date_field, read_form
from tongban.api.common import RECORD_ID, WRITE_REFUSALS, writing
from tongban.cases import services
from tongban.cases.choices import Domain
from tongban.cases.forms import GoalForm, PlanForm, TaskDoneForm, TaskForm
from tongban.cases.models import Goal, Task
from tongban.cases.selectors import access_case, team_workers_for

router = Router()


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


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class PlanWrite(_In):
    aim: str = ""


class GoalWrite(_In):
    domain: str = Field("", json_schema_extra=choices_of(Domain.values))
    need: str = Field("", description="the need found at assessment that the goal answers")
    description: str = ""
    due_on: str | None = date_field(None)


class TaskWrite(_In):
    description: str = ""
    owner_id: int | None = Field(None, ge=1, le=2**63 - 1,
                                 description="a social worker or lead of a team covering the child's region")
    due_on: str | None = date_field(None)


class TaskDoneWrite(_In):
    done_on: str | None = date_field(None)


GOAL_FIELDS = tuple(GoalForm.base_fields)


@router.put("/{int:case_id}/plan", response={200: PlanOut, **WRITE_REFUSALS}, openapi_extra=body_doc(PlanWrite),
            summary="Write the plan's overall aim (plan stage): the plan is created with it, or its aim changed")
def plan_save(request: HttpRequest, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    form = read_form(request, PlanWrite, PlanForm)
    return services.plan_save(actor=request.user, case=case, aim=form.cleaned_data["aim"])


@router.post("/{int:case_id}/plan/goals", response={201: GoalOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(GoalWrite), summary="Add a goal to the plan (plan stage, once the aim is written)")
def goal_create(request: HttpRequest, case_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    writing(request)
    form = read_form(request, GoalWrite, GoalForm)
    return Reply(201, services.goal_add(actor=request.user, case=case, **form.cleaned_data))


@router.patch("/{int:case_id}/plan/goals/{int:goal_id}", response={200: GoalOut, **WRITE_REFUSALS},
              openapi_extra=body_doc(GoalWrite),
              summary="Change a goal of the plan (plan stage): only the fields sent; its tasks stay due before it")
def goal_update(request: HttpRequest, case_id: int = RECORD_ID, goal_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    goal = get_object_or_404(Goal.objects.select_related("plan__case"), pk=goal_id, plan__case=case)
    writing(request)
    form = read_form(request, GoalWrite, GoalForm, initial={name: getattr(goal, name) for name in GOAL_FIELDS})
    return services.goal_update(actor=request.user, goal=goal, **form.cleaned_data)


@router.post("/{int:case_id}/plan/goals/{int:goal_id}/tasks", response={201: TaskOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(TaskWrite),
             summary="Add a task to a goal (plan stage): who does it and by when, before the goal's date")
def task_create(request: HttpRequest, case_id: int = RECORD_ID, goal_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    goal = get_object_or_404(Goal.objects.select_related("plan__case"), pk=goal_id, plan__case=case)
    writing(request)
    names = {"owner": "owner_id"}
    form = read_form(request, TaskWrite, TaskForm, initial={"goal": goal.pk}, names=names,
                     goals=Goal.objects.filter(pk=goal.pk), owners=team_workers_for(case.child))
    with api_names(names):
        return Reply(201, services.task_add(actor=request.user, **form.cleaned_data))


@router.post("/{int:case_id}/tasks/{int:task_id}/done", response={200: TaskOut, **WRITE_REFUSALS},
             openapi_extra=body_doc(TaskDoneWrite),
             summary="Mark a task of the plan done (`done_on`, today if left out) while the case is open")
def task_done(request: HttpRequest, case_id: int = RECORD_ID, task_id: int = RECORD_ID) -> Any:
    case = access_case(request.user, case_id, for_write=True)
    task = get_object_or_404(Task.objects.select_related("goal__plan__case"), pk=task_id, goal__plan__case=case)
    writing(request)
    form = read_form(request, TaskDoneWrite, TaskDoneForm)
    return services.task_done(actor=request.user, task=task, done_on=form.cleaned_data["done_on"])
