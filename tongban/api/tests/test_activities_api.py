from datetime import date

import pytest
from django.test import Client

from tongban.activities.models import Activity, Attendance
from tongban.activities.selectors import activities_visible_to
from tongban.api.tests.helpers import api_get, bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.children.selectors import children_visible_to
from tongban.testing import CAST, cast, signed_in

pytestmark = pytest.mark.django_db


def _page_status(client: Client, username: str, url: str) -> int:
    signed_in(client, username)
    status = client.get(url).status_code
    client.logout()
    return status


def _activity_with_attendance(username: str) -> Activity:
    row = Attendance.objects.filter(activity__in=activities_visible_to(cast(username)),
                                    activity__held_on__lte=date.today()).exclude(
        activity__status="cancelled").order_by("pk").first()
    assert row is not None
    return row.activity


@pytest.mark.parametrize("username", CAST)
def test_activity_list_answers_like_the_page(client: Client, username: str) -> None:
    page = _page_status(client, username, "/activities/")
    assert api_get(client, username, "/api/v1/activities/").status_code == page


@pytest.mark.parametrize("username", CAST)
def test_activity_answers_like_the_page(client: Client, username: str) -> None:
    activity = _activity_with_attendance("pm_ordos")
    page = _page_status(client, username, f"/activities/{activity.pk}/")
    assert api_get(client, username, f"/api/v1/activities/{activity.pk}").status_code == page


def test_list_shows_only_the_callers_activities(client: Client) -> None:
    visible = set(activities_visible_to(cast("worker_dalate")).values_list("pk", flat=True))
    body = api_get(client, "worker_dalate", "/api/v1/activities/?limit=500").json()
    assert visible and {row["id"] for row in body["items"]} == visible


def test_activities_are_filtered_by_type_site_and_period(client: Client) -> None:
    activity = activities_visible_to(cast("pm_ordos")).exclude(site=None).select_related("type").first()
    assert activity is not None
    url = (f"/api/v1/activities/?type={activity.type.code}&site={activity.site_id}"
           f"&first={activity.held_on}&last={activity.held_on}&project={activity.project_id}")
    rows = api_get(client, "pm_ordos", url).json()["items"]
    assert activity.pk in {row["id"] for row in rows}
    assert {(row["type"], row["site_id"], row["held_on"]) for row in rows} == {
        (activity.type.code, activity.site_id, activity.held_on.isoformat())}


def test_attendance_names_only_children_whose_files_the_caller_may_open(client: Client) -> None:
    activity = _activity_with_attendance("worker_dalate")
    visible = set(children_visible_to(cast("worker_dalate")).values_list("pk", flat=True))
    body = api_get(client, "worker_dalate", f"/api/v1/activities/{activity.pk}").json()
    assert body["attendance"]
    for row in body["attendance"]:
        assert row["pseudonym"]
        assert (row["name"] is not None) == (row["child_id"] in visible)


def test_recording_attendance_goes_through_the_service_and_is_audited(client: Client) -> None:
    activity = _activity_with_attendance("lead_dalate")
    child_id = activity.attendance.order_by("pk").first().child_id  # type: ignore[union-attr]
    response = client.post(f"/api/v1/activities/{activity.pk}/attendance",
                           {"attended": [child_id], "walk_ins": 3, "summary": "很热闹"},
                           content_type="application/json", **bearer(token_for("lead_dalate")))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "held" and body["walk_ins"] == 3 and body["attended"] == 1
    assert AuditEvent.objects.filter(action="update", target_id=str(activity.pk),
                                     actor__username="lead_dalate").exists()


def test_attendance_of_a_child_not_invited_is_a_validation_error(client: Client) -> None:
    activity = _activity_with_attendance("lead_dalate")
    response = client.post(f"/api/v1/activities/{activity.pk}/attendance", {"attended": [2**40], "walk_ins": 0},
                           content_type="application/json", **bearer(token_for("lead_dalate")))
    assert response.status_code == 422 and response.json()["errors"]["__all__"]


@pytest.mark.parametrize("username,scope", [("bureau_dalate", "read_write"), ("lead_dalate", "read")])
def test_read_only_callers_cannot_record_attendance(client: Client, username: str, scope: str) -> None:
    activity = _activity_with_attendance(username)
    response = client.post(f"/api/v1/activities/{activity.pk}/attendance", {"attended": [], "walk_ins": 1},
                           content_type="application/json", **bearer(token_for(username, scope=scope)))
    assert response.status_code == 403


def test_activity_outside_the_area_is_not_found(client: Client) -> None:
    outside = Activity.objects.exclude(pk__in=activities_visible_to(cast("worker_dalate")).values("pk")).first()
    assert outside is not None
    assert api_get(client, "worker_dalate", f"/api/v1/activities/{outside.pk}").status_code == 404


def test_anonymous_caller_is_asked_to_authenticate(client: Client) -> None:
    assert client.get("/api/v1/activities/").status_code == 401


def test_activity_list_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "pm_ordos")
    # session, user, the admin's projects and their regions (scope), activities with their counts, type, brand line
    # and region
    with django_assert_num_queries(5):
        client.get("/api/v1/activities/?limit=2")
    with django_assert_num_queries(5):
        client.get("/api/v1/activities/?limit=300")


def test_activity_detail_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    activity = _activity_with_attendance("pm_ordos")
    signed_in(client, "pm_ordos")
    # session, user, scope (2), the door, the activity with its counts, volunteers present, photos, attendance,
    # which of the children the caller may open
    with django_assert_num_queries(10):
        client.get(f"/api/v1/activities/{activity.pk}")
