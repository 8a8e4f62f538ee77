"""A city-scale demo adds earlier years of sessions and activities; the small demo stays as it is."""

import pytest

from tongban.activities.models import Activity, Attendance
from tongban.cases.models import ServiceSession
from tongban.core.demo import DemoBuilder
from tongban.core.demo.history import CITY_SCALE

pytestmark = pytest.mark.django_db


def builder_after_the_demo() -> DemoBuilder:
    builder = DemoBuilder(seed=1)
    builder.report.sessions = ServiceSession.objects.count()
    builder.report.activities = Activity.objects.count()
    return builder


def test_the_small_demo_of_the_tests_has_no_earlier_years() -> None:
    assert 120 < CITY_SCALE
    assert not Activity.objects.filter(title__contains="往年").exists()


def test_history_adds_sessions_to_cases_in_intervention_up_to_the_total_asked() -> None:
    builder = builder_after_the_demo()
    before = ServiceSession.objects.count()
    builder.history(sessions=before + 300, activities=0)
    assert ServiceSession.objects.count() == before + 300
    assert builder.report.sessions == before + 300
    added = ServiceSession.objects.order_by("-pk")[:300]
    assert all(s.case.stage_changes.filter(to_stage="intervention").exists() for s in added)
    assert all(s.worker_id == s.case.worker_id for s in added)


def test_history_adds_past_activities_at_sites_with_their_childrens_attendance() -> None:
    builder = builder_after_the_demo()
    before, invited = Activity.objects.count(), Attendance.objects.count()
    builder.history(sessions=0, activities=before + 12)
    past = Activity.objects.filter(title__contains="往年")
    assert past.count() == 12 == Activity.objects.count() - before
    assert all(a.site_id and a.status == Activity.Status.HELD for a in past)
    assert Attendance.objects.count() - invited == builder.report.attendance
    for a in Attendance.objects.filter(activity__in=past).select_related("child__region", "activity__site"):
        assert a.child.region.parent_id == a.activity.site.region_id


def test_history_adds_nothing_when_the_demo_already_has_as_much() -> None:
    builder = builder_after_the_demo()
    sessions, activities = ServiceSession.objects.count(), Activity.objects.count()
    builder.history(sessions=10, activities=1)
    assert (ServiceSession.objects.count(), Activity.objects.count()) == (sessions, activities)
