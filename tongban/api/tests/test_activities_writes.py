"""Planning and editing activities over the API: the page's forms and services, the same refusals and audit."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from tongban.activities.models import Activity
from tongban.activities.tests.factories import make_activity
from tongban.api.models import ApiToken
from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.volunteers.tests.factories import dalate_site

pytestmark = pytest.mark.django_db


def post(client: Client, username: str, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, body, content_type="application/json", **bearer(token_for(username)), **extra)


def patch(client: Client, username: str, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.patch(url, body, content_type="application/json", **bearer(token_for(username)), **extra)


def new_activity(**overrides: Any) -> dict[str, Any]:
    site = dalate_site()
    return {"title": "爱心生日会", "type": "birthday_party", "brand_line": "culture", "project_id": site.project_id,
            "site_id": site.pk, "held_on": (date.today() + timedelta(days=7)).isoformat(), "starts_at": "15:30",
            **overrides}


def audited(action: str, target: Any, username: str) -> bool:
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower, target_id=str(target.pk),
                                     actor__username=username).exists()


def test_a_worker_plans_an_activity_at_a_site_and_it_is_listed_and_audited(client: Client) -> None:
    response = post(client, "worker_dalate", "/api/v1/activities/", new_activity())
    assert response.status_code == 201, response.json()
    activity = Activity.objects.get(pk=response.json()["id"])
    assert activity.site == dalate_site() and activity.region == dalate_site().region
    assert response.json()["type"] == "birthday_party" and response.json()["brand_line"] == "culture"
    assert response["ETag"] and audited("create", activity, "worker_dalate")
    listed = client.get("/api/v1/activities/?limit=500", **bearer(token_for("worker_dalate"))).json()["items"]
    assert activity.pk in {row["id"] for row in listed}


def test_an_unknown_type_and_a_missing_title_are_field_errors_in_chinese(client: Client) -> None:
    before = Activity.objects.count()
    response = post(client, "worker_dalate", "/api/v1/activities/", new_activity(type="karaoke", title=""),
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) >= {"type", "title"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in errors[name][0]) for name in ("type", "title"))
    assert Activity.objects.count() == before


def test_an_activity_without_site_or_region_is_refused_under_the_apis_field_name(client: Client) -> None:
    response = post(client, "worker_dalate", "/api/v1/activities/", new_activity(site_id=None),
                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "region_id" in response.json()["errors"]


def test_a_site_of_another_banner_is_not_offered(client: Client) -> None:
    response = post(client, "worker_etuoke", "/api/v1/activities/", new_activity())
    assert response.status_code == 422 and "site_id" in response.json()["errors"]


@pytest.mark.parametrize("username", ["bureau_ordos", "volunteer_dalate", "director_dalate"])
def test_roles_that_do_not_plan_activities_are_refused(client: Client, username: str) -> None:
    assert post(client, username, "/api/v1/activities/", new_activity()).status_code == 403


def test_a_read_token_cannot_plan_an_activity(client: Client) -> None:
    key = token_for("worker_dalate", scope=ApiToken.Scope.READ)
    response = client.post("/api/v1/activities/", new_activity(), content_type="application/json", **bearer(key))
    assert response.status_code == 403


def test_editing_an_activity_changes_only_the_fields_sent_and_is_audited(client: Client) -> None:
    activity = make_activity(days_ago=-3, plan="带上蜡烛")
    response = patch(client, "worker_dalate", f"/api/v1/activities/{activity.pk}", {"title": "六点半课堂：英语"})
    assert response.status_code == 200, response.json()
    activity.refresh_from_db()
    assert activity.title == "六点半课堂：英语" and activity.plan == "带上蜡烛"
    assert response.json()["version"] == activity.version == 2
    assert audited("update", activity, "worker_dalate")


def test_an_edit_from_a_stale_etag_is_412_and_nothing_changes(client: Client) -> None:
    activity = make_activity(days_ago=-3)
    url = f"/api/v1/activities/{activity.pk}"
    stale = client.get(url, **bearer(token_for("worker_dalate")))["ETag"]
    assert patch(client, "lead_dalate", url, {"place": "活动室"}, HTTP_IF_MATCH=stale).status_code == 200
    response = patch(client, "worker_dalate", url, {"title": "改名"}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    activity.refresh_from_db()
    assert activity.title != "改名" and activity.place == "活动室"


def test_an_edit_with_the_current_etag_goes_through(client: Client) -> None:
    activity = make_activity(days_ago=-3)
    url = f"/api/v1/activities/{activity.pk}"
    tag = client.get(url, **bearer(token_for("worker_dalate")))["ETag"]
    response = patch(client, "worker_dalate", url, {"place": "活动室"}, HTTP_IF_MATCH=tag)
    assert response.status_code == 200 and response["ETag"] != tag


def test_recording_attendance_on_the_page_makes_an_api_copy_stale(client: Client) -> None:
    activity = make_activity(days_ago=1)
    url = f"/api/v1/activities/{activity.pk}"
    tag = client.get(url, **bearer(token_for("worker_dalate")))["ETag"]
    from tongban.activities.tests.factories import record

    record(activity, [], walk_ins=3)
    assert patch(client, "worker_dalate", url, {"place": "活动室"}, HTTP_IF_MATCH=tag).status_code == 412


def test_a_future_activity_cannot_be_marked_held(client: Client) -> None:
    activity = make_activity(days_ago=-3)
    response = patch(client, "worker_dalate", f"/api/v1/activities/{activity.pk}", {"status": "held"})
    assert response.status_code == 422 and "status" in response.json()["errors"]


def test_editing_is_refused_outside_the_area_and_for_read_only_roles(client: Client) -> None:
    activity = make_activity(days_ago=-3)
    url = f"/api/v1/activities/{activity.pk}"
    assert patch(client, "worker_etuoke", url, {"title": "x"}).status_code == 404
    assert patch(client, "bureau_ordos", url, {"title": "x"}).status_code == 403
    key = token_for("worker_dalate", scope=ApiToken.Scope.READ)
    assert client.patch(url, {"title": "x"}, content_type="application/json", **bearer(key)).status_code == 403
    assert client.patch(url, {"title": "x"}, content_type="application/json").status_code == 401
