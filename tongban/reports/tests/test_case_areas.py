"""The area and project of each case (CaseArea) stay those of the case and its child, whatever writes them: each test
writes through one path that changes cases or children, then compares the table with the cases themselves and the
statistics' figures of cases with counting.py."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Max, Q

from tongban.cases import services as case_services
from tongban.cases.models import Case, ServiceSession
from tongban.cases.tests.factories import bring_to, make_case, move, session
from tongban.children import services as child_services
from tongban.children.models import Child, ChildCategory, DifficultyCategory, HomeVerification
from tongban.children.tests.factories import make_child, reload, village
from tongban.organisations.models import Project
from tongban.regions.models import Region
from tongban.reports import case_areas
from tongban.reports.models import CaseArea
from tongban.reports.selectors import Period, statistics
from tongban.reports.selectors.figures import served_spans
from tongban.reports.tests import counting
from tongban.reports.tests.counting import Area
from tongban.reports.tests.test_child_days import assert_figures
from tongban.reports.tests.test_session_days import VIEWERS, area_of
from tongban.testing import cast

pytestmark = pytest.mark.django_db


FAR = date(9999, 12, 31)  # the end of a case still open


def days_ago(n: int) -> date:
    return date.today() - timedelta(days=n)


def placed_from_cases() -> dict[int, tuple]:
    cases = list(Case.objects.select_related("child__region__parent__parent"))
    last_session = dict(ServiceSession.objects.values("case_id").annotate(day=Max("held_on"))
                        .values_list("case_id", "day"))
    last_visit = dict(HomeVerification.objects.values("child_id").annotate(day=Max("visited_on"))
                      .values_list("child_id", "day"))

    def earlier_end(case: Case, same_project: bool) -> date | None:
        ends = [c.closed_on or FAR for c in cases if c.child_id == case.child_id
                and (c.opened_on, c.pk) < (case.opened_on, case.pk)
                and (not same_project or c.project_id == case.project_id)]
        return max(ends, default=None)

    return {c.pk: (area_of(c.child.region), c.project_id, c.child_id, c.child.project_id, c.opened_on, c.closed_on,
                   earlier_end(c, False), earlier_end(c, True), c.child.sex, c.child.ethnicity, c.child.birth_date,
                   c.child.created_at, c.worker_id, c.stage, c.child.risk, last_session.get(c.pk),
                   last_visit.get(c.child_id))
            for c in cases}


def table() -> dict[int, tuple]:
    return {r.case_id: (r.area, r.project, r.child, r.child_project, r.opened_on, r.closed_on, r.earlier_end,
                        r.earlier_end_in_project, r.sex, r.ethnicity, r.birth_date, r.created_at, r.worker, r.stage,
                        r.risk, r.last_session, r.last_visit)
            for r in CaseArea.objects.all()}


def assert_exact() -> None:
    """The table equals the cases, every viewer's cases by stage and outcome and referrals equal a count, and so do
    the children served (counted from the table)."""
    assert table() == placed_from_cases()
    for period in ((date(date.today().year, 1, 1), date.today()),
                   (date(date.today().year - 1, 1, 1), date(date.today().year - 1, 12, 31))):
        for username, code in VIEWERS:
            stats = statistics(cast(username), Period(*period))
            area = Area(Region.objects.get(code=code).path if code else "/", *period)
            assert {r.key: r.values[0] for r in stats["cases_by_stage"].rows if r.values[0]} == dict(
                counting.cases_by_stage(area)), username
            assert {r.key: r.values[0] for r in stats["cases_by_outcome"].rows if r.values[0]} == dict(
                counting.cases_closed_by_exit(area)), username
            referrals = counting.referrals(area)
            assert stats["referrals"].total[-1] == sum(referrals.values()), username
            served = sum(figures[2] for figures in counting.child_figures(area).values())
            assert stats["children_by_region"].total[2] == served, username
        assert_figures(period)


def test_the_table_starts_equal_to_the_cases_on_record():
    assert CaseArea.objects.exists()
    assert_exact()


def test_a_case_opened_is_placed_at_once():
    make_case(name="韩小一", region=village("150621", index=6))

    assert_exact()


def test_a_child_moved_to_another_banner_takes_the_cases_along():
    case = make_case(name="杨小二")
    move(case, "assessment")

    child_services.child_update(actor=cast("pm_ordos"), child=reload(case.child), region=village("150624"),
                                assigned_worker=cast("worker_etuoke"))
    assert_exact()
    case_services.case_transfer(actor=cast("pm_ordos"), case=Case.objects.get(pk=case.pk),
                                to_worker=cast("worker_etuoke"), reason="孩子搬到鄂托克旗")
    assert_exact()


def test_two_files_merged_place_the_dropped_file_s_cases_under_the_kept_child():
    dropped = make_case(name="朱小三")
    Case.objects.filter(pk=dropped.pk).update(stage="ended", exit_reason="goals_met",
                                              closed_on=date.today() - timedelta(days=2))
    kept = make_child(name="朱小三", region=village("150624", index=3), actor=cast("pm_ordos"), with_id=False)

    child_services.children_merge(actor=cast("pm_ordos"), keep=kept, drop=reload(dropped.child))

    assert Case.objects.get(pk=dropped.pk).child_id == kept.pk
    assert_exact()


def test_a_case_or_a_child_deleted_takes_its_place_out():
    case = make_case(name="秦小四")
    other = make_case(name="尤小五", region=village("150621", index=7))

    Case.objects.get(pk=case.pk).delete()
    assert_exact()
    Child.objects.filter(pk=other.child_id).delete()
    assert_exact()


def test_cases_inserted_moved_and_removed_in_bulk_are_placed():
    template = make_case(name="许小六")
    children = [make_child(name=f"许小{i}", region=village("150621", index=8 + i), with_id=False) for i in range(3)]
    made = Case.objects.bulk_create([
        Case(child=child, project_id=template.project_id, team_id=template.team_id, worker_id=template.worker_id,
             opened_on=date.today() - timedelta(days=10), stage_since=date.today(), stage="ended",
             closed_on=date.today() - timedelta(days=1), exit_reason="goals_met", reason="批量")
        for child in children])
    assert_exact()
    Case.objects.filter(pk__in=[c.pk for c in made]).update(child=children[0])
    assert_exact()
    Case.objects.filter(pk__in=[c.pk for c in made]).delete()
    assert_exact()


def test_a_cases_latest_session_is_kept_as_sessions_are_recorded_moved_and_removed():
    case = bring_to(make_case(name="吕小八"), "intervention")
    other = bring_to(make_case(name="吕小九", region=village("150621", index=9)), "intervention")
    first, latest = session(case, on=days_ago(40)), session(case, on=days_ago(5))
    assert CaseArea.objects.get(pk=case.pk).last_session == days_ago(5)
    assert_exact()

    ServiceSession.objects.filter(pk=latest.pk).update(held_on=days_ago(50))  # a day typed wrong, corrected
    assert CaseArea.objects.get(pk=case.pk).last_session == days_ago(40)
    ServiceSession.objects.filter(pk=first.pk).update(case=other)  # recorded on the wrong case
    assert (CaseArea.objects.get(pk=case.pk).last_session, CaseArea.objects.get(pk=other.pk).last_session) == (
        days_ago(50), days_ago(40))
    assert_exact()
    ServiceSession.objects.filter(case=case).delete()
    assert CaseArea.objects.get(pk=case.pk).last_session is None
    ServiceSession.objects.bulk_create([ServiceSession(case=case, worker=cast("worker_dalate"), held_on=days_ago(n),
                                                       kind="counselling", minutes=30) for n in (9, 3, 7)])
    assert CaseArea.objects.get(pk=case.pk).last_session == days_ago(3)
    ServiceSession.objects.filter(case=case, held_on=days_ago(3)).update(notes="补记")  # no day changed
    assert CaseArea.objects.get(pk=case.pk).last_session == days_ago(3)
    assert_exact()


def test_a_childs_latest_home_visit_is_kept_on_each_of_its_cases():
    case = make_case(name="施小十")
    Case.objects.create(child=case.child, project_id=case.project_id, team_id=case.team_id, worker_id=case.worker_id,
                        opened_on=days_ago(400), stage_since=days_ago(300), stage="ended", closed_on=days_ago(300),
                        exit_reason="goals_met", reason="早先的个案")
    visit = child_services.home_verification_record(
        actor=cast("lead_dalate"), child=reload(case.child), visited_on=days_ago(12), child_seen=True,
        guardian_present=True)

    def kept() -> list[date | None]:
        return list(CaseArea.objects.filter(child=case.child_id).values_list("last_visit", flat=True))

    assert kept() == [days_ago(12)] * 2
    assert_exact()

    HomeVerification.objects.filter(pk=visit.pk).update(visited_on=days_ago(2))
    assert kept() == [days_ago(2)] * 2
    elsewhere = make_child(name="施小十一", with_id=False)
    HomeVerification.objects.filter(pk=visit.pk).update(child=elsewhere)  # the visit was of another child
    assert kept() == [None] * 2
    HomeVerification.objects.filter(pk=visit.pk).update(child=case.child)
    HomeVerification.objects.filter(pk=visit.pk).delete()
    assert kept() == [None] * 2
    assert_exact()


def test_a_cases_stage_and_its_childs_risk_are_kept():
    case = make_case(name="孔小二")
    move(case, "assessment")
    assert CaseArea.objects.get(pk=case.pk).stage == "assessment"
    child_services.child_update(actor=cast("lead_dalate"), child=reload(case.child), risk="critical")
    assert CaseArea.objects.get(pk=case.pk).risk == "critical"
    Child.objects.filter(pk=case.child_id).update(risk="medium")
    Case.objects.filter(pk=case.pk).update(stage="ended", closed_on=days_ago(1), exit_reason="goals_met")
    assert (CaseArea.objects.get(pk=case.pk).risk, CaseArea.objects.get(pk=case.pk).stage) == ("medium", "ended")
    assert_exact()


def test_rebuilding_the_table_gives_what_the_triggers_kept():
    make_case(name="何小七")
    kept = table()

    with connection.cursor() as cursor:
        for sql in case_areas.REBUILD:
            cursor.execute(sql)

    assert table() == kept


def test_a_child_served_by_several_cases_counts_once_and_a_case_closed_before_the_period_not_at_all():
    this_year = date(date.today().year, 1, 1)
    earlier = make_case(name="吕小八", opened_on=this_year - timedelta(days=400))
    Case.objects.filter(pk=earlier.pk).update(stage="ended", exit_reason="goals_met",
                                              closed_on=this_year - timedelta(days=30))
    again = Case.objects.get(pk=earlier.pk)
    again.pk = None
    again.opened_on, again.closed_on, again.stage, again.exit_reason = date.today(), None, "intake", ""
    again.save()
    # Two cases of one child open at the same time (one of them since closed): one child served.
    both = make_case(name="施小九")
    twin = Case.objects.get(pk=both.pk)
    twin.pk, twin.opened_on, twin.closed_on = None, twin.opened_on - timedelta(days=5), date.today()
    twin.stage, twin.exit_reason = "ended", "goals_met"
    twin.save()
    # Under a category and one of its subtypes: once under the category.
    subtype = DifficultyCategory.objects.filter(parent__isnull=False).first()
    ChildCategory.objects.bulk_create([ChildCategory(child_id=both.child_id, category=c, source="recorded")
                                       for c in (subtype, subtype.parent)])
    only_last_year = make_case(name="张小十", opened_on=this_year - timedelta(days=200))
    Case.objects.filter(pk=only_last_year.pk).update(stage="ended", exit_reason="moved",
                                                     closed_on=this_year - timedelta(days=100))
    assert_exact()

    Case.objects.filter(pk=again.pk).update(opened_on=this_year - timedelta(days=60))  # before the first closed
    Case.objects.filter(pk=twin.pk).delete()
    assert_exact()


def test_a_child_corrected_in_sex_birth_date_or_project_is_counted_anew():
    case = make_case(name="孔小十一", sex="F")
    child = reload(case.child)

    Child.objects.filter(pk=child.pk).update(sex="M", ethnicity="蒙古族", birth_date=child.birth_date.replace(
        year=child.birth_date.year - 3))
    assert_exact()
    Child.objects.filter(pk=child.pk).update(created_at=child.created_at - timedelta(days=500))
    assert_exact()


def test_the_children_served_in_one_project_count_the_cases_of_that_project_only():
    project = cast("lead_dalate").team.project
    mine = make_case(name="曹小十二")
    # The same child's case in another project, opened before and still open: the project's own case counts.
    other = Case.objects.get(pk=mine.pk)
    other.pk, other.opened_on = None, mine.opened_on - timedelta(days=30)
    other.project = Project.objects.exclude(pk=project.pk).first()
    other.save()
    first, last = date(date.today().year, 1, 1), date.today()
    period = Period(first, last, project=project)

    served = (Case.objects.filter(project=project, child__project=project, child__merged_into__isnull=True,
                                  opened_on__lte=last)
              .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=first)).values("child").distinct().count())

    assert served_spans(cast("admin"), period) is not None
    assert statistics(cast("admin"), period)["children_by_region"].total[2] == served
    assert table() == placed_from_cases()


def test_the_children_served_are_counted_from_the_first_cases_when_areas_and_projects_say_who_sees_what():
    period = Period(date(date.today().year, 1, 1), date.today())

    assert served_spans(cast("bureau_ordos"), period) is not None
    assert served_spans(cast("admin"), period) is not None
    assert served_spans(cast("worker_dalate"), period) is None  # their own cases: counted from the cases
    assert served_spans(cast("director_dalate"), period) is None  # keeps no cases


@pytest.mark.parametrize("username", ["worker_dalate", "worker_dalate_1", "lead_dalate", "lead_etuoke", "pm_ordos",
                                      "bureau_ordos"])
def test_the_rows_said_of_a_users_cases_are_the_cases_they_see(username):
    from tongban.accounts.access import cases_by_area_q
    from tongban.cases.selectors import cases_visible_to

    mine = make_case(name="冯小一").pk
    colleagues = make_case(name="冯小二", worker="worker_dalate_1", region=village("150621", index=5)).pk
    user = cast(username)
    seen = set(cases_visible_to(user).values_list("pk", flat=True))

    said = cases_by_area_q(user, area="area", project="project", worker="worker")

    assert said is not None
    assert set(CaseArea.objects.filter(said).values_list("case_id", flat=True)) == seen
    assert seen & {mine, colleagues} == {"worker_dalate": {mine}, "worker_dalate_1": {colleagues},
                                         "lead_etuoke": set()}.get(username, {mine, colleagues})
