"""The area and project of each case (CaseArea) stay those of the case and its child, whatever writes them: each test
writes through one path that changes cases or children, then compares the table with the cases themselves and the
statistics' figures of cases with counting.py."""

from datetime import date, timedelta

import pytest
from django.db import connection

from tongban.cases import services as case_services
from tongban.cases.models import Case
from tongban.cases.tests.factories import make_case, move
from tongban.children import services as child_services
from tongban.children.models import Child
from tongban.children.tests.factories import make_child, reload, village
from tongban.regions.models import Region
from tongban.reports import case_areas
from tongban.reports.models import CaseArea
from tongban.reports.selectors import Period, statistics
from tongban.reports.tests import counting
from tongban.reports.tests.counting import Area
from tongban.reports.tests.test_session_days import VIEWERS, area_of
from tongban.testing import cast

pytestmark = pytest.mark.django_db


def placed_from_cases() -> dict[int, tuple[int, int]]:
    return {c.pk: (area_of(c.child.region), c.project_id)
            for c in Case.objects.select_related("child__region__parent__parent")}


def table() -> dict[int, tuple[int, int]]:
    return {r.case_id: (r.area, r.project) for r in CaseArea.objects.all()}


def assert_exact() -> None:
    """The table equals the cases, and every viewer's cases by stage and outcome and referrals equal a count."""
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


def test_rebuilding_the_table_gives_what_the_triggers_kept():
    make_case(name="何小七")
    kept = table()

    with connection.cursor() as cursor:
        for sql in case_areas.REBUILD:
            cursor.execute(sql)

    assert table() == kept
