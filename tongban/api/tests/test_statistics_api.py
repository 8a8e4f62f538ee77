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


def test_anonymous_caller_is_asked_to_authenticate(client: Client) -> None:
    assert client.get("/api/v1/statistics/").status_code == 401


def test_statistics_have_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    # The page's selector, whatever the period or its records: session, user, scope, the tables' queries (as on
    # the page, without its KPIs, charts and filter choices; any category counted with age, sex and ethnicity).
    signed_in(client, "lead_dalate")
    for period in ("first=2025-01-01&last=2025-01-31", "first=2016-01-01&last=2025-12-31"):
        with django_assert_num_queries(23):
            assert client.get(f"/api/v1/statistics/?{period}").status_code == 200
