import pytest
from django.test import Client

from tongban.api.tests.helpers import api_get
from tongban.organisations.models import Project, Site
from tongban.organisations.selectors import organisations_visible_to, projects_visible_to, sites_visible_to
from tongban.testing import CAST, cast, signed_in

pytestmark = pytest.mark.django_db


def _page_status(client: Client, username: str, url: str) -> int:
    signed_in(client, username)
    status = client.get(url).status_code
    client.logout()
    return status


@pytest.mark.parametrize("username", CAST)
def test_site_list_answers_like_the_page(client: Client, username: str) -> None:
    page = _page_status(client, username, "/organisations/sites/")
    assert api_get(client, username, "/api/v1/sites/").status_code == page


@pytest.mark.parametrize("username", CAST)
def test_site_answers_like_the_page(client: Client, username: str) -> None:
    site = sites_visible_to(cast("worker_shuimogou")).order_by("pk").first()
    assert site is not None
    page = _page_status(client, username, f"/organisations/sites/{site.pk}/")
    assert api_get(client, username, f"/api/v1/sites/{site.pk}").status_code == page


def test_site_list_shows_only_the_callers_sites(client: Client) -> None:
    visible = set(sites_visible_to(cast("worker_shuimogou")).values_list("pk", flat=True))
    body = api_get(client, "worker_shuimogou", "/api/v1/sites/?limit=500").json()
    assert visible and {row["id"] for row in body["items"]} == visible


def test_worker_sees_their_teams_project_only(client: Client) -> None:
    mine = projects_visible_to(cast("worker_dalate")).get()
    other = Project.objects.exclude(pk=mine.pk).first()
    assert other is not None
    body = api_get(client, "worker_dalate", "/api/v1/projects/").json()
    assert [row["id"] for row in body["items"]] == [mine.pk]
    assert api_get(client, "worker_dalate", f"/api/v1/projects/{other.pk}").status_code == 404


def test_organisation_outside_the_area_is_not_found(client: Client) -> None:
    visible = organisations_visible_to(cast("worker_dalate")).values("pk")
    from tongban.organisations.models import Organisation

    outside = Organisation.objects.exclude(pk__in=visible).first()
    assert outside is not None
    assert api_get(client, "worker_dalate", f"/api/v1/organisations/{outside.pk}").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/organisations/", "/api/v1/projects/", "/api/v1/sites/"])
def test_volunteer_gets_no_lists_of_the_project(client: Client, url: str) -> None:
    assert api_get(client, "volunteer_dalate", url).status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/organisations/", "/api/v1/projects/", "/api/v1/sites/"])
def test_anonymous_caller_is_asked_to_authenticate(client: Client, url: str) -> None:
    assert client.get(url).status_code == 401


def test_site_filter_by_kind(client: Client) -> None:
    body = api_get(client, "pm_ordos", f"/api/v1/sites/?kind={Site.Kind.PROJECT_POINT}&limit=500").json()
    assert all(row["kind"] == "project_point" for row in body["items"])


def test_lists_have_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "pm_ordos")
    # session, user, the admin's projects and their regions (scope), the rows (+ projects' regions), session saved
    # (savepoint, update, release)
    for url, queries in (("/api/v1/projects/", 6), ("/api/v1/sites/", 5), ("/api/v1/organisations/", 5)):
        with django_assert_num_queries(queries):
            client.get(f"{url}?limit=1")
        with django_assert_num_queries(queries):
            client.get(f"{url}?limit=300")
