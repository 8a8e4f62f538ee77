from datetime import date

import pytest
from django.test import Client

from tongban.api.tests.helpers import api_get
from tongban.regions.models import Region
from tongban.reports.selectors import Period, statistics
from tongban.testing import CAST, cast, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", CAST)
def test_statistics_answer_like_the_page(client: Client, username: str) -> None:
    signed_in(client, username)
    page = client.get("/statistics/").status_code
    client.logout()
    assert api_get(client, username, "/api/v1/statistics/").status_code == page


def test_figures_are_the_pages_for_the_same_period_and_region(client: Client) -> None:
    dalate = Region.objects.get(code="150621")
    first, last = date(date.today().year - 1, 1, 1), date.today()
    body = api_get(client, "bureau_ordos",
                   f"/api/v1/statistics/?first={first}&last={last}&region={dalate.pk}").json()
    expected = statistics(cast("bureau_ordos"), Period(first=first, last=last, region=dalate))
    assert body["period"]["region_id"] == dalate.pk
    assert {h["key"]: float(h["value"]) for h in body["headline"]} == {
        key: float(value) for key, _label, value, _url in expected.headline}
    assert [t["key"] for t in body["tables"]] == list(expected.tables)


def test_a_region_outside_the_area_is_a_field_error(client: Client) -> None:
    urumqi = Region.objects.get(code="650100")
    response = api_get(client, "bureau_dalate", f"/api/v1/statistics/?region={urumqi.pk}")
    assert response.status_code == 422 and "region" in response.json()["errors"]


def test_a_period_that_ends_before_it_starts_is_a_field_error(client: Client) -> None:
    response = api_get(client, "lead_dalate", "/api/v1/statistics/?first=2025-05-01&last=2025-01-01")
    assert response.status_code == 422 and "last" in response.json()["errors"]


@pytest.mark.parametrize("query", ["first=1901-01-01", "first=2030-01-01&last=2046-01-01", "last=0018-06-06",
                                   "first=9999-12-01", "last=9999-12-31"])
def test_a_period_too_long_or_outside_1900_2199_is_refused_with_one_end_left_out(client: Client, query: str) -> None:
    response = api_get(client, "bureau_dalate", f"/api/v1/statistics/?{query}")
    assert response.status_code == 422
    assert response.json()["errors"]


@pytest.mark.parametrize("last", ["2025-06-30", "2150-07-17"])
def test_an_end_alone_counts_from_the_first_of_january_of_its_year(client: Client, last: str) -> None:
    # An end alone far ahead once counted from this year's January: ?last=7114-07-17 made a 5,000-year period, a
    # branch of SQL per month, that held the server for minutes.
    response = api_get(client, "bureau_dalate", f"/api/v1/statistics/?last={last}")
    assert response.status_code == 200
    assert response.json()["period"] == {**response.json()["period"], "first": f"{last[:4]}-01-01", "last": last}


def test_anonymous_caller_is_asked_to_authenticate(client: Client) -> None:
    assert client.get("/api/v1/statistics/").status_code == 401


def test_statistics_have_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    # The page's selector, whatever the period or its records: session, user, scope, the tables' queries (as on
    # the page, without its KPIs, charts and filter choices; any category counted with age, sex and ethnicity).
    signed_in(client, "lead_dalate")
    for period in ("first=2025-01-01&last=2025-01-31", "first=2016-01-01&last=2025-12-31"):
        with django_assert_num_queries(23):
            assert client.get(f"/api/v1/statistics/?{period}").status_code == 200
