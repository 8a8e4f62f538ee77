from datetime import date

import pytest
from django.test import Client

from tongban.api.tests.helpers import api_get, bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.children.models import Child
from tongban.children.selectors import children_visible_to
from tongban.donations.models import Allocation, Donation, Donor
from tongban.donations.selectors import donations_visible_to, donors_visible_to
from tongban.testing import CAST, cast, signed_in

pytestmark = pytest.mark.django_db


def _page_status(client: Client, username: str, url: str) -> int:
    signed_in(client, username)
    status = client.get(url).status_code
    client.logout()
    return status


def _donation_in_dalate() -> Donation:
    donation = donations_visible_to(cast("lead_dalate")).order_by("pk").first()
    assert donation is not None
    return donation


@pytest.mark.parametrize("username", CAST)
def test_donation_list_answers_like_the_page(client: Client, username: str) -> None:
    page = _page_status(client, username, "/donations/")
    assert api_get(client, username, "/api/v1/donations/").status_code == page


@pytest.mark.parametrize("username", CAST)
def test_donation_answers_like_the_page(client: Client, username: str) -> None:
    donation = _donation_in_dalate()
    page = _page_status(client, username, f"/donations/{donation.pk}/")
    assert api_get(client, username, f"/api/v1/donations/{donation.pk}").status_code == page


@pytest.mark.parametrize("username", CAST)
def test_donor_answers_like_the_page(client: Client, username: str) -> None:
    donor = _donation_in_dalate().donor
    page = _page_status(client, username, f"/donations/donors/{donor.pk}/")
    assert api_get(client, username, f"/api/v1/donors/{donor.pk}").status_code == page


def test_lists_show_only_the_callers_donations_and_donors(client: Client) -> None:
    donations = set(donations_visible_to(cast("lead_dalate")).values_list("pk", flat=True))
    donors = set(donors_visible_to(cast("lead_dalate")).values_list("pk", flat=True))
    assert {r["id"] for r in api_get(client, "lead_dalate", "/api/v1/donations/?limit=500").json()["items"]} \
        == donations
    assert {r["id"] for r in api_get(client, "lead_dalate", "/api/v1/donors/?limit=500").json()["items"]} == donors


def test_anonymous_donors_name_is_kept_out(client: Client) -> None:
    donor = donors_visible_to(cast("pm_ordos")).first()
    assert donor is not None
    Donor.objects.filter(pk=donor.pk).update(anonymous=True, name="不愿具名的企业家")
    body = api_get(client, "pm_ordos", f"/api/v1/donors/{donor.pk}").json()
    assert body["anonymous"] and "不愿具名" not in body["name"]


def test_donation_shows_its_allocations(client: Client) -> None:
    allocation = Allocation.objects.filter(donation__in=donations_visible_to(cast("pm_ordos"))).first()
    if allocation is None:
        pytest.skip("the demo world allocated nothing")
    body = api_get(client, "pm_ordos", f"/api/v1/donations/{allocation.donation_id}").json()
    assert allocation.pk in {a["id"] for a in body["allocations"]}


def test_recording_a_donation_issues_its_receipt_and_is_audited(client: Client) -> None:
    donor = donors_visible_to(cast("lead_dalate")).first()
    assert donor is not None
    response = client.post(f"/api/v1/donors/{donor.pk}/donations",
                           {"kind": "money", "received_on": date.today().isoformat(), "value_yuan": "1200.50"},
                           content_type="application/json", **bearer(token_for("lead_dalate")))
    assert response.status_code == 201
    body = response.json()
    assert body["receipt_number"] and body["value_yuan"] == "1200.50"
    assert AuditEvent.objects.filter(action="create", target_id=str(body["id"]), actor__username="lead_dalate").exists()


def test_goods_without_a_description_are_a_field_error(client: Client) -> None:
    donor = donors_visible_to(cast("lead_dalate")).first()
    assert donor is not None
    response = client.post(f"/api/v1/donors/{donor.pk}/donations",
                           {"kind": "goods", "received_on": date.today().isoformat(), "value_yuan": "300"},
                           content_type="application/json", **bearer(token_for("lead_dalate")))
    assert response.status_code == 422 and "goods_description" in response.json()["errors"]


