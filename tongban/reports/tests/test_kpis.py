"""KPIs against the project's targets: each figure counted record by record, targets shared out by days and
teams, traffic lights by the bounds, and nothing from outside the viewer's area."""

from datetime import date, timedelta
from decimal import Decimal
from statistics import median

import pytest

from tongban.activities.models import Attendance
from tongban.cases.models import Case, Plan, ServiceSession
from tongban.children.tests.factories import ordos_project
from tongban.organisations.models import Project
from tongban.regions.models import Region
from tongban.reports.selectors import Period
from tongban.reports.selectors.kpis import AMBER, GREEN, RED, project_kpis
from tongban.reports.tests import counting
from tongban.reports.tests.counting import Area
from tongban.testing import cast

pytestmark = pytest.mark.django_db


def this_year() -> Period:
    return Period(date(date.today().year, 1, 1), date.today())


def dalate_kpis(username: str = "bureau_dalate", period: Period | None = None):  # type: ignore[no-untyped-def]
    found = [p for p in project_kpis(cast(username), period or this_year()) if p.project == ordos_project()]
    return found[0]


def test_the_figures_of_a_banner_are_counted_from_its_records():
    period = this_year()
    area = Area(Region.objects.get(code="150621").path, period.first, period.last)
    project = ordos_project()

    kpis = dalate_kpis()

    in_project = [c for c in counting.cases_active(area) if c.project_id == project.pk]
    attended = {a.child_id for a in Attendance.objects.filter(attended=True).select_related("activity__region")
                if a.activity_id in {x.pk for x in counting.activities(area) if x.project_id == project.pk}}
    served = {c.child_id for c in in_project} | {pk for pk in attended
                                                 if pk in {c.pk for c in counting.children(area)
                                                           if c.project_id == project.pk}}
    assert kpis.kpi("children").value == len(served)
    assert kpis.kpi("sessions").value == sum(
        1 for s in ServiceSession.objects.select_related("case__child__region")
        if area.has(s.case.child.region) and area.during(s.held_on) and s.case.project_id == project.pk)
    assert kpis.kpi("events").value == sum(1 for a in counting.activities(area) if a.project_id == project.pk)


def test_closure_rate_medians_and_caseload_are_counted_from_the_cases():
    period = this_year()
    area = Area(Region.objects.get(code="150621").path, period.first, period.last)
    cases = [c for c in Case.objects.select_related("child__region") if area.has(c.child.region)]

    kpis = dalate_kpis()

    closed = [c for c in cases if c.closed_on and area.during(c.closed_on)]
    met = [c for c in closed if c.exit_reason == "goals_met"]
    expected_rate = f"{int(Decimal(len(met)) / len(closed) * 100)}%" if closed else "–"
    assert kpis.kpi("closure_rate").value == expected_rate
    plans = [p for p in Plan.objects.select_related("case") if p.case in cases and p.approved_on
             and area.during(p.approved_on)]
    if plans:
        assert abs(kpis.kpi("plan_days").value - median((p.approved_on - p.case.opened_on).days
                                                        for p in plans)) <= 0.5
    open_at_end = [c for c in cases if c.opened_on <= area.last and (c.closed_on is None or c.closed_on > area.last)]
    workers = {c.worker_id for c in open_at_end}
    assert kpis.kpi("caseload").value == (Decimal(len(open_at_end)) / len(workers)).quantize(Decimal("0.1"))


def test_a_banner_s_targets_are_its_share_of_the_project_s_by_days_and_teams():
    project = ordos_project()
    Project.objects.filter(pk=project.pk).update(starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                                                 target_sessions=3650, target_children=0)
    first_quarter = Period(date(2026, 1, 1), date(2026, 3, 31))  # 90 of the project's 365 days

    banner, city = dalate_kpis(period=first_quarter), dalate_kpis("bureau_ordos", period=first_quarter)

    assert city.kpi("sessions").target == Decimal(3650 * 90 / 365)
    assert banner.kpi("sessions").target == Decimal(3650 * 90 / 365 / 9).quantize(Decimal("1"))
    assert [t.kpi("sessions").target for t in city.teams] == [banner.kpi("sessions").target] * 9
    assert banner.kpi("children").target is None and banner.kpi("children").light == ""


@pytest.mark.parametrize(("target", "light"), [(100, GREEN), (130, AMBER), (1000, RED)])
def test_the_light_follows_the_share_of_the_target_reached(target, light):
    sessions = dalate_kpis("bureau_ordos").kpi("sessions").value
    project = ordos_project()
    days = (project.ends_on - project.starts_on).days + 1
    period = this_year()
    share = Decimal((min(project.ends_on, period.last) - max(project.starts_on, period.first)).days + 1) / days
    # A target the figure reaches in full (100 %), at 77 % (between 60 and 90) or at 10 %.
    wanted = {100: Decimal(sessions), 130: Decimal(sessions) * 130 / 100, 1000: Decimal(sessions) * 10}[target]
    Project.objects.filter(pk=project.pk).update(target_sessions=int(wanted / share) + 1)

    assert dalate_kpis("bureau_ordos").kpi("sessions").light == light


def test_a_bureau_official_of_dalate_sees_only_the_dalate_team():
    teams = [t.team.region.code for t in dalate_kpis().teams]

    assert teams == ["150621"]
    assert len(dalate_kpis("bureau_ordos").teams) == 9


def test_projects_that_did_not_run_in_the_period_are_left_out():
    long_ago = Period(date(2001, 1, 1), date(2001, 12, 31))

    assert project_kpis(cast("bureau_ordos"), long_ago) == []


def test_a_volunteer_s_area_holds_no_project_figures():
    assert project_kpis(cast("volunteer_dalate"), this_year()) == []


@pytest.mark.parametrize(("username", "code"), [("bureau_ordos", "150600"), ("bureau_dalate", "150621"),
                                                ("admin", ""), ("pm_ordos", "150600"), ("lead_dalate", "150621")])
def test_each_child_served_counts_once_by_the_project_and_by_the_team(username, code):
    from tongban.activities.tests.factories import make_activity, record
    from tongban.cases.tests.factories import make_case

    # Two cases in the period and an activity attended: one child. An activity alone: served too.
    case = make_case(name="秦小一")
    closed = Case.objects.get(pk=case.pk)
    closed.pk, closed.opened_on, closed.closed_on = None, case.opened_on - timedelta(days=90), date.today()
    closed.stage, closed.exit_reason = "ended", "goals_met"
    closed.save()
    came_only = make_case(name="尤小二").child
    Case.objects.filter(child=came_only).delete()
    record(make_activity(invite=[case.child, came_only]), came=[case.child, came_only])
    period = this_year()
    area = Area(Region.objects.get(code=code).path if code else "/", period.first, period.last)
    project = ordos_project()

    found = [p for p in project_kpis(cast(username), period) if p.project == project][0]

    with_case = {c.child_id for c in counting.cases_active(area) if c.project_id == project.pk}
    came = {a.child_id for a in Attendance.objects.filter(attended=True).select_related("activity")
            if a.activity in counting.activities(area) and a.activity.project_id == project.pk}
    children = {c.pk: c for c in counting.children(area) if c.project_id == project.pk}
    served = [children[pk] for pk in (with_case | came) if pk in children]
    assert {case.child_id, came_only.pk} <= {c.pk for c in served}
    assert found.kpi("children").value == len(served)
    for team in found.teams:
        assert team.kpi("children").value == sum(c.region.path.startswith(team.team.region.path) for c in served)
