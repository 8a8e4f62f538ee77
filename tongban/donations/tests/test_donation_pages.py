"""The donations' pages: who may open what, totals by kind of donor and period, lists with fixed query counts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tongban.children.tests.factories import ordos_project
from tongban.donations.models import Donation, Donor
from tongban.donations.selectors import totals_by_donor_kind
from tongban.donations.tests.factories import make_donation, make_donor
from tongban.regions.models import Region
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def pages(d: Donation) -> list[str]:
    return [f"/donations/{d.pk}/", f"/donations/donors/{d.donor_id}/", f"/donations/{d.pk}/receipt.pdf"]


@pytest.mark.parametrize("username", ["lead_dalate", "pm_ordos", "bureau_dalate", "bureau_ordos", "admin"])
def test_the_people_of_the_banner_open_the_donation_pages(client, username):
    donation = make_donation()
    signed_in(client, username)

    for url in ["/donations/", "/donations/donors/", "/donations/totals/", *pages(donation)]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["worker_etuoke", "worker_shuimogou"])
def test_a_donation_of_another_banner_is_not_found(client, username):
    donation = make_donation()
    signed_in(client, username)

    assert [client.get(u).status_code for u in pages(donation)] == [404, 404, 404]
    assert client.get(f"/donations/donors/{donation.donor_id}/donate/").status_code == 404


def test_the_bureau_cannot_record_or_allocate(client):
    donation = make_donation()
    signed_in(client, "bureau_dalate")

    assert client.get("/donations/donors/new/").status_code == 403
    assert client.get(f"/donations/donors/{donation.donor_id}/donate/").status_code == 403
    assert client.post(f"/donations/{donation.pk}/allocate/", {"value_yuan": "1"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    donation = make_donation()

    for url in ["/donations/", "/donations/totals/", "/donations/donors/new/", *pages(donation)]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_team_lead_records_a_donor_and_a_gift_of_money_through_the_pages(client):
    signed_in(client, "lead_dalate")
    client.post("/donations/donors/new/", {"kind": "individual", "name": "李爱心", "project": ordos_project().pk,
                                           "region": Region.objects.get(code="150621").pk})
    donor = Donor.objects.get(name="李爱心")

    response = client.post(f"/donations/donors/{donor.pk}/donate/", {
        "kind": "money", "received_on": date.today().isoformat(), "value_yuan": "200.50"})

    donation = donor.donations.get()
    assert donation.value_yuan == Decimal("200.50") and response.url == f"/donations/{donation.pk}/"


def test_totals_by_kind_of_donor_add_money_and_goods_in_the_period():
    lead = cast("lead_dalate")
    before = {t.kind: t for t in totals_by_donor_kind(lead)}
    company, person = make_donor(), make_donor("赵女士", kind="individual")
    make_donation("5000.00", donor=company)
    make_donation("1200.00", donor=company, kind="goods", goods_description="图书", quantity=200, unit="册")
    make_donation("88.80", donor=person)
    make_donation("10.00", donor=person, received_on=date.today() - timedelta(days=400))

    after = {t.kind: t for t in totals_by_donor_kind(lead, date.today() - timedelta(days=30), date.today())}

    assert after["enterprise"].money - before["enterprise"].money <= Decimal("5000.00")
    assert (after["enterprise"].money, after["enterprise"].goods) >= (Decimal("5000.00"), Decimal("1200.00"))
    assert after["individual"].money >= Decimal("88.80")


def test_totals_count_only_the_donations_in_the_users_area():
    make_donation("777.00", donor=make_donor(region=Region.objects.get(code="150624"), actor=cast("pm_ordos")),
                  actor=cast("pm_ordos"))
    make_donation("333.00")

    dalate = sum(t.value for t in totals_by_donor_kind(cast("lead_dalate")))
    ordos = sum(t.value for t in totals_by_donor_kind(cast("pm_ordos")))

    assert ordos - dalate >= Decimal("777.00")


def test_the_donation_list_takes_the_same_number_of_queries_for_few_or_many(client, django_assert_num_queries):
    signed_in(client, "lead_dalate")
    make_donation()
    # 1. session, 2. user, 3. team, 4. region (the scope), 5. count, 6. the page of donations with donor,
    # receipt and what is allocated
    with django_assert_num_queries(6):
        client.get("/donations/")
    donor = make_donor("另一家企业")
    for i in range(10):
        make_donation(f"{i + 1}0.00", donor=donor)
    with django_assert_num_queries(6):
        response = client.get("/donations/")
    assert response.context["page"].paginator.count >= 11


def test_the_totals_page_takes_the_same_number_of_queries_for_few_or_many(client, django_assert_num_queries):
    signed_in(client, "pm_ordos")
    client.get("/donations/totals/")
    # 1. session, 2. user, 3.-4. the admin's projects and their regions (the scope), 5. the totals
    with django_assert_num_queries(5):
        client.get("/donations/totals/")
    for i in range(5):
        make_donation(donor=make_donor(f"企业{i}"))
    with django_assert_num_queries(5):
        client.get("/donations/totals/")


def test_the_donor_list_takes_the_same_number_of_queries_for_few_or_many(client, django_assert_num_queries):
    signed_in(client, "lead_dalate")
    make_donor("第一家企业")
    # 1. session, 2. user, 3. team, 4. region (the scope), 5. count, 6. the page of donors with their region
    with django_assert_num_queries(6):
        client.get("/donations/donors/")
    for i in range(8):
        make_donor(f"爱心人士{i}", kind="individual", anonymous=i % 2 == 0)
    with django_assert_num_queries(6):
        response = client.get("/donations/donors/")
    assert response.context["page"].paginator.count >= 9
