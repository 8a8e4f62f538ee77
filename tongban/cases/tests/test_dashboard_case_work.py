"""A worker's and a team lead's dashboard: the counts match the records, reminders are computed, never stored."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.cases import reminders, services
from tongban.cases.choices import OPEN_STAGES, Stage
from tongban.cases.models import Case
from tongban.cases.reminders import case_work
from tongban.cases.tests.factories import bring_to, days_ago, make_case, move, reload, session, write_plan
from tongban.children.models import Child, ChildCategory, HomeVerification
from tongban.children.tests.factories import make_child, make_member
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_our_cases():
    # The demo world seeds cases too; these tests count only the ones they make.
    Case.objects.all().delete()


def test_my_cases_by_stage_match_the_records():
    make_case()
    make_case()
    bring_to(make_case(), Stage.ASSESSMENT)
    make_case(worker="worker_dalate_1")

    by_stage = {stage: n for stage, _label, n in case_work(cast("worker_dalate")).by_stage}

    assert by_stage["intake"] == Case.objects.filter(worker=cast("worker_dalate"), stage="intake").count() == 2
    assert by_stage["assessment"] == 1
    assert sum(by_stage.values()) == 3
    # The team lead counts the team's cases, whoever works them.
    by_stage = {stage: n for stage, _label, n in case_work(cast("lead_dalate")).by_stage}
    assert (by_stage["intake"], by_stage["assessment"], sum(by_stage.values())) == (3, 1, 4)


def test_the_lead_counts_every_case_of_the_team():
    make_case()
    make_case(worker="worker_dalate_1")

    work = case_work(cast("lead_dalate"))

    assert work.open_cases == Case.objects.open().filter(team__region__code="150621").count() == 2


def test_tasks_due_today_and_overdue_are_the_workers_open_tasks():
    overdue = bring_to(make_case(), Stage.PLAN)
    write_plan(overdue, task_due=date.today() + timedelta(days=3))
    task = overdue.plan.goals.get().tasks.get()
    task.due_on = days_ago(2)
    task.save()
    today = bring_to(make_case(), Stage.PLAN)
    write_plan(today, task_due=date.today())

    work = case_work(cast("worker_dalate"))

    assert [t.pk for t in work.tasks_overdue] == [task.pk]
    assert len(work.tasks_today) == 1
    assert case_work(cast("worker_dalate_1")).tasks_today == []


def test_a_task_done_leaves_the_reminders():
    case = bring_to(make_case(), Stage.PLAN)
    write_plan(case, task_due=date.today())
    services.task_done(actor=cast("worker_dalate"), task=case.plan.goals.get().tasks.get())

    assert case_work(cast("worker_dalate")).tasks_today == []


def test_assessments_due_are_first_assessments_and_re_assessments_at_evaluation():
    waiting = bring_to(make_case(), Stage.ASSESSMENT)
    evaluating = bring_to(make_case(), Stage.EVALUATION)
    bring_to(make_case(), Stage.PLAN)

    colleagues = move(make_case(worker="worker_dalate_1"), Stage.ASSESSMENT, by="worker_dalate_1")

    due = {c.pk for c in case_work(cast("worker_dalate")).assessments_due}

    assert due == {waiting.pk, evaluating.pk}
    assert {c.pk for c in case_work(cast("lead_dalate")).assessments_due} == {waiting.pk, evaluating.pk, colleagues.pk}


def test_follow_ups_due_within_a_week_are_shown():
    case = bring_to(make_case(), Stage.FOLLOW_UP)
    first = case.follow_ups.order_by("due_on").first()
    first.due_on = date.today() + timedelta(days=3)
    first.save()

    due = case_work(cast("worker_dalate")).follow_ups_due

    assert [f.pk for f in due] == [first.pk]
    assert [f.pk for f in case_work(cast("lead_dalate")).follow_ups_due] == [first.pk]
    assert case_work(cast("lead_etuoke")).follow_ups_due == []


def test_the_lead_sees_what_waits_for_approval_and_the_worker_sees_the_decision():
    case = bring_to(make_case(), Stage.PLAN)
    write_plan(case)
    approval = services.plan_submit(actor=cast("worker_dalate"), case=reload(case))

    assert [a.pk for a in case_work(cast("lead_dalate")).awaiting_approval] == [approval.pk]
    assert case_work(cast("lead_etuoke")).awaiting_approval == []
    services.approval_decide(actor=cast("lead_dalate"), approval=approval, approve=True)
    assert case_work(cast("lead_dalate")).awaiting_approval == []
    assert [a.pk for a in case_work(cast("worker_dalate")).decisions] == [approval.pk]


def test_a_high_risk_child_without_contact_for_over_30_days_is_a_warning():
    quiet = bring_to(make_case(opened_on=days_ago(90)), Stage.INTERVENTION)
    Child.objects.filter(pk=quiet.child_id).update(risk="high")
    recent = bring_to(make_case(opened_on=days_ago(90)), Stage.INTERVENTION)
    Child.objects.filter(pk=recent.child_id).update(risk="high")
    session(recent, on=days_ago(5))

    warned = {c.pk for c in case_work(cast("worker_dalate")).warnings.no_contact}

    assert warned == {quiet.pk}


def test_only_open_cases_are_warned_about_whatever_stage_they_are_in():
    # The stage is tested outside the cases' indexes on SQLite (NotAnIndexKey): the same cases must come out.
    cases = {stage: make_case(opened_on=days_ago(200)) for stage in Stage.values}
    for stage, case in cases.items():
        Case.objects.filter(pk=case.pk).update(stage=stage)
    Child.objects.filter(cases__in=cases.values()).update(risk="low")
    open_ones = {cases[stage].pk for stage in OPEN_STAGES}

    assert {c.pk for c in case_work(cast("worker_dalate")).warnings.no_contact} == open_ones
    assert {c.pk for c in case_work(cast("lead_dalate")).warnings.no_contact} == open_ones


def test_a_low_risk_child_waits_90_days_before_a_warning(settings):
    case = make_case(opened_on=days_ago(60))
    Child.objects.filter(pk=case.child_id).update(risk="low")

    assert case_work(cast("worker_dalate")).warnings.no_contact == []
    settings.CASE_CONTACT_DAYS = {**settings.CASE_CONTACT_DAYS, "low": 30}
    assert [c.pk for c in case_work(cast("worker_dalate")).warnings.no_contact] == [case.pk]


def test_the_to_do_lists_show_the_first_records_and_count_them_all(client, monkeypatch):
    monkeypatch.setattr(reminders, "LIST_LENGTH", 2)
    for n in range(3):
        case = bring_to(make_case(), Stage.PLAN)
        write_plan(case, task_due=days_ago(n + 1))
        write_plan(case, task_due=date.today())
        Case.objects.filter(pk=bring_to(make_case(), Stage.ASSESSMENT).pk).update(stage_since=days_ago(10 + n))
        services.plan_submit(actor=cast("worker_dalate"), case=reload(case))

    work = case_work(cast("worker_dalate"))
    lead_work = case_work(cast("lead_dalate"))

    # The longest overdue first, as many as the list holds; the count is of all of them.
    assert [t.due_on for t in work.tasks_overdue] == [days_ago(3), days_ago(2)]
    assert (work.tasks_overdue_count, len(work.tasks_today), work.tasks_today_count) == (3, 2, 3)
    assert [c.stage_since for c in work.assessments_due] == [days_ago(12), days_ago(11)]
    assert work.assessments_due_count == 3
    assert (len(lead_work.awaiting_approval), lead_work.awaiting_approval_count) == (2, 3)
    signed_in(client, "worker_dalate")
    page = client.get("/").content.decode()
    for key in ("tasks-overdue", "tasks-today", "assessments-due"):
        assert f'data-count="{key}">3<' in page, key
    # Each line leads to its case.
    assert f'href="/cases/{work.tasks_overdue[0].goal.plan.case_id}/#plan"' in page
    assert f'href="/cases/{work.assessments_due[0].pk}/#assessments"' in page
    assert 'href="/cases/?stage=plan&amp;mine=1"' in page
    signed_in(client, "lead_dalate")
    assert 'data-count="awaiting-approval">3<' in client.get("/").content.decode()


def test_the_warnings_show_the_first_cases_and_count_them_all(client, monkeypatch):
    monkeypatch.setattr(reminders, "LIST_LENGTH", 2)
    quiet = [make_case(opened_on=days_ago(200 + n)) for n in range(3)]
    Child.objects.filter(cases__in=quiet).update(risk="low")

    warnings = case_work(cast("worker_dalate")).warnings

    # The longest without contact first.
    assert [c.pk for c in warnings.no_contact] == [quiet[2].pk, quiet[1].pk]
    assert warnings.no_contact_count == 3
    signed_in(client, "worker_dalate")
    page = client.get("/").content.decode()
    assert 'data-count="no-contact">3<' in page
    assert f'<a href="/cases/{quiet[2].pk}/">' in page and f'<a href="/cases/{quiet[0].pk}/">' not in page


def test_a_visit_at_home_counts_as_a_contact():
    case = make_case(opened_on=days_ago(120))
    Child.objects.filter(pk=case.child_id).update(risk="low")
    assert [c.pk for c in case_work(cast("worker_dalate")).warnings.no_contact] == [case.pk]

    HomeVerification.objects.create(child=case.child, visited_on=days_ago(10), visitor=cast("worker_dalate"))

    assert case_work(cast("worker_dalate")).warnings.no_contact == []


def test_children_whose_risk_rose_are_counted_beyond_the_list(monkeypatch):
    monkeypatch.setattr(reminders, "LIST_LENGTH", 1)
    for _ in range(2):
        case = make_case(grade="初二辍学")
        Child.objects.filter(pk=case.child_id).update(risk="low")

    warnings = case_work(cast("worker_dalate")).warnings

    assert len(warnings.risk_raised) == 1
    assert warnings.risk_raised_count == 2


def test_welfare_gaps_are_counted_beyond_the_list(monkeypatch):
    for _ in range(2):
        orphan = make_child()
        make_member(orphan, "father", life_status="dead")
        make_member(orphan, "mother", life_status="dead")
        make_case(child=orphan)
    before = case_work(cast("lead_dalate")).warnings
    assert len(before.welfare_gaps) == min(before.welfare_gaps_count, reminders.LIST_LENGTH)
    monkeypatch.setattr(reminders, "LIST_LENGTH", 1)

    warnings = case_work(cast("lead_dalate")).warnings

    assert [c.pk for c, _names in warnings.welfare_gaps] == [before.welfare_gaps[0][0].pk]
    assert warnings.welfare_gaps_count == before.welfare_gaps_count >= 2


def test_the_leads_warning_counts_match_an_independent_count_of_the_area():
    for _ in range(2):
        orphan = make_child()
        make_member(orphan, "father", life_status="dead")
        make_member(orphan, "mother", life_status="dead")
        make_case(child=orphan)
    lead = cast("lead_dalate")
    area = Child.objects.filter(merged_into__isnull=True, project_id=lead.team.project_id,
                                region__path__startswith=lead.team.region.path)
    entitles = {"orphan": {"orphan_allowance"}, "de_facto_unsupported": {"unsupported_allowance"},
                "difficulty_disability": {"disability_subsidy", "rehabilitation"}}
    codes: dict[int, set[str]] = {}
    for child_id, code in ChildCategory.objects.values_list("child_id", "category__code"):
        codes.setdefault(child_id, set()).add(code)
    gaps = [c for c in area if any(code in codes.get(c.pk, set()) and not benefits & set(c.welfare or [])
                                   for code, benefits in entitles.items())]

    warnings = case_work(lead).warnings

    assert warnings.welfare_gaps_count == len(gaps) >= 2


def test_a_guardian_who_died_raises_a_warning_until_the_risk_is_raised():
    case = make_case()
    child = case.child
    Child.objects.filter(pk=child.pk).update(risk="medium")
    grandma = make_member(child, "p_grandmother", is_guardian=True)
    assert child.pk not in {c.pk for c in case_work(cast("worker_dalate")).warnings.risk_raised}

    services_family_death(grandma)

    assert child.pk in {c.pk for c in case_work(cast("worker_dalate")).warnings.risk_raised}
    assert child.pk in {c.pk for c in case_work(cast("lead_dalate")).warnings.risk_raised}
    Child.objects.filter(pk=child.pk).update(risk="high")
    assert child.pk not in {c.pk for c in case_work(cast("worker_dalate")).warnings.risk_raised}


def services_family_death(member):
    from tongban.children.services import family_member_save

    family_member_save(actor=cast("worker_dalate"), child=member.child, member=member, life_status="dead")


def test_dropping_out_of_school_raises_a_warning():
    case = make_case(grade="初二辍学")
    Child.objects.filter(pk=case.child_id).update(risk="low")

    assert case.child_id in {c.pk for c in case_work(cast("worker_dalate")).warnings.risk_raised}


def test_an_orphan_without_the_orphan_allowance_is_listed_for_referral():
    orphan = make_child()
    make_member(orphan, "father", life_status="dead")
    make_member(orphan, "mother", life_status="dead")
    make_case(child=orphan)
    receiving = make_child(welfare=["orphan_allowance"])
    make_member(receiving, "father", life_status="dead")
    make_member(receiving, "mother", life_status="dead")
    make_case(child=receiving)

    gaps = case_work(cast("worker_dalate")).warnings.welfare_gaps

    assert [(c.pk, names) for c, names in gaps if c.pk in (orphan.pk, receiving.pk)] == [(orphan.pk, ["孤儿"])]


def test_people_who_keep_no_cases_have_no_case_work_on_their_dashboard(client):
    for username in ("bureau_ordos", "director_dalate", "volunteer_dalate", "pm_ordos"):
        assert case_work(cast(username)) is None


def test_the_dashboard_page_shows_the_counts_of_the_records(client):
    bring_to(make_case(), Stage.ASSESSMENT)
    signed_in(client, "worker_dalate")

    response = client.get("/")

    assert response.context["case_work"].assessments_due[0].stage == Stage.ASSESSMENT
    assert 'data-count="assessments-due">1<' in response.content.decode()


def one_child_of_each_warning():
    """An orphan without the allowance, out of school at low risk, whose case has been quiet for 200 days."""
    orphan = make_child(grade="初二辍学")
    make_member(orphan, "father", life_status="dead")
    make_member(orphan, "mother", life_status="dead")
    make_case(child=orphan, opened_on=days_ago(200))
    Child.objects.filter(pk=orphan.pk).update(risk="low")


def test_the_dashboard_takes_as_many_queries_with_many_warnings_as_with_one(client):
    one_child_of_each_warning()
    signed_in(client, "lead_dalate")
    with CaptureQueriesContext(connection) as with_one:
        client.get("/")
    one_child_of_each_warning()
    one_child_of_each_warning()

    with CaptureQueriesContext(connection) as with_three:
        response = client.get("/")

    assert len(with_three) == len(with_one)
    warnings = response.context["case_work"].warnings
    assert warnings.no_contact_count >= 3 and warnings.risk_raised_count >= 3 and warnings.welfare_gaps_count >= 3


@pytest.mark.parametrize("username", ["worker_dalate", "lead_dalate"])
def test_the_case_work_is_the_same_when_it_is_read_through_the_cases(monkeypatch, username):
    # A team of an area below a county has its cases' rows chosen through the cases themselves.
    waiting = move(make_case(opened_on=days_ago(200)), Stage.ASSESSMENT)
    bring_to(make_case(), Stage.FOLLOW_UP)
    Child.objects.filter(pk=waiting.child_id).update(risk="high")

    def shown(work):
        return ({stage: n for stage, _label, n in work.by_stage}, [c.pk for c in work.assessments_due],
                work.follow_ups_due_count, [c.pk for c in work.warnings.no_contact], work.warnings.no_contact_count)

    by_area = shown(case_work(cast(username)))
    monkeypatch.setattr(reminders, "cases_by_area_q", lambda *args, **kwargs: None)

    assert shown(case_work(cast(username))) == by_area
    assert by_area[1] == [waiting.pk] and waiting.pk in by_area[3]
