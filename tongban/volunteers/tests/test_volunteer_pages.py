"""The volunteers' pages: who may open what, and lists whose number of queries does not grow with the rows."""

import pytest

from tongban.children.tests.factories import make_child
from tongban.testing import cast, signed_in
from tongban.volunteers.models import Pairing, Volunteer
from tongban.volunteers.tests.factories import make_pairing, make_volunteer, team, volunteer_of

pytestmark = pytest.mark.django_db


def pages(volunteer: Volunteer, pairing: Pairing) -> list[str]:
    return [f"/volunteers/{volunteer.pk}/", f"/volunteers/{volunteer.pk}/certificate/",
            f"/volunteers/pairings/{pairing.pk}/"]


def write_pages(volunteer: Volunteer, pairing: Pairing) -> list[str]:
    return [f"/volunteers/{volunteer.pk}/edit/", f"/volunteers/pairings/{pairing.pk}/visits/new/",
            f"/volunteers/pairings/new/?child={pairing.child_id}"]


@pytest.mark.parametrize("username", ["lead_dalate", "pm_ordos", "bureau_dalate", "admin"])
def test_the_people_of_the_banner_open_the_volunteers_pages(client, username):
    volunteer = make_volunteer()
    pairing = make_pairing(volunteer=volunteer)
    signed_in(client, username)

    assert client.get("/volunteers/").status_code == 200
    assert all(client.get(url).status_code == 200 for url in pages(volunteer, pairing))


@pytest.mark.parametrize("username", ["worker_etuoke", "worker_shuimogou"])
def test_volunteers_of_another_banner_are_not_found(client, username):
    volunteer = make_volunteer()
    pairing = make_pairing(volunteer=volunteer)
    signed_in(client, username)

    assert [client.get(url).status_code for url in pages(volunteer, pairing) + write_pages(volunteer, pairing)] \
        == [404, 404, 404, 404, 404, 403]


def test_the_bureau_reads_but_cannot_change(client):
    volunteer = make_volunteer()
    pairing = make_pairing(volunteer=volunteer)
    signed_in(client, "bureau_dalate")

    assert [client.get(url).status_code for url in write_pages(volunteer, pairing)] == [403, 403, 403]
    assert client.get("/volunteers/new/").status_code == 403
    assert client.post(f"/volunteers/pairings/{pairing.pk}/end/", {"ends_on": "2026-01-01"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    volunteer = make_volunteer()
    pairing = make_pairing(volunteer=volunteer)

    for url in ["/volunteers/", "/volunteers/mine/", *pages(volunteer, pairing), *write_pages(volunteer, pairing)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_team_lead_registers_a_volunteer_through_the_form(client):
    signed_in(client, "lead_dalate")

    response = client.post("/volunteers/new/", {
        "name": "苏日娜", "team": team().pk, "skills": ["tutoring", "languages"], "availability": ["saturday"],
        "joined_on": "2026-03-01", "active": "on", "is_party_member": "on"})

    volunteer = Volunteer.objects.get(name="苏日娜")
    assert response.url == f"/volunteers/{volunteer.pk}/"
    assert volunteer.skills == ["tutoring", "languages"] and volunteer.is_party_member


def test_a_team_lead_pairs_a_child_from_the_childs_file(client):
    child = make_child(name="刘小花")
    volunteer = make_volunteer()
    signed_in(client, "lead_dalate")

    response = client.post(f"/volunteers/pairings/new/?child={child.pk}", {
        "volunteer": volunteer.pk, "starts_on": "2026-09-01", "purpose": "学业辅导与陪伴"})

    pairing = Pairing.objects.get(child=child)
    assert response.url == f"/volunteers/pairings/{pairing.pk}/"
    assert "/volunteers/pairings/new/" in client.get(f"/children/{child.pk}/").content.decode()


def test_the_volunteer_logs_a_visit_through_the_form(client):
    pairing = make_pairing()
    signed_in(client, "volunteer_dalate")

    response = client.post(f"/volunteers/pairings/{pairing.pk}/visits/new/", {
        "visited_on": pairing.starts_on.isoformat(), "minutes": "80", "what_was_done": "一起做手工"})

    assert response.status_code == 302
    assert pairing.visits.get().minutes == 80


def test_the_volunteer_list_takes_the_same_number_of_queries_for_few_or_many_volunteers(
        client, django_assert_num_queries):
    signed_in(client, "lead_dalate")
    make_volunteer("一号")
    client.get("/volunteers/")
    # 1. session, 2. user, 3. team, 4. region (the scope), 5. count, 6. the page of volunteers with their
    # hours and pairings, 7. the volunteer teams to filter by
    with django_assert_num_queries(7):
        client.get("/volunteers/")
    for i in range(12):
        make_pairing(volunteer=make_volunteer(f"志愿者{i}"), child=make_child(name=f"孩子{i}"))
    with django_assert_num_queries(7):
        response = client.get("/volunteers/")
    assert response.context["page"].paginator.count >= 13


def test_the_volunteer_list_shows_volunteers_of_the_banner_only(client):
    make_volunteer("达拉特的志愿者")
    make_volunteer("鄂托克的志愿者", team=team("鄂托克旗党员妈妈志愿服务队"), actor=cast("pm_ordos"))
    signed_in(client, "lead_dalate")

    html = client.get("/volunteers/").content.decode()

    assert "达拉特的志愿者" in html and "鄂托克的志愿者" not in html


def test_a_volunteer_opens_their_own_certificate_but_not_a_colleagues(client):
    colleague = make_volunteer("张桂芳")
    me = volunteer_of("volunteer_dalate")
    signed_in(client, "volunteer_dalate")

    assert client.get(f"/volunteers/{me.pk}/certificate/").status_code == 200
    assert client.get(f"/volunteers/{colleague.pk}/certificate/").status_code == 404
    assert client.get(f"/volunteers/{me.pk}/edit/").status_code == 403


def test_a_pairing_is_ended_by_the_team_lead(client):
    pairing = make_pairing()
    signed_in(client, "lead_dalate")

    client.post(f"/volunteers/pairings/{pairing.pk}/end/", {"ends_on": pairing.starts_on.isoformat(),
                                                            "reason": "孩子随父母外出", "version": 1})

    assert Pairing.objects.get(pk=pairing.pk).ends_on == pairing.starts_on
