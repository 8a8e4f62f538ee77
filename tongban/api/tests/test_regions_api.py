import pytest
from django.test import Client

from tongban.api.tests.helpers import api_get
from tongban.regions.models import Region
from tongban.regions.selectors import regions_visible_to
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def test_list_shows_only_the_regions_of_the_callers_area(client: Client) -> None:
    body = api_get(client, "worker_dalate", "/api/v1/regions/?limit=500").json()
    codes = {row["code"] for row in body["items"]}
    assert "150621" in codes and "650105" not in codes
    assert len(codes) == min(500, regions_visible_to(cast("worker_dalate")).count())


def test_regions_are_filtered_by_parent_and_level(client: Client) -> None:
    dalate = Region.objects.get(code="150621")
    body = api_get(client, "bureau_dalate", f"/api/v1/regions/?parent={dalate.pk}&level=4").json()
    assert body["items"] and {row["parent_id"] for row in body["items"]} == {dalate.pk}
    assert {row["level"] for row in body["items"]} == {4}


def test_region_outside_the_area_is_not_found(client: Client) -> None:
    shuimogou = Region.objects.get(code="650105")
    assert api_get(client, "worker_dalate", f"/api/v1/regions/{shuimogou.pk}").status_code == 404
    assert api_get(client, "worker_shuimogou", f"/api/v1/regions/{shuimogou.pk}").json()["code"] == "650105"


def test_volunteer_has_no_regions_to_list(client: Client) -> None:
    assert api_get(client, "volunteer_dalate", "/api/v1/regions/").status_code == 403


def test_anonymous_caller_is_asked_to_authenticate(client: Client) -> None:
    assert client.get("/api/v1/regions/").status_code == 401


def test_region_list_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "lead_dalate")
    # session, user, the lead's team, its region (scope), regions
    with django_assert_num_queries(5):
        client.get("/api/v1/regions/?limit=2")
    with django_assert_num_queries(5):
        client.get("/api/v1/regions/?limit=300")


def test_a_parameter_of_the_wrong_type_is_a_field_error(client: Client) -> None:
    response = api_get(client, "lead_dalate", "/api/v1/regions/?level=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["errors"]["level"][0].startswith("This value is not valid")
