"""The summary of sessions by day stays equal to the sessions themselves, whatever writes them: each test writes
through one path that changes sessions, cases or children, then compares the summary with a count of the sessions
and the statistics' figures with counting.py."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection

from tongban.cases import services as case_services
from tongban.cases.models import Case, ServiceSession
from tongban.cases.tests.factories import make_case, move, session
from tongban.children import services as child_services
from tongban.children.models import Child
from tongban.children.tests.factories import make_child, reload, village
from tongban.regions.models import Region
from tongban.reports import session_days
from tongban.reports.models import SessionDay
from tongban.reports.selectors import Period, statistics
from tongban.reports.tests import counting
from tongban.reports.tests.counting import Area
from tongban.testing import cast

pytestmark = pytest.mark.django_db

# Viewers whose figures come from the summary, with the area they see ("": everything); a worker's come from the
# sessions.
VIEWERS = [("bureau_ordos", "150600"), ("bureau_dalate", "150621"), ("admin", ""), ("pm_ordos", "150600"),
           ("lead_dalate", "150621")]


def area_of(region: Region) -> int:
    """The child's region if at county level or above, else the county above it: counted record by record."""
    while region.level > Region.Level.COUNTY:
        region = region.parent
    return region.pk


def counted_from_sessions() -> Counter:
    found: Counter = Counter()
    for s in ServiceSession.objects.select_related("case__child__region__parent__parent"):
        key = (s.held_on, area_of(s.case.child.region), s.case.project_id, s.case.team_id, s.kind)
        found[key + ("n",)] += 1
        found[key + ("minutes",)] += s.minutes
    return found


def summary() -> Counter:
    found: Counter = Counter()
    for d in SessionDay.objects.filter(sessions__gt=0):
        key = (d.day, d.area, d.project, d.team, d.kind)
        found[key + ("n",)] += d.sessions
        found[key + ("minutes",)] += d.minutes
    return found


def assert_exact() -> None:
    """The summary equals the sessions, and every viewer's sessions by type equal a count of the records."""
    assert summary() == counted_from_sessions()
    assert not SessionDay.objects.filter(sessions__lt=0).exists()
    this_year = (date(date.today().year, 1, 1), date.today())
    for username, code in VIEWERS:
        stats = statistics(cast(username), Period(*this_year))
        area = Area(Region.objects.get(code=code).path if code else "/", *this_year)
        expected = {k: [n, counting.hours(m)] for k, (n, m) in counting.sessions(area).items()}
        got = {r.key: [r.values[0], r.values[1]] for r in stats["sessions_by_type"].rows if r.values[0]}
        assert got == expected, username
        assert sum(r["n"] for r in stats.sessions) == sum(n for n, _m in expected.values()), username


def a_case_with_sessions(*, region: Region | None = None) -> Case:
    case = make_case(child=make_child(region=region) if region else None)
    move(case, "assessment")
    session(case, on=date.today() - timedelta(days=3))
    session(case, on=date.today() - timedelta(days=2), kind="companionship")
    return Case.objects.get(pk=case.pk)


def test_the_summary_starts_equal_to_the_sessions_on_record():
    assert_exact()


def test_a_session_recorded_counts_at_once():
    a_case_with_sessions()

    assert_exact()


def test_a_session_changed_or_removed_moves_its_count():
    case = a_case_with_sessions()
    first, second = ServiceSession.objects.filter(case=case).order_by("pk")

    ServiceSession.objects.filter(pk=first.pk).update(kind="home_visit", minutes=90,
                                                      held_on=date.today() - timedelta(days=40))
    assert_exact()
    second.delete()
    assert_exact()


def test_a_child_moved_to_another_banner_takes_the_sessions_along():
    case = a_case_with_sessions()

    child_services.child_update(actor=cast("pm_ordos"), child=reload(case.child), region=village("150624"),
                                assigned_worker=cast("worker_etuoke"))
    assert_exact()
    # Within the banner nothing moves in the summary, and the figures stay right.
    child_services.child_update(actor=cast("pm_ordos"), child=reload(case.child), region=village("150624", index=1))
    assert_exact()


def test_a_case_transferred_to_another_team_counts_for_that_team():
    case = a_case_with_sessions()
    child_services.child_update(actor=cast("pm_ordos"), child=reload(case.child), region=village("150624"),
                                assigned_worker=cast("worker_etuoke"))

    case_services.case_transfer(actor=cast("pm_ordos"), case=Case.objects.get(pk=case.pk),
                                to_worker=cast("worker_etuoke"), reason="孩子搬到鄂托克旗")

    assert Case.objects.get(pk=case.pk).team_id == cast("worker_etuoke").team_id
    assert_exact()


def test_two_files_merged_count_the_dropped_file_s_sessions_under_the_kept_child_s_region():
    dropped = a_case_with_sessions()
    # Only one of the two files may have an open case.
    Case.objects.filter(pk=dropped.pk).update(stage="ended", closed_on=date.today())
    kept = make_child(name="王小同", region=village("150621", index=2))

    child_services.children_merge(actor=cast("pm_ordos"), keep=kept, drop=reload(dropped.child))

    assert Case.objects.get(pk=dropped.pk).child_id == kept.pk
    assert_exact()


def test_a_case_or_a_child_deleted_takes_its_sessions_out():
    case = a_case_with_sessions()
    other = a_case_with_sessions(region=village("150621", index=3))

    Case.objects.get(pk=case.pk).delete()
    assert_exact()
    Child.objects.filter(pk=other.child_id).delete()
    assert_exact()


def test_sessions_inserted_in_bulk_as_seed_demo_does_are_counted():
    case = a_case_with_sessions()
    worker = cast("worker_dalate")

    ServiceSession.objects.bulk_create([
        ServiceSession(case=case, held_on=date.today() - timedelta(days=i % 30), kind="counselling", minutes=30 + i,
                       worker=worker) for i in range(50)])
    assert_exact()
    ServiceSession.objects.filter(case=case).update(minutes=45)
    assert_exact()
    ServiceSession.objects.filter(case=case).delete()
    assert_exact()


def test_rebuilding_the_summary_gives_what_the_triggers_kept():
    a_case_with_sessions()
    kept = summary()

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_sessionday")
        cursor.execute(session_days.REBUILD)

    assert summary() == kept


def test_a_worker_s_and_a_township_s_figures_come_from_the_sessions_and_agree():
    case = a_case_with_sessions()
    township = case.child.region.parent
    this_year = (date(date.today().year, 1, 1), date.today())

    stats = statistics(cast("bureau_ordos"), Period(*this_year, region=township))
    expected = {k: [n, counting.hours(m)] for k, (n, m) in counting.sessions(Area(township.path, *this_year)).items()}
    assert {r.key: [r.values[0], r.values[1]] for r in stats["sessions_by_type"].rows if r.values[0]} == expected
    mine = statistics(cast("worker_dalate"), Period(*this_year))
    assert mine["sessions_by_type"].total[0] == ServiceSession.objects.filter(
        case__worker=cast("worker_dalate"), held_on__gte=this_year[0]).count()
