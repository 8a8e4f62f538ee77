"""Hours served add up: hours at held activities plus the minutes of pairing visits, on every page that shows them."""

from datetime import date
from decimal import Decimal

import pytest

from tongban.activities.tests.factories import make_activity, record, serve
from tongban.testing import signed_in
from tongban.volunteers.models import Volunteer
from tongban.volunteers.selectors import hours_of, with_hours
from tongban.volunteers.tests.factories import make_pairing, make_visit, make_volunteer

pytestmark = pytest.mark.django_db


def served(volunteer: Volunteer) -> Volunteer:
    """Two activities (2.5 h and 3 h) and two visits (90 and 45 minutes)."""
    for hours in ("2.5", "3"):
        activity = make_activity()
        record(activity, came=[])
        serve(activity, volunteer, hours)
    pairing = make_pairing(volunteer=volunteer)
    make_visit(pairing, actor=pairing.created_by, minutes=90)
    make_visit(pairing, actor=pairing.created_by, minutes=45, days_ago=14)
    return volunteer


def test_activity_hours_and_visit_minutes_add_up_to_the_total():
    hours = hours_of(served(make_volunteer()))

    assert hours.activity_hours == Decimal("5.5")
    assert hours.visit_minutes == 135
    assert hours.total == Decimal("7.8")
    assert (hours.activities, hours.visits) == (2, 2)


def test_the_list_annotation_gives_the_same_hours_as_the_volunteers_own_count():
    volunteer = served(make_volunteer())

    listed = with_hours(Volunteer.objects.filter(pk=volunteer.pk)).get()

    assert (listed.activity_hours, listed.visit_minutes) == (Decimal("5.5"), 135)


def test_hours_of_a_planned_activity_not_yet_held_do_not_count():
    volunteer = make_volunteer()
    activity = make_activity()
    serve(activity, volunteer, "4")

    assert hours_of(volunteer).total == 0


def test_hours_are_counted_in_the_year_asked_for():
    volunteer = served(make_volunteer())

    assert hours_of(volunteer, date(2000, 1, 1), date(2000, 12, 31)).total == 0


def test_correcting_a_volunteers_hours_at_an_activity_replaces_them():
    volunteer = make_volunteer()
    activity = make_activity()
    record(activity, came=[])
    serve(activity, volunteer, "2")
    serve(activity, volunteer, "3.5")

    assert hours_of(volunteer).activity_hours == Decimal("3.5")


def test_the_certificate_shows_the_total_and_every_line(client):
    volunteer = served(make_volunteer("王秀兰"))
    signed_in(client, "lead_dalate")

    response = client.get(f"/volunteers/{volunteer.pk}/certificate/?year={date.today().year}")

    html = response.content.decode()
    assert response.context["hours"].total == Decimal("7.8")
    assert "王秀兰" in html and "7.8" in html and "2.3" in html
    assert len(response.context["presences"]) == 2
