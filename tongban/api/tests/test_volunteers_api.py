from datetime import date

import pytest
from django.test import Client

from tongban.api.tests.helpers import api_get, bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.testing import CAST, cast, signed_in
from tongban.volunteers.models import Pairing, PairingVisit
from tongban.volunteers.selectors import pairings_visible_to, volunteers_visible_to

pytestmark = pytest.mark.django_db


def _page_status(client: Client, username: str, url: str) -> int:
    signed_in(client, username)
    status = client.get(url).status_code
    client.logout()
    return status


def _own_pairing() -> Pairing:
    pairing = Pairing.objects.filter(volunteer__user__username="volunteer_dalate").order_by("pk").first()
    assert pairing is not None
    return pairing


@pytest.mark.parametrize("username", CAST)
def test_volunteer_list_answers_like_the_page(client: Client, username: str) -> None:
    page = _page_status(client, username, "/volunteers/")
    assert api_get(client, username, "/api/v1/volunteers/").status_code == page


@pytest.mark.parametrize("username", CAST)
def test_pairing_answers_like_the_page(client: Client, username: str) -> None:
    pairing = _own_pairing()
    page = _page_status(client, username, f"/volunteers/pairings/{pairing.pk}/")
    assert api_get(client, username, f"/api/v1/pairings/{pairing.pk}").status_code == page


def test_volunteer_sees_only_their_own_pairings_by_pseudonym_and_age(client: Client) -> None:
    own = set(Pairing.objects.filter(volunteer__user__username="volunteer_dalate").values_list("pk", flat=True))
    body = api_get(client, "volunteer_dalate", "/api/v1/pairings/?limit=500").json()
    assert own and {row["id"] for row in body["items"]} == own
    for row in body["items"]:
        assert row["child"]["id"] is None and row["child"]["name"] is None
        assert row["child"]["pseudonym"] and row["child"]["age"] >= 0


def test_volunteer_is_refused_everything_else(client: Client) -> None:
    other = Pairing.objects.exclude(volunteer__user__username="volunteer_dalate").first()
    assert other is not None
    key = token_for("volunteer_dalate")
    assert client.get(f"/api/v1/pairings/{other.pk}", **bearer(key)).status_code == 404
    assert client.post(f"/api/v1/pairings/{other.pk}/visits", {}, content_type="application/json",
                       **bearer(key)).status_code == 404
    for url in ("/api/v1/volunteers/", "/api/v1/children/", "/api/v1/activities/", "/api/v1/donations/"):
        assert client.get(url, **bearer(key)).status_code == 403, url


def test_volunteer_reads_their_own_visit_log(client: Client) -> None:
    pairing = _own_pairing()
    body = api_get(client, "volunteer_dalate", f"/api/v1/pairings/{pairing.pk}").json()
    assert body["child"]["name"] is None and "birth_date" not in body["child"]
    assert len(body["visits"]) == pairing.visits.count()


def test_volunteer_logs_a_visit_through_the_service(client: Client) -> None:
    pairing = Pairing.objects.ongoing().filter(volunteer__user__username="volunteer_dalate").first()
    assert pairing is not None
    response = client.post(f"/api/v1/pairings/{pairing.pk}/visits",
                           {"visited_on": date.today().isoformat(), "minutes": 90, "what_was_done": "一起读绘本"},
                           content_type="application/json", **bearer(token_for("volunteer_dalate")))
    assert response.status_code == 201
    visit = PairingVisit.objects.get(pk=response.json()["id"])
    assert visit.minutes == 90 and visit.recorded_by.username == "volunteer_dalate"
    assert AuditEvent.objects.filter(action="create", target_id=str(visit.pk)).exists()


def test_visit_in_the_future_is_a_field_error(client: Client) -> None:
    pairing = Pairing.objects.ongoing().filter(volunteer__user__username="volunteer_dalate").first()
    assert pairing is not None
    response = client.post(f"/api/v1/pairings/{pairing.pk}/visits",
                           {"visited_on": "2100-01-01", "minutes": 30, "what_was_done": "陪伴"},
                           content_type="application/json", **bearer(token_for("volunteer_dalate")))
    assert response.status_code == 422 and "visited_on" in response.json()["errors"]


@pytest.mark.parametrize("username,scope", [("bureau_dalate", "read_write"), ("volunteer_dalate", "read")])
def test_read_only_callers_cannot_log_a_visit(client: Client, username: str, scope: str) -> None:
    pairing = _own_pairing()
    response = client.post(f"/api/v1/pairings/{pairing.pk}/visits",
                           {"visited_on": pairing.starts_on.isoformat(), "minutes": 30, "what_was_done": "陪伴"},
                           content_type="application/json", **bearer(token_for(username, scope=scope)))
    assert response.status_code == 403


@pytest.mark.parametrize("username", ["bureau_dalate", "lead_dalate"])
def test_what_was_said_on_visits_only_for_those_doing_the_case_work(client: Client, username: str) -> None:
    visit = PairingVisit.objects.filter(pairing__in=pairings_visible_to(cast("bureau_dalate"))).first()
    assert visit is not None
    body = api_get(client, username, f"/api/v1/pairings/{visit.pairing_id}").json()
    said = [v["what_was_done"] for v in body["visits"]]
    assert all(s is None for s in said) if username == "bureau_dalate" else all(said)
    assert AuditEvent.objects.filter(action="view", target_id=str(visit.pairing_id),
                                     actor__username=username).exists()


def test_volunteer_list_shows_only_the_callers_area_with_masked_phones(client: Client) -> None:
    visible = set(volunteers_visible_to(cast("lead_dalate")).values_list("pk", flat=True))
    body = api_get(client, "lead_dalate", "/api/v1/volunteers/?limit=500").json()
    assert visible and {row["id"] for row in body["items"]} == visible
    assert all("****" in row["phone_masked"] or not row["phone_masked"] for row in body["items"])


def test_anonymous_caller_is_asked_to_authenticate(client: Client) -> None:
    assert client.get("/api/v1/pairings/").status_code == 401


@pytest.mark.parametrize("username,queries", [("lead_dalate", 5), ("volunteer_dalate", 3)])
def test_pairing_list_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries, username: str,  # type: ignore[no-untyped-def]
                                                    queries: int) -> None:
    signed_in(client, username)
    # session, user, (the lead's team and its region: scope), pairings with volunteer, child and site
    with django_assert_num_queries(queries):
        client.get("/api/v1/pairings/?limit=1")
    with django_assert_num_queries(queries):
        client.get("/api/v1/pairings/?limit=300")


def test_volunteer_list_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "lead_dalate")
    with django_assert_num_queries(5):
        client.get("/api/v1/volunteers/?limit=1")
    with django_assert_num_queries(5):
        client.get("/api/v1/volunteers/?limit=300")


def test_volunteer_cannot_probe_for_the_childs_file_number(client: Client) -> None:
    pairing = _own_pairing()
    response = api_get(client, "volunteer_dalate", f"/api/v1/pairings/?child={pairing.child_id}")
    assert response.status_code == 422 and "child" in response.json()["errors"]
