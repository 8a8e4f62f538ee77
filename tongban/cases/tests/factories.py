"""Builders for case work, always through the services, as the Dalate team would do it."""

from datetime import date, timedelta
from typing import Any

from tongban.accounts.models import User
from tongban.cases import services
from tongban.cases.choices import Domain, Stage
from tongban.cases.models import Approval, Assessment, Case, ServiceSession
from tongban.children.models import Child
from tongban.children.tests.factories import make_child
from tongban.testing import cast


def days_ago(n: int) -> date:
    return date.today() - timedelta(days=n)


def make_case(*, child: Child | None = None, worker: str = "worker_dalate", actor: str = "lead_dalate",
              opened_on: date | None = None, **child_fields: Any) -> Case:
    """An intake for a new Dalate child, opened by the team lead for worker_dalate unless told otherwise."""
    child = child or make_child(**child_fields)
    return services.case_open(actor=cast(actor), child=child, worker=cast(worker), reason="祖父母求助，孩子情绪低落",
                              opened_on=opened_on or days_ago(60))


def scores(level: int = 3, **levels: int) -> dict[str, tuple[int, str]]:
    """Every domain at `level`, except those named: scores(2, safety=4)."""
    return {d: (levels.get(d, level), "") for d in Domain.values}


def assess(case: Case, *, by: str = "worker_dalate", level: int = 3, on: date | None = None, risk: str = "high",
           **levels: int) -> Assessment:
    return services.assessment_record(actor=cast(by), case=reload(case), assessed_on=on or days_ago(50),
                                      methods=["home_visit", "school"], needs="情绪支持；学业辅导", risk=risk,
                                      scores=scores(level, **levels))


def write_plan(case: Case, *, by: str = "worker_dalate", owner: str = "worker_dalate",
               task_due: date | None = None) -> None:
    actor = cast(by)
    services.plan_save(actor=actor, case=reload(case), aim="帮助孩子走出创伤，重建与家人的联结")
    goal = services.goal_add(actor=actor, case=reload(case), domain=Domain.PSYCHOLOGY, need="情绪支持",
                             description="能说出自己的感受", due_on=date.today() + timedelta(days=90))
    services.task_add(actor=actor, goal=goal, description="每周一次个案辅导", owner=cast(owner),
                      due_on=task_due or date.today() + timedelta(days=30))


def pending(case: Case, kind: str) -> Approval:
    return Approval.objects.get(case=case, kind=kind, state="pending")


def session(case: Case, *, by: str = "worker_dalate", on: date | None = None, kind: str = "counselling",
            notes: str = "孩子谈到妈妈，哭了很久；约定下周再见") -> ServiceSession:
    return services.session_record(actor=cast(by), case=reload(case), held_on=on or days_ago(20), kind=kind,
                                   minutes=50, participants="孩子、祖母", notes=notes)


def move(case: Case, to: str, *, by: str = "worker_dalate", **kwargs: Any) -> Case:
    return services.case_move(actor=cast(by), case=reload(case), to=to, **kwargs)


def bring_to(case: Case, stage: str) -> Case:
    """Walk the case through the stages, as the worker and the lead would, until it reaches `stage`."""
    path = [Stage.ASSESSMENT, Stage.PLAN, Stage.INTERVENTION, Stage.EVALUATION, Stage.CLOSURE, Stage.FOLLOW_UP,
            Stage.ENDED]
    for step in path[:path.index(Stage(stage)) + 1] if stage != Stage.INTAKE else []:
        current = reload(case)
        if step == Stage.ASSESSMENT:
            move(current, Stage.ASSESSMENT)
        elif step == Stage.PLAN:
            assess(current)
            move(current, Stage.PLAN)
        elif step == Stage.INTERVENTION:
            write_plan(current)
            services.plan_submit(actor=cast("worker_dalate"), case=current)
            services.approval_decide(actor=cast("lead_dalate"), approval=pending(current, "plan"), approve=True)
        elif step == Stage.EVALUATION:
            session(current)
            move(current, Stage.EVALUATION)
        elif step == Stage.CLOSURE:
            services.closure_submit(actor=cast("worker_dalate"), case=current, exit_reason="goals_met",
                                    summary="目标达成，孩子开朗了许多", follow_up_months=[1, 3, 6])
        elif step == Stage.FOLLOW_UP:
            services.approval_decide(actor=cast("lead_dalate"), approval=pending(current, "closure"), approve=True)
        elif step == Stage.ENDED:
            for f in current.follow_ups.all():
                services.follow_up_record(actor=cast("worker_dalate"), follow_up=f, done_on=date.today(),
                                          notes="孩子状态稳定")
    return reload(case)


def reload(case: Case) -> Case:
    return Case.objects.select_related("child", "team__region", "worker").get(pk=case.pk)


def user(username: str) -> User:
    return cast(username)