@pytest.mark.parametrize("username,scope", [("bureau_dalate", "read_write"), ("lead_dalate", "read")])
def test_read_only_callers_cannot_record_a_donation(client: Client, username: str, scope: str) -> None:
    donor = donors_visible_to(cast(username)).first()
    assert donor is not None
    response = client.post(f"/api/v1/donors/{donor.pk}/donations",
                           {"kind": "money", "received_on": date.today().isoformat(), "value_yuan": "10"},
                           content_type="application/json", **bearer(token_for(username, scope=scope)))
    assert response.status_code == 403


def test_donation_outside_the_area_is_not_found(client: Client) -> None:
    outside = Donation.objects.exclude(pk__in=donations_visible_to(cast("worker_shuimogou")).values("pk")).first()
    assert outside is not None
    assert api_get(client, "worker_shuimogou", f"/api/v1/donations/{outside.pk}").status_code == 404


def test_anonymous_caller_is_asked_to_authenticate(client: Client) -> None:
    assert client.get("/api/v1/donations/").status_code == 401


def test_lists_have_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "pm_ordos")
    # session, user, the admin's projects and their regions (scope), the rows (donations with donor, region,
    # receipt and the value allocated)
    for url in ("/api/v1/donations/", "/api/v1/donors/"):
        with django_assert_num_queries(5):
            client.get(f"{url}?limit=1")
        with django_assert_num_queries(5):
            client.get(f"{url}?limit=300")


def _donation_with_something_left() -> Donation:
    for donation in donations_visible_to(cast("lead_dalate")).order_by("pk"):
        if donation.value_yuan - sum(a.value_yuan for a in donation.allocations.all()) >= 1:
            return donation
    raise AssertionError("no donation with something left in Dalate")


def test_allocating_to_a_child_goes_through_the_service_and_is_audited(client: Client) -> None:
    donation = _donation_with_something_left()
    child = children_visible_to(cast("lead_dalate")).filter(project_id=donation.project_id).first()
    assert child is not None
    response = client.post(f"/api/v1/donations/{donation.pk}/allocations", {"child": child.pk, "value_yuan": "1"},
                           content_type="application/json", **bearer(token_for("lead_dalate")))
    assert response.status_code == 201
    row = [a for a in response.json()["allocations"] if a["child_id"] == child.pk][-1]
    assert row["child_name"] == child.name and row["value_yuan"] == "1.00"
    assert AuditEvent.objects.filter(action="create", target_id=str(row["id"]), actor__username="lead_dalate").exists()


def test_allocating_more_than_is_left_is_refused_and_nothing_is_saved(client: Client) -> None:
    donation = _donation_with_something_left()
    child = children_visible_to(cast("lead_dalate")).filter(project_id=donation.project_id).first()
    assert child is not None
    before = Allocation.objects.count()
    response = client.post(f"/api/v1/donations/{donation.pk}/allocations",
                           {"child": child.pk, "value_yuan": str(donation.value_yuan + 1)},
                           content_type="application/json", **bearer(token_for("lead_dalate")))
    assert response.status_code == 422 and "value_yuan" in response.json()["errors"]
    assert Allocation.objects.count() == before


def test_allocating_to_a_child_outside_the_area_is_a_field_error(client: Client) -> None:
    donation = _donation_with_something_left()
    outside = Child.objects.exclude(pk__in=children_visible_to(cast("lead_dalate")).values("pk")).first()
    assert outside is not None
    response = client.post(f"/api/v1/donations/{donation.pk}/allocations", {"child": outside.pk, "value_yuan": "1"},
                           content_type="application/json", **bearer(token_for("lead_dalate")))
    assert response.status_code == 422 and "child" in response.json()["errors"]


def test_bureau_official_cannot_allocate(client: Client) -> None:
    donation = donations_visible_to(cast("bureau_dalate")).first()
    assert donation is not None
    response = client.post(f"/api/v1/donations/{donation.pk}/allocations", {"site": 1, "value_yuan": "1"},
                           content_type="application/json", **bearer(token_for("bureau_dalate")))
    assert response.status_code == 403


def test_donation_detail_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    donation = _donation_with_something_left()
    child = children_visible_to(cast("lead_dalate")).filter(project_id=donation.project_id).first()
    client.post(f"/api/v1/donations/{donation.pk}/allocations", {"child": child.pk, "value_yuan": "1"},  # type: ignore[union-attr]
                content_type="application/json", **bearer(token_for("lead_dalate")))
    signed_in(client, "lead_dalate")
    # session, user, scope (2), the door, the donation with donor, region, receipt and value allocated, its
    # allocations, which of their children the caller may open
    with django_assert_num_queries(8):
        client.get(f"/api/v1/donations/{donation.pk}")
