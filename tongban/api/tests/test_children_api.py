import pytest
from django.test import Client

from tongban.api.tests.helpers import api_get, bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.children.models import Child
from tongban.children.selectors import children_visible_to
from tongban.testing import CAST, cast, signed_in

pytestmark = pytest.mark.django_db


def _page_status(client: Client, username: str, url: str) -> int:
    signed_in(client, username)
    status = client.get(url).status_code
    client.logout()
    return status


@pytest.mark.parametrize("username", CAST)
def test_child_list_answers_like_the_page(client: Client, username: str) -> None:
    page = _page_status(client, username, "/children/")
    assert api_get(client, username, "/api/v1/children/").status_code == page


@pytest.mark.parametrize("username", CAST)
def test_child_file_answers_like_the_page(client: Client, username: str) -> None:
    child = children_visible_to(cast("worker_dalate")).order_by("pk").first()
    assert child is not None
    page = _page_status(client, username, f"/children/{child.pk}/")
    assert api_get(client, username, f"/api/v1/children/{child.pk}").status_code == page


def test_list_shows_only_the_callers_children(client: Client) -> None:
    visible = set(children_visible_to(cast("worker_dalate")).values_list("pk", flat=True))
    body = api_get(client, "worker_dalate", "/api/v1/children/?limit=500").json()
    assert {row["id"] for row in body["items"]} == visible


def test_anonymous_caller_is_asked_to_authenticate(client: Client) -> None:
    response = client.get("/api/v1/children/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_unknown_token_is_refused(client: Client) -> None:
    assert client.get("/api/v1/children/", **bearer("tb_not-a-real-key")).status_code == 401


def test_session_caller_reads_like_the_page(client: Client) -> None:
    signed_in(client, "lead_dalate")
    assert client.get("/api/v1/children/").status_code == 200


def test_cursor_walks_the_whole_list_once(client: Client) -> None:
    key = token_for("pm_ordos")
    seen: list[int] = []
    url = "/api/v1/children/?limit=7&ordering=-birth_date"
    while url:
        body = client.get(url, **bearer(key)).json()
        seen += [row["id"] for row in body["items"]]
        url = body["next_cursor"] and f"/api/v1/children/?limit=7&ordering=-birth_date&cursor={body['next_cursor']}"
    assert len(seen) == len(set(seen)) == children_visible_to(cast("pm_ordos")).count()


def test_limit_above_500_is_a_validation_error(client: Client) -> None:
    response = api_get(client, "pm_ordos", "/api/v1/children/?limit=501")
    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


def test_filter_outside_the_callers_area_is_a_field_error_in_their_language(client: Client) -> None:
    from tongban.regions.models import Region

    urumqi = Region.objects.get(code="650105")
    response = api_get(client, "worker_dalate", f"/api/v1/children/?region={urumqi.pk}",
                       HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "valid choice" in response.json()["errors"]["region"][0]


def test_id_numbers_are_masked_and_opening_a_file_is_recorded(client: Client) -> None:
    child = Child.objects.current().exclude(id_masked="").filter(
        pk__in=children_visible_to(cast("lead_dalate"))).first()
    assert child is not None
    body = api_get(client, "lead_dalate", f"/api/v1/children/{child.pk}").json()
    assert body["id_number_masked"] == child.id_masked and "*" in child.id_masked
    assert "id_number" not in body
    assert AuditEvent.objects.filter(action="view", target_id=str(child.pk), actor__username="lead_dalate").exists()


def test_full_id_number_needs_a_reason_and_is_recorded(client: Client) -> None:
    child = children_visible_to(cast("lead_dalate")).exclude(id_masked="").first()
    assert child is not None
    key = token_for("lead_dalate")
    url = f"/api/v1/children/{child.pk}/reveal"
    assert client.post(url, {"reason": ""}, content_type="application/json", **bearer(key)).status_code == 422
    response = client.post(url, {"reason": "家访核对"}, content_type="application/json", **bearer(key))
    assert response.status_code == 200 and response.json()["id_number"] == child.id_number()
    assert AuditEvent.objects.filter(action="reveal", target_id=str(child.pk), reason="家访核对").exists()


def test_bureau_official_cannot_reveal_an_id_number(client: Client) -> None:
    child = children_visible_to(cast("bureau_dalate")).exclude(id_masked="").first()
    assert child is not None
    response = client.post(f"/api/v1/children/{child.pk}/reveal", {"reason": "核对"},
                           content_type="application/json", **bearer(token_for("bureau_dalate")))
    assert response.status_code == 403


def test_session_write_without_csrf_token_is_refused(client: Client) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    signed_in(csrf_client, "lead_dalate")
    child = children_visible_to(cast("lead_dalate")).first()
    assert child is not None
    response = csrf_client.post(f"/api/v1/children/{child.pk}/reveal", {"reason": "核对"},
                                content_type="application/json")
    assert response.status_code in (401, 403)


def test_child_list_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "pm_ordos")
    # session, user, the admin's projects and their regions (scope), children and their categories
    with django_assert_num_queries(6):
        client.get("/api/v1/children/?limit=5")
    with django_assert_num_queries(6):
        client.get("/api/v1/children/?limit=100")
