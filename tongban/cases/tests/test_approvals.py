"""Plans and closures go to the lead of the case's team, and only that lead decides."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.models import Approval
from tongban.cases.tests.factories import bring_to, make_case, pending, reload, write_plan
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def submitted_plan():
    case = bring_to(make_case(), Stage.PLAN)
    write_plan(case)
    return case, services.plan_submit(actor=cast("worker_dalate"), case=reload(case))


def test_the_dalate_lead_approves_a_dalate_plan_and_the_intervention_starts():
    case, approval = submitted_plan()

    services.approval_decide(actor=cast("lead_dalate"), approval=approval, approve=True)

    case = reload(case)
    assert (case.stage, case.plan.state) == (Stage.INTERVENTION, "approved")
    assert Approval.objects.get(pk=approval.pk).decided_by == cast("lead_dalate")


@pytest.mark.parametrize("username", ["lead_etuoke", "worker_dalate", "pm_ordos", "bureau_dalate", "admin"])
def test_nobody_but_the_lead_of_the_cases_team_approves(username):
    case, approval = submitted_plan()

    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=cast(username), approval=approval, approve=True)

    assert reload(case).stage == Stage.PLAN
    assert Approval.objects.get(pk=approval.pk).state == "pending"


def test_the_lead_of_another_banner_is_refused_on_the_page_too(client):
    case, approval = submitted_plan()
    signed_in(client, "lead_etuoke")

    response = client.post(f"/cases/{case.pk}/approvals/{approval.pk}/", {"decision": "approve"})

    assert response.status_code == 404
    assert reload(case).stage == Stage.PLAN


def test_a_plan_returned_with_a_comment_goes_back_to_the_worker():
    case, approval = submitted_plan()

    services.approval_decide(actor=cast("lead_dalate"), approval=approval, approve=False,
                             comment="目标要具体可衡量")

    case = reload(case)
    assert (case.stage, case.plan.state) == (Stage.PLAN, "returned")
    assert Approval.objects.get(pk=approval.pk).comment == "目标要具体可衡量"


def test_returning_a_plan_needs_a_comment():
    _case, approval = submitted_plan()

    with pytest.raises(ValidationError) as refused:
        services.approval_decide(actor=cast("lead_dalate"), approval=approval, approve=False, comment="")

    assert "comment" in refused.value.message_dict


def test_the_worker_sees_the_leads_comment_on_the_case_page(client):
    case, approval = submitted_plan()
    services.approval_decide(actor=cast("lead_dalate"), approval=approval, approve=False, comment="目标要具体可衡量")
    signed_in(client, "worker_dalate")

    assert "目标要具体可衡量" in client.get(f"/cases/{case.pk}/").content.decode()


def test_the_lead_approves_from_the_case_page(client):
    case, approval = submitted_plan()
    signed_in(client, "lead_dalate")

    assert client.get(f"/cases/{case.pk}/").context["may_approve"] is True
    client.post(f"/cases/{case.pk}/approvals/{approval.pk}/", {"decision": "approve"})

    assert reload(case).stage == Stage.INTERVENTION


def test_a_plan_without_goals_and_tasks_is_not_sent():
    case = bring_to(make_case(), Stage.PLAN)
    services.plan_save(actor=cast("worker_dalate"), case=reload(case), aim="帮助孩子")

    with pytest.raises(ValidationError):
        services.plan_submit(actor=cast("worker_dalate"), case=reload(case))

    assert not Approval.objects.filter(case=case).exists()


def test_a_submitted_plan_cannot_be_changed_until_the_lead_decides():
    case, _approval = submitted_plan()

    with pytest.raises(ValidationError):
        services.plan_save(actor=cast("worker_dalate"), case=reload(case), aim="改一下")


def test_an_approved_closure_schedules_the_follow_up_visits():
    case = bring_to(make_case(), Stage.CLOSURE)

    services.approval_decide(actor=cast("lead_dalate"), approval=pending(case, "closure"), approve=True)

    case = reload(case)
    assert case.stage == Stage.FOLLOW_UP and case.closed_on is not None
    assert [f.months for f in case.follow_ups.all()] == [1, 3, 6]
    assert all(f.due_on > case.closed_on for f in case.follow_ups.all())


def test_closing_with_goals_met_needs_the_evaluation():
    case = bring_to(make_case(), Stage.INTERVENTION)

    with pytest.raises(ValidationError) as refused:
        services.closure_submit(actor=cast("worker_dalate"), case=reload(case), exit_reason="goals_met",
                                summary="好转", follow_up_months=[1])

    assert "exit_reason" in refused.value.message_dict


def test_no_follow_up_is_scheduled_when_the_child_died():
    case = bring_to(make_case(), Stage.INTERVENTION)

    with pytest.raises(ValidationError):
        services.closure_submit(actor=cast("worker_dalate"), case=reload(case), exit_reason="died",
                                summary="意外去世", follow_up_months=[1])


def test_the_last_follow_up_visit_ends_the_case():
    case = bring_to(make_case(), Stage.FOLLOW_UP)
    visits = list(case.follow_ups.all())

    for visit in visits:
        services.follow_up_record(actor=cast("worker_dalate"), follow_up=visit, done_on=visit.case.closed_on,
                                  notes="孩子状态稳定")

    assert reload(case).stage == Stage.ENDED


@pytest.mark.parametrize("username", ["lead_etuoke", "worker_dalate", "pm_ordos"])
def test_a_closure_is_approved_only_by_the_lead_of_the_cases_team(username):
    case = bring_to(make_case(), Stage.CLOSURE)

    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=cast(username), approval=pending(case, "closure"), approve=True)

    assert reload(case).stage == Stage.CLOSURE
