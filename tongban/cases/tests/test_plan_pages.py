"""Changing a goal of the service plan on the page: the same service as the API, the same stage rules."""

from datetime import date, timedelta

import pytest

from tongban.audit.models import AuditEvent
from tongban.cases import services
from tongban.cases.choices import Domain, Stage
from tongban.cases.models import Goal, Task
from tongban.cases.tests.factories import bring_to, make_case, write_plan
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def planning() -> Goal:
    case = bring_to(make_case(), Stage.PLAN)
    write_plan(case)
    return Goal.objects.select_related("plan").get(plan__case=case)


def page(goal: Goal) -> str:
    return f"/cases/{goal.plan.case_id}/plan/goals/{goal.pk}/"


def goal_form(goal: Goal, **changes: str) -> dict[str, str]:
    return {"domain": goal.domain, "need": goal.need, "description": goal.description,
            "due_on": goal.due_on.isoformat(), **changes}


def test_the_plan_page_links_each_goal_to_its_change(client):
    goal = planning()
    signed_in(client, "worker_dalate")

    assert page(goal) in client.get(f"/cases/{goal.plan.case_id}/plan/").content.decode()


def test_worker_changes_a_goal_on_the_page_and_it_is_audited(client):
    goal = planning()
    signed_in(client, "worker_dalate")

    response = client.post(page(goal), goal_form(goal, description="能和祖母说出自己的感受", domain=Domain.FAMILY))

    assert response["Location"] == f"/cases/{goal.plan.case_id}/plan/"
    saved = Goal.objects.get(pk=goal.pk)
    assert (saved.description, saved.domain) == ("能和祖母说出自己的感受", Domain.FAMILY)
    event = AuditEvent.objects.get(action="update", target_type="cases.goal", target_id=str(goal.pk))
    assert set(event.changes) == {"case", "description", "domain"}


def test_the_form_opens_with_the_goal_as_saved(client):
    goal = planning()
    signed_in(client, "worker_dalate")

    form = client.get(page(goal)).context["form"]

    assert (form["description"].value(), form["due_on"].value()) == (goal.description, goal.due_on)


def test_a_goal_moved_before_its_tasks_is_refused_on_its_date(client):
    goal = planning()
    signed_in(client, "worker_dalate")

    response = client.post(page(goal), goal_form(goal, due_on=(date.today() + timedelta(days=10)).isoformat()))

    assert response.status_code == 200 and response.context["form"].errors["due_on"]
    assert Goal.objects.get(pk=goal.pk).due_on == goal.due_on


def test_a_goal_is_not_changed_while_the_plan_waits_for_the_team_lead(client):
    goal = planning()
    services.plan_submit(actor=cast("worker_dalate"), case=goal.plan.case)
    signed_in(client, "worker_dalate")

    response = client.post(page(goal), goal_form(goal, description="新目标"))

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Goal.objects.get(pk=goal.pk).description == "能说出自己的感受"


def test_a_goal_is_not_found_by_another_banners_worker_and_read_only_for_the_bureau(client):
    goal = planning()
    signed_in(client, "worker_etuoke")
    assert client.get(page(goal)).status_code == 404
    assert client.post(page(goal), goal_form(goal, description="新目标")).status_code == 404
    signed_in(client, "bureau_dalate")
    assert client.post(page(goal), goal_form(goal, description="新目标")).status_code == 403
    assert Goal.objects.get(pk=goal.pk).description == "能说出自己的感受"


def test_a_goal_of_another_case_is_not_found_through_this_one(client):
    goal, other = planning(), planning()
    signed_in(client, "worker_dalate")

    assert client.get(f"/cases/{goal.plan.case_id}/plan/goals/{other.pk}/").status_code == 404


def test_marking_a_task_done_on_the_case_page(client):
    case = bring_to(make_case(), Stage.INTERVENTION)
    task = Task.objects.get(goal__plan__case=case)
    signed_in(client, "worker_dalate")

    client.post(f"/cases/{case.pk}/tasks/{task.pk}/done/")

    assert Task.objects.get(pk=task.pk).done_on == date.today()
