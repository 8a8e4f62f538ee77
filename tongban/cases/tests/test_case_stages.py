"""The stages of a case (MZ/T 094-2017): only the allowed moves, each refused with a reason otherwise."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.models import Case, StageChange
from tongban.cases.tests.factories import assess, bring_to, make_case, move, pending, reload, session
from tongban.children.tests.factories import make_child
from tongban.testing import cast

pytestmark = pytest.mark.django_db

# Moves the worker makes with case_move, from a case brought to the first stage.
ALLOWED_BY_WORKER = [
    (Stage.INTAKE, Stage.ASSESSMENT),
    (Stage.ASSESSMENT, Stage.PLAN),
    (Stage.INTERVENTION, Stage.EVALUATION),
    (Stage.EVALUATION, Stage.INTERVENTION),
    (Stage.EVALUATION, Stage.PLAN),
    (Stage.FOLLOW_UP, Stage.ENDED),
]
ALL_STAGES = list(Stage)
ALLOWED_PAIRS = {(a, b) for a, b in ALLOWED_BY_WORKER}
# Moves that need their own service: approval of the plan, a closure, the lead's decision on a closure.
OWN_SERVICE = {(Stage(a), Stage(b)) for a, targets in services.TRANSITIONS.items() for b in targets} - ALLOWED_PAIRS


@pytest.mark.parametrize(("start", "to"), ALLOWED_BY_WORKER)
def test_a_worker_makes_each_allowed_move(start, to):
    case = bring_to(make_case(), start)
    if start == Stage.ASSESSMENT:
        assess(case)
    elif start == Stage.INTERVENTION:
        session(case)
    elif start == Stage.FOLLOW_UP:
        case.follow_ups.all().delete()

    move(case, to)

    assert reload(case).stage == to
    assert StageChange.objects.filter(case=case, from_stage=start, to_stage=to).exists()


@pytest.mark.parametrize("start", [Stage.INTAKE, Stage.ASSESSMENT, Stage.PLAN, Stage.INTERVENTION,
                                   Stage.EVALUATION, Stage.CLOSURE, Stage.FOLLOW_UP, Stage.ENDED])
def test_every_other_move_is_refused_with_a_reason(start):
    case = bring_to(make_case(), start)
    for to in ALL_STAGES:
        if (start, to) in ALLOWED_PAIRS or to == start:
            continue
        with pytest.raises(ValidationError) as refused:
            move(case, to)
        assert refused.value.code == "transition", (start, to)
        assert refused.value.messages[0], (start, to)
    assert reload(case).stage == start


def test_the_refusal_names_both_stages_in_the_workers_words():
    case = make_case()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        move(case, Stage.EVALUATION)

    assert "intake" in refused.value.messages[0] and "evaluation" in refused.value.messages[0]


def test_moves_needing_the_lead_or_a_closure_form_are_refused_by_case_move():
    assert (Stage.PLAN, Stage.INTERVENTION) in OWN_SERVICE
    case = bring_to(make_case(), Stage.PLAN)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        move(case, Stage.INTERVENTION)

    assert "team lead" in refused.value.messages[0]


def test_planning_needs_an_assessment_first():
    case = bring_to(make_case(), Stage.ASSESSMENT)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        move(case, Stage.PLAN)

    assert "assessment" in refused.value.messages[0]
    assess(case)
    assert move(case, Stage.PLAN).stage == Stage.PLAN


def test_the_evaluation_needs_a_session_first():
    case = bring_to(make_case(), Stage.INTERVENTION)

    with pytest.raises(ValidationError):
        move(case, Stage.EVALUATION)
    session(case)

    assert move(case, Stage.EVALUATION).stage == Stage.EVALUATION


def test_the_whole_road_from_intake_to_the_end_of_follow_up():
    case = bring_to(make_case(), Stage.ENDED)

    stages = list(StageChange.objects.filter(case=case).values_list("to_stage", flat=True))
    assert stages == ["intake", "assessment", "plan", "intervention", "evaluation", "closure", "follow_up", "ended"]
    assert case.child.status == "closed"


def test_a_child_has_one_open_case_per_project():
    case = make_case()

    with pytest.raises(ValidationError) as refused:
        make_case(child=case.child)

    assert refused.value.code == "open_case"
    assert Case.objects.filter(child=case.child).count() == 1


def test_a_new_case_can_be_opened_once_the_first_is_closed():
    case = bring_to(make_case(), Stage.FOLLOW_UP)

    again = make_case(child=reload(case).child)

    assert again.stage == Stage.INTAKE and Case.objects.filter(child=case.child).count() == 2


def test_opening_a_case_assigns_the_child_to_the_worker_and_puts_them_in_service():
    case = make_case()

    assert (case.child.status, case.child.assigned_worker) == ("in_service", cast("worker_dalate"))
    assert case.team.region.code == "150621"


def test_the_worker_of_a_case_belongs_to_the_team_of_the_childs_county():
    child = make_child()

    with pytest.raises(ValidationError) as refused:
        services.case_open(actor=cast("lead_dalate"), child=child, worker=cast("worker_etuoke"), reason="求助")

    assert "worker" in refused.value.message_dict


@pytest.mark.parametrize("username", ["bureau_ordos", "director_dalate"])
def test_roles_without_case_work_cannot_open_a_case(username):
    child = make_child()

    with pytest.raises(PermissionDenied):
        services.case_open(actor=cast(username), child=child, worker=cast("worker_dalate"), reason="求助")


def test_a_returned_closure_goes_back_to_the_stage_it_came_from():
    case = bring_to(make_case(), Stage.INTERVENTION)
    services.closure_submit(actor=cast("worker_dalate"), case=reload(case), exit_reason="moved",
                            summary="随父亲迁往包头", follow_up_months=[])

    services.approval_decide(actor=cast("lead_dalate"), approval=pending(case, "closure"), approve=False,
                             comment="先联系包头的接收机构")

    assert reload(case).stage == Stage.INTERVENTION
