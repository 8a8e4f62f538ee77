"""Planning an activity and recording who came: invited, attended and walk-ins add up."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tongban.activities import services
from tongban.activities.models import Activity
from tongban.activities.selectors import attendance_for_child, turnout
from tongban.activities.tests.factories import activity_type, make_activity, record, serve
from tongban.children.tests.factories import make_child, village
from tongban.organisations.models import Site
from tongban.testing import cast, signed_in
from tongban.volunteers.tests.factories import dalate_site, make_volunteer, village_of

pytestmark = pytest.mark.django_db


def children(n: int) -> list:
    return [make_child(name=f"孩子{i}", region=village_of(dalate_site())) for i in range(n)]


def test_an_activity_at_a_site_takes_the_sites_region_and_address():
    activity = make_activity()

    assert activity.region == dalate_site().region
    assert activity.place == (dalate_site().address or dalate_site().name)
    assert activity.status == Activity.Status.PLANNED


def test_invited_attended_and_walk_ins_add_up_to_the_children_who_took_part():
    kids = children(5)
    activity = make_activity(invite=kids)

    record(activity, came=kids[:3], walk_ins=4)

    t = turnout(activity)
    assert (t.invited, t.attended, t.walk_ins, t.participants) == (5, 3, 4, 7)
    assert Activity.objects.get(pk=activity.pk).status == Activity.Status.HELD


def test_recording_attendance_again_corrects_it():
    kids = children(3)
    activity = make_activity(invite=kids)
    record(activity, came=kids, walk_ins=2)

    record(activity, came=kids[:1], walk_ins=0)

    assert turnout(activity).participants == 1


def test_volunteer_hours_of_an_activity_add_up():
    activity = make_activity()
    record(activity, came=[])
    serve(activity, make_volunteer("甲"), "2.5")
    serve(activity, make_volunteer("乙"), "1.5")

    assert (turnout(activity).volunteers, turnout(activity).volunteer_hours) == (2, 4)


def test_attendance_is_not_recorded_before_the_activity_takes_place():
    kids = children(1)
    activity = make_activity(days_ago=-3, invite=kids)

    with pytest.raises(ValidationError, match="taken place"):
        record(activity, came=kids)


def test_a_child_not_invited_cannot_be_marked_present():
    activity = make_activity()

    with pytest.raises(ValidationError):
        record(activity, came=children(1))


def test_a_child_of_another_banner_cannot_be_invited():
    etuoke_child = make_child(actor=cast("pm_ordos"), region=village("150624"))

    with pytest.raises(ValidationError):
        make_activity(invite=[etuoke_child])


def test_the_bureau_cannot_plan_an_activity():
    with pytest.raises(PermissionDenied):
        make_activity(actor=cast("bureau_dalate"))


def test_a_site_outside_ones_area_is_refused():
    urumqi = Site.objects.filter(region__path__startswith="/650000/").first()

    with pytest.raises((ValidationError, PermissionDenied)):
        services.activity_plan(actor=cast("lead_dalate"), project=dalate_site().project, site=urumqi,
                               type=activity_type(), held_on=date.today(), title="越界")


def test_an_activity_in_a_region_without_a_site_is_planned_for_the_banner():
    site = dalate_site()

    activity = services.activity_plan(actor=cast("lead_dalate"), project=site.project, region=site.region.parent,
                                      type=activity_type("practice_camp"), held_on=date.today() + timedelta(days=9),
                                      title="融情实践营")

    assert activity.site is None and activity.region.code == "150621"


def test_attendance_appears_on_the_childs_timeline(client):
    kid, absent = children(2)
    activity = make_activity(invite=[kid, absent], title="爱心生日会·九月")
    record(activity, came=[kid])
    signed_in(client, "lead_dalate")

    assert list(attendance_for_child(kid).values_list("activity_id", flat=True)) == [activity.pk]
    assert "爱心生日会·九月" in client.get(f"/children/{kid.pk}/").content.decode()
    assert "爱心生日会·九月" not in client.get(f"/children/{absent.pk}/").content.decode()
