"""Birthdays of a site's children this month, and the one action that creates the month's party."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tongban.activities import services
from tongban.activities.models import Activity
from tongban.activities.selectors import birthdays
from tongban.children.tests.factories import make_child, village
from tongban.testing import cast, signed_in
from tongban.volunteers.tests.factories import dalate_site, village_of

pytestmark = pytest.mark.django_db


def born_this_month(name: str, years: int = 9, **fields) -> object:
    today = date.today()
    fields.setdefault("region", village_of(dalate_site()))
    return make_child(name=name, birth_date=date(today.year - years, today.month, 1), **fields)


def born_next_month(name: str) -> object:
    today = date.today()
    month = today.month % 12 + 1
    return make_child(name=name, birth_date=date(today.year - 8, month, 2), region=village_of(dalate_site()))


def test_the_sites_children_with_a_birthday_this_month_are_listed():
    one, two = born_this_month("生日甲"), born_this_month("生日乙", years=12)
    other = born_next_month("下月生日")

    found = set(birthdays(cast("lead_dalate"), dalate_site(), date.today().month))

    assert {one, two} <= found and other not in found


def test_children_living_outside_the_sites_township_are_not_the_sites():
    elsewhere = next(v for v in [village("150621", index=i) for i in range(40)]
                     if v.parent_id != dalate_site().region_id)
    child = born_this_month("别处孩子", region=elsewhere)

    assert child not in birthdays(cast("lead_dalate"), dalate_site(), date.today().month)


def test_one_action_creates_the_months_party_with_exactly_those_children_invited():
    one, two = born_this_month("生日甲"), born_this_month("生日乙")
    today = date.today()

    party = services.birthday_party_create(actor=cast("lead_dalate"), site=dalate_site(), year=today.year,
                                           month=today.month)

    assert party.type.code == "birthday_party" and party.held_on.month == today.month
    invited = set(party.attendance.values_list("child_id", flat=True))
    assert {one.pk, two.pk} <= invited
    assert invited == {c.pk for c in birthdays(cast("lead_dalate"), dalate_site(), today.month)}


def test_the_months_party_is_created_only_once():
    born_this_month("生日甲")
    today = date.today()
    services.birthday_party_create(actor=cast("lead_dalate"), site=dalate_site(), year=today.year, month=today.month)

    with pytest.raises(ValidationError, match="already exists"):
        services.birthday_party_create(actor=cast("lead_dalate"), site=dalate_site(), year=today.year,
                                       month=today.month)


def test_the_birthday_page_lists_the_children_and_the_button_creates_the_party(client):
    born_this_month("生日甲")
    today = date.today()
    signed_in(client, "lead_dalate")
    query = {"site": dalate_site().pk, "year": today.year, "month": today.month}

    assert "生日甲" in client.get("/activities/birthdays/", query).content.decode()
    response = client.post("/activities/birthdays/", query)

    party = Activity.objects.get(site=dalate_site(), type__code="birthday_party", held_on__month=today.month)
    assert response.url == f"/activities/{party.pk}/"


def test_the_bureau_sees_birthdays_but_cannot_create_the_party(client):
    born_this_month("生日甲")
    today = date.today()
    signed_in(client, "bureau_dalate")
    query = {"site": dalate_site().pk, "year": today.year, "month": today.month}

    assert client.get("/activities/birthdays/", query).status_code == 200
    assert client.post("/activities/birthdays/", query).status_code == 403
