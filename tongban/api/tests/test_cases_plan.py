"""A case's service plan over the API: the plan page's forms and services, the same refusals and audit trail."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.cases import services
from tongban.cases.choices import Domain, PlanState, Stage
from tongban.cases.models import Goal, Plan, Task
from tongban.cases.tests.factories import bring_to, make_case, write_plan
from tongban.testing import cast

pytestmark = pytest.mark.django_db

IN_90_DAYS = (date.today() + timedelta(days=90)).isoformat()
IN_30_DAYS = (date.today() + timedelta(days=30)).isoformat()


def call(client: Client, method: str, username: str | None, url: str, body: dict[str, Any] | None = None, *,
         scope: str = "read_write", **extra: Any) -> Any:
    headers = bearer(token_for(username, scope=scope)) if username else {}
    return getattr(client, method)(url, body or {}, content_type="application/json", **headers, **extra)


def audited(action: str, target: Any, username: str) -> bool:
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower, target_id=str(target.pk),
                                     actor__username=username).exists()


def goal_body(**overrides: Any) -> dict[str, Any]:
    return {"domain": Domain.PSYCHOLOGY, "need": "情绪支持", "description": "能说出自己的感受", "due_on": IN_90_DAYS,
            **overrides}


def planning() -> Any:
    """A case in the plan stage with its aim written, a goal and a task."""
    case = bring_to(make_case(), Stage.PLAN)
    write_plan(case)
    return case


def the_goal(case: Any) -> Goal:
    return Goal.objects.get(plan__case=case)


def the_task(case: Any) -> Task:
    return Task.objects.get(goal__plan__case=case)


# The aim --------------------------------------------------------------------------------------------------------

def test_worker_writes_the_plans_aim_and_it_is_audited(client: Client) -> None:
    case = bring_to(make_case(), Stage.PLAN)
    response = call(client, "put", "worker_dalate", f"/api/v1/cases/{case.pk}/plan", {"aim": "帮助孩子走出创伤"})
    assert response.status_code == 200, response.json()
    assert response.json()["aim"] == "帮助孩子走出创伤" and response.json()["goals"] == []
    assert Plan.objects.get(case=case).state == PlanState.DRAFT
    assert AuditEvent.objects.filter(action="update", target_id=str(case.pk), changes__plan_aim="帮助孩子走出创伤",
                                     actor__username="worker_dalate").exists()


def test_an_empty_aim_is_a_field_error_in_the_callers_language(client: Client) -> None:
    case = bring_to(make_case(), Stage.PLAN)
    url = f"/api/v1/cases/{case.pk}/plan"
    chinese = call(client, "put", "worker_dalate", url, {"aim": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = call(client, "put", "worker_dalate", url, {"aim": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.json()["errors"]["aim"][0])
    assert english.json()["errors"]["aim"] == ["This field is required."]
    assert not Plan.objects.filter(case=case).exists()


def test_the_aim_is_written_in_the_plan_stage_only(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    response = call(client, "put", "worker_dalate", f"/api/v1/cases/{case.pk}/plan", {"aim": "帮助孩子"},
                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "plan stage" in response.json()["errors"]["__all__"][0]


# Goals ----------------------------------------------------------------------------------------------------------

def test_worker_adds_a_goal_and_it_is_audited(client: Client) -> None:
    case = planning()
    response = call(client, "post", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals",
                    goal_body(description="按时上学"))
    assert response.status_code == 201, response.json()
    goal = Goal.objects.get(pk=response.json()["id"])
    assert (goal.description, goal.plan.case_id, response.json()["tasks"]) == ("按时上学", case.pk, [])
    assert audited("create", goal, "worker_dalate")


def test_a_goal_before_the_plans_aim_is_refused(client: Client) -> None:
    case = bring_to(make_case(), Stage.PLAN)
    response = call(client, "post", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals", goal_body(),
                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "overall aim" in response.json()["errors"]["__all__"][0]


def test_a_goal_of_an_unknown_domain_is_refused_under_its_field(client: Client) -> None:
    case = planning()
    response = call(client, "post", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals", goal_body(domain="luck"))
    assert response.status_code == 422 and response.json()["errors"]["domain"]
    assert Goal.objects.filter(plan__case=case).count() == 1


def test_worker_changes_a_goal_the_fields_sent_only_and_it_is_audited(client: Client) -> None:
    case = planning()
    goal = the_goal(case)
    response = call(client, "patch", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals/{goal.pk}",
                    {"description": "能和祖母说出自己的感受"})
    assert response.status_code == 200, response.json()
    saved = Goal.objects.get(pk=goal.pk)
    assert (saved.description, saved.need, saved.domain) == ("能和祖母说出自己的感受", "情绪支持", Domain.PSYCHOLOGY)
    assert [t["description"] for t in response.json()["tasks"]] == ["每周一次个案辅导"]
    event = AuditEvent.objects.filter(action="update", target_id=str(goal.pk), actor__username="worker_dalate").get()
    assert event.changes["description"] == "能和祖母说出自己的感受" and "need" not in event.changes


def test_a_goal_cannot_move_before_its_tasks(client: Client) -> None:
    case = planning()
    goal = the_goal(case)
    response = call(client, "patch", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals/{goal.pk}",
                    {"due_on": (date.today() + timedelta(days=10)).isoformat()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422 and response.json()["errors"]["due_on"]
    assert Goal.objects.get(pk=goal.pk).due_on == goal.due_on


def test_a_goal_of_a_plan_waiting_for_the_team_lead_is_not_changed(client: Client) -> None:
    case = planning()
    goal = the_goal(case)
    services.plan_submit(actor=cast("worker_dalate"), case=case)
    response = call(client, "patch", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals/{goal.pk}",
                    {"description": "新目标"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "waiting for the team lead" in response.json()["errors"]["__all__"][0]
    assert Goal.objects.get(pk=goal.pk).description == "能说出自己的感受"


def test_a_goal_of_another_case_is_not_found_through_this_one(client: Client) -> None:
    case, other = planning(), planning()
    goal = the_goal(other)
    response = call(client, "patch", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals/{goal.pk}",
                    {"description": "新目标"})
    assert response.status_code == 404


# Tasks ----------------------------------------------------------------------------------------------------------

def test_worker_adds_a_task_for_a_colleague_and_it_is_audited(client: Client) -> None:
    case = planning()
    goal = the_goal(case)
    owner = cast("lead_dalate")
    response = call(client, "post", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals/{goal.pk}/tasks",
                    {"description": "联系班主任", "owner_id": owner.pk, "due_on": IN_30_DAYS})
    assert response.status_code == 201, response.json()
    task = Task.objects.get(pk=response.json()["id"])
    assert (task.goal_id, task.owner_id, response.json()["done_on"]) == (goal.pk, owner.pk, None)
    assert audited("create", task, "worker_dalate")


def test_a_task_due_after_its_goal_is_refused_under_its_field(client: Client) -> None:
    case = planning()
    goal = the_goal(case)
    late = (goal.due_on + timedelta(days=1)).isoformat()
    response = call(client, "post", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals/{goal.pk}/tasks",
                    {"description": "联系班主任", "owner_id": cast("worker_dalate").pk, "due_on": late},
                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["errors"] == {"due_on": ["A task is due before its goal's date."]}


def test_a_task_for_someone_outside_the_childs_teams_is_refused_under_owner_id(client: Client) -> None:
    case = planning()
    goal = the_goal(case)
    response = call(client, "post", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals/{goal.pk}/tasks",
                    {"description": "联系班主任", "owner_id": cast("worker_etuoke").pk, "due_on": IN_30_DAYS})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["owner_id"]
    assert Task.objects.filter(goal=goal).count() == 1


def test_a_task_cannot_name_another_goal(client: Client) -> None:
    case = planning()
    goal = the_goal(case)
    response = call(client, "post", "worker_dalate", f"/api/v1/cases/{case.pk}/plan/goals/{goal.pk}/tasks",
                    {"description": "联系班主任", "owner_id": cast("worker_dalate").pk, "due_on": IN_30_DAYS,
                     "goal": 1})
    assert response.status_code == 422 and "goal" in response.json()["errors"]


def test_worker_marks_a_task_done_during_the_intervention(client: Client) -> None:
    case = bring_to(make_case(), Stage.INTERVENTION)
    task = the_task(case)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = call(client, "post", "worker_dalate", f"/api/v1/cases/{case.pk}/tasks/{task.pk}/done",
                    {"done_on": yesterday})
    assert response.status_code == 200, response.json()
    assert response.json()["done_on"] == yesterday and Task.objects.get(pk=task.pk).done_on.isoformat() == yesterday
    assert audited("update", task, "worker_dalate")


def test_a_task_is_done_today_when_no_date_is_sent_and_never_in_the_future(client: Client) -> None:
    case = bring_to(make_case(), Stage.INTERVENTION)
    task = the_task(case)
    url = f"/api/v1/cases/{case.pk}/tasks/{task.pk}/done"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert call(client, "post", "worker_dalate", url, {"done_on": tomorrow}).json()["errors"]["done_on"]
    assert call(client, "post", "worker_dalate", url).json()["done_on"] == date.today().isoformat()


# Refusals -------------------------------------------------------------------------------------------------------

def plan_calls(case: Any) -> list[tuple[str, str, dict[str, Any]]]:
    goal, task = the_goal(case), the_task(case)
    base = f"/api/v1/cases/{case.pk}"
    return [("put", f"{base}/plan", {"aim": "新的总目标"}),
            ("post", f"{base}/plan/goals", goal_body()),
            ("patch", f"{base}/plan/goals/{goal.pk}", {"description": "新目标"}),
            ("post", f"{base}/plan/goals/{goal.pk}/tasks",
             {"description": "联系班主任", "owner_id": case.worker_id, "due_on": IN_30_DAYS}),
            ("post", f"{base}/tasks/{task.pk}/done", {})]


def changes() -> int:
    """Changes to case work in the audit trail (the tokens made for the calls are audited too, and left out)."""
    return AuditEvent.objects.exclude(action="view").filter(target_type__startswith="cases.").count()


def test_another_banners_worker_finds_none_of_the_plans_records(client: Client) -> None:
    case = planning()
    before = changes()
    assert [call(client, m, "worker_etuoke", url, body).status_code for m, url, body in plan_calls(case)] == [404] * 5
    assert changes() == before


def test_the_bureau_and_a_read_only_token_change_nothing_in_the_plan(client: Client) -> None:
    case = planning()
    before = changes()
    assert [call(client, m, "bureau_dalate", url, body).status_code for m, url, body in plan_calls(case)] == [403] * 5
    assert [call(client, m, "worker_dalate", url, body, scope="read").status_code
            for m, url, body in plan_calls(case)] == [403] * 5
    assert changes() == before


def test_anonymous_callers_are_asked_to_sign_in(client: Client) -> None:
    case = planning()
    assert [call(client, m, None, url, body).status_code for m, url, body in plan_calls(case)] == [401] * 5
