"""A volunteer signs in and sees the paired child's pseudonym, age and site, and their own visit log — nothing else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.activities.tests.factories import make_activity
from tongban.children.tests.factories import make_child
from tongban.testing import cast, make_user, signed_in
from tongban.volunteers.selectors import pairings_visible_to
from tongban.volunteers.tests.factories import make_pairing, make_visit, make_volunteer, volunteer_of

pytestmark = pytest.mark.django_db

SECRETS = ("刘小花", "达拉特旗某村3社", "树林召小学")


def test_the_volunteer_sees_pseudonym_age_and_site_of_the_paired_child(client):
    pairing = make_pairing()
    signed_in(client, "volunteer_dalate")

    html = client.get(f"/volunteers/pairings/{pairing.pk}/").content.decode()

    assert pairing.child.pseudonym in html
    assert pairing.site.name in html
    assert f"{pairing.child.age}" in html


@pytest.mark.parametrize("path", ["/volunteers/pairings/{pk}/", "/volunteers/mine/", "/",
                                  "/volunteers/pairings/{pk}/visits/new/"])
def test_the_volunteer_never_sees_the_childs_name_id_address_or_school(client, path):
    pairing = make_pairing()
    signed_in(client, "volunteer_dalate")

    html = client.get(path.format(pk=pairing.pk)).content.decode()

    assert not any(secret in html for secret in SECRETS)
    assert pairing.child.id_masked not in html


def test_the_childs_name_and_address_are_not_even_read_from_the_database_for_the_volunteer(client):
    pairing = make_pairing()
    signed_in(client, "volunteer_dalate")

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/volunteers/pairings/{pairing.pk}/")
        client.get("/volunteers/mine/")

    child_columns = [q["sql"] for q in queries if '"children_child"."name"' in q["sql"]
                     or '"children_child"."address"' in q["sql"] or '"children_child"."id_encrypted"' in q["sql"]]
    assert child_columns == []


def test_another_volunteers_pairing_is_not_found(client):
    theirs = make_pairing(volunteer=make_volunteer("张桂芳"))
    signed_in(client, "volunteer_dalate")

    assert client.get(f"/volunteers/pairings/{theirs.pk}/").status_code == 404
    assert client.get(f"/volunteers/pairings/{theirs.pk}/visits/new/").status_code == 404


def test_the_volunteer_lists_only_their_own_pairings():
    mine = make_pairing()
    theirs = make_pairing(volunteer=make_volunteer("张桂芳"))

    visible = list(pairings_visible_to(cast("volunteer_dalate")).select_related("volunteer__user"))

    assert mine in visible and theirs not in visible
    assert {p.volunteer.user.username for p in visible} == {"volunteer_dalate"}


@pytest.mark.parametrize("path", ["/children/", "/activities/", "/activities/birthdays/", "/volunteers/",
                                  "/donations/", "/donations/donors/", "/donations/totals/", "/organisations/sites/",
                                  "/organisations/partners/"])
def test_the_volunteer_cannot_open_any_list(client, path):
    make_pairing()
    signed_in(client, "volunteer_dalate")

    assert client.get(path).status_code == 403


def test_the_volunteer_cannot_open_the_paired_childs_file_or_an_activity_they_attended(client):
    pairing = make_pairing()
    activity = make_activity(invite=[pairing.child])
    signed_in(client, "volunteer_dalate")

    assert client.get(f"/children/{pairing.child.pk}/").status_code == 404
    assert client.get(f"/activities/{activity.pk}/").status_code == 403
    assert client.get(f"/volunteers/{volunteer_of('volunteer_dalate').pk}/").status_code == 403


def test_the_volunteer_sees_their_own_visit_log_with_the_concerns_they_raised(client):
    pairing = make_pairing()
    make_visit(pairing, what_was_done="一起包饺子", concerns="孩子说晚上常一个人在家")
    signed_in(client, "volunteer_dalate")

    html = client.get(f"/volunteers/pairings/{pairing.pk}/").content.decode()

    assert "一起包饺子" in html and "孩子说晚上常一个人在家" in html


def test_the_childs_worker_reads_the_concerns_raised_by_the_volunteer(client):
    child = make_child(name="刘小花", status="in_service", assigned_worker=cast("worker_dalate"))
    pairing = make_pairing(child=child)
    make_visit(pairing, concerns="孩子说晚上常一个人在家")
    signed_in(client, "worker_dalate")

    html = client.get(f"/volunteers/pairings/{pairing.pk}/").content.decode()

    assert "孩子说晚上常一个人在家" in html and "刘小花" in html


def test_a_volunteer_without_a_pairing_sees_the_volunteer_message_on_the_dashboard(client):
    client.force_login(make_user("volunteer_new", role="volunteer", organisation=cast("volunteer_dalate").organisation))

    response = client.get("/")

    assert response.context["figures"] == []


def test_a_paired_volunteer_sees_their_pairings_and_hours_on_the_dashboard(client):
    pairing = make_pairing()
    make_visit(pairing, minutes=120)
    signed_in(client, "volunteer_dalate")

    figures = {f.key: f.count for f in client.get("/").context["figures"]}

    assert figures["pairings"] >= 1 and figures["hours"] >= 2 and figures["visits"] >= 1


def test_my_pairings_takes_the_same_number_of_queries_for_one_or_more_pairings(client, django_assert_num_queries):
    make_pairing()
    signed_in(client, "volunteer_dalate")
    client.get("/volunteers/mine/")
    # 1. session, 2. user, 3. the volunteer's profile, 4. their pairings with the safe view of each child,
    # 5.-6. hours this year, 7.-8. hours in all
    with django_assert_num_queries(8):
        client.get("/volunteers/mine/")
    for name in ("刘小草", "刘小树"):
        make_pairing(child=make_child(name=name))
    with django_assert_num_queries(8):
        response = client.get("/volunteers/mine/")
    assert len(response.context["pairings"]) >= 3


def test_the_bureau_sees_that_visits_took_place_but_not_what_was_said(client):
    pairing = make_pairing()
    make_visit(pairing, what_was_done="一起包饺子", concerns="孩子说晚上常一个人在家")
    signed_in(client, "bureau_dalate")

    response = client.get(f"/volunteers/pairings/{pairing.pk}/")

    html = response.content.decode()
    assert response.status_code == 200 and "90" in html
    assert "一起包饺子" not in html and "孩子说晚上常一个人在家" not in html
