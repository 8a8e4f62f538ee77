"""The demo's case work: the session database holds seed 1 with 120 children (see conftest.py)."""

import pytest
from django.db.models import Count

from tongban.cases.choices import Stage
from tongban.cases.models import Case, DomainScore
from tongban.children.models import Child
from tongban.core.demo import DemoBuilder
from tongban.testing import cast

pytestmark = pytest.mark.django_db


def test_zi_qi_s_case_closed_with_her_goals_met_after_8_sessions():
    case = Case.objects.get(child__name="子琪")

    assert (case.stage, case.exit_reason) == (Stage.FOLLOW_UP, "goals_met")
    assert case.sessions.count() == 8
    assert set(case.sessions.values_list("kind", flat=True)) == {"counselling", "group", "companionship"}
    assert case.worker == cast("worker_dalate") and case.approvals.filter(kind="closure", state="approved").exists()


def test_the_demo_has_cases_in_every_stage_for_a_share_of_the_children():
    stages = set(Case.objects.values_list("stage", flat=True))

    assert stages >= {"intake", "assessment", "plan", "intervention", "evaluation", "follow_up"}
    assert 0.15 < Case.objects.count() / Child.objects.count() < 0.6


def test_every_demo_case_is_worked_by_the_team_of_the_childs_county():
    for case in Case.objects.select_related("child__region", "team__region", "worker"):
        assert case.child.region.path.startswith(case.team.region.path)
        assert case.worker.team_id == case.team_id


def test_every_demo_assessment_scores_the_six_domains():
    counts = set(DomainScore.objects.values("assessment").annotate(n=Count("pk")).values_list("n", flat=True))

    assert counts == {6}


def test_cases_past_the_plan_have_an_approved_plan_and_sessions():
    for case in Case.objects.filter(stage__in=["intervention", "evaluation"]).select_related("plan"):
        assert case.plan.state == "approved"
        assert case.sessions.exists()


def test_no_child_has_two_open_cases():
    doubled = Case.objects.open().values("child", "project").annotate(n=Count("pk")).filter(n__gt=1)

    assert not doubled.exists()


def test_the_same_seed_builds_the_same_cases_again():
    def snapshot():
        return list(Case.objects.order_by("child__pseudonym").values_list(
            "child__pseudonym", "stage", "opened_on", "exit_reason").annotate(n=Count("sessions")))

    before = snapshot()
    Case.objects.all().delete()
    DemoBuilder(seed=1).cases(1)

    assert snapshot() == before
