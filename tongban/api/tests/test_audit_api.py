import pytest
from django.test import Client

from tongban.api.tests.helpers import api_get, bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.audit.selectors import audit_events_visible_to
from tongban.testing import CAST, cast, signed_in

pytestmark = pytest.mark.django_db

READERS = {"admin", "pm_ordos"}


@pytest.mark.parametrize("username", CAST)
def test_only_administrators_read_the_audit_trail(client: Client, username: str) -> None:
    expected = 200 if username in READERS else 403
    assert api_get(client, username, "/api/v1/audit/events").status_code == expected


def test_project_admin_reads_what_their_staff_did_only(client: Client) -> None:
    api_get(client, "worker_shuimogou", "/api/v1/children/")
    api_get(client, "lead_dalate", "/api/v1/children/")
    rows = api_get(client, "pm_ordos", "/api/v1/audit/events?limit=500").json()["items"]
    visible = set(audit_events_visible_to(cast("pm_ordos")).values_list("pk", flat=True))
    assert rows and {r["id"] for r in rows} <= visible


def test_events_are_filtered_like_the_viewer(client: Client) -> None:
    key = token_for("lead_dalate")
    child = client.get("/api/v1/children/?limit=1", **bearer(key)).json()["items"][0]
    client.get(f"/api/v1/children/{child['id']}", **bearer(key))
    url = f"/api/v1/audit/events?action=view&target_id={child['id']}&q=lead_dalate"
    rows = api_get(client, "admin", url).json()["items"]
    assert rows and all(r["action"] == "view" and r["target_id"] == str(child["id"]) for r in rows)


def test_cursor_walks_the_trail_once(client: Client) -> None:
    key = token_for("admin")
    total = AuditEvent.objects.count()
    seen: list[int] = []
    url = "/api/v1/audit/events?limit=100&ordering=-at"
    while url:
        body = client.get(url, **bearer(key)).json()
        seen += [row["id"] for row in body["items"]]
        url = body["next_cursor"] and f"/api/v1/audit/events?limit=100&ordering=-at&cursor={body['next_cursor']}"
    assert len(seen) == len(set(seen)) >= total


def test_anonymous_caller_is_asked_to_authenticate(client: Client) -> None:
    assert client.get("/api/v1/audit/events").status_code == 401


def test_audit_list_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "admin")
    # session, user, events
    with django_assert_num_queries(3):
        client.get("/api/v1/audit/events?limit=1")
    with django_assert_num_queries(3):
        client.get("/api/v1/audit/events?limit=500")
