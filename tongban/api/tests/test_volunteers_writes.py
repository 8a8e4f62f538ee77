"""Registering volunteers, pairing them with children and ending pairings over the API: the pages' forms and
services, the same refusals and audit events, If-Match against lost edits."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from tongban.api.models import ApiToken
from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.children.tests.factories import make_child
from tongban.testing import cast
from tongban.volunteers import services
from tongban.volunteers.models import Pairing, Volunteer
from tongban.volunteers.tests.factories import dalate_site, make_pairing, make_volunteer, team, village_of

pytestmark = pytest.mark.django_db


def post(client: Client, username: str, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, body, content_type="application/json", **bearer(token_for(username)), **extra)


def patch(client: Client, username: str, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.patch(url, body, content_type="application/json", **bearer(token_for(username)), **extra)


def audited(action: str, target: Any, username: str) -> bool:
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower, target_id=str(target.pk),
                                     actor__username=username).exists()


def dalate_child() -> Any:
    return make_child(name="刘小花", region=village_of(dalate_site()))


# Volunteers ------------------------------------------------------------------------------------------------

def test_a_team_lead_registers_a_volunteer_who_is_then_listed_and_audited(client: Client) -> None:
    body = {"name": "王秀兰", "team_id": team().pk, "phone": "13912345678", "is_party_member": True,
            "skills": ["tutoring", "reading"], "availability": ["saturday"]}
    response = post(client, "lead_dalate", "/api/v1/volunteers/", body)
    assert response.status_code == 201, response.json()
    volunteer = Volunteer.objects.get(pk=response.json()["id"])
    assert volunteer.skills == ["tutoring", "reading"] and volunteer.joined_on == date.today()
    assert response.json()["phone_masked"] == "139****5678" and response["ETag"]
    assert audited("create", volunteer, "lead_dalate")
    listed = client.get("/api/v1/volunteers/?limit=500", **bearer(token_for("lead_dalate"))).json()["items"]
    assert volunteer.pk in {row["id"] for row in listed}


def test_a_volunteer_without_name_or_with_an_unknown_skill_is_refused_in_chinese(client: Client) -> None:
    before = Volunteer.objects.count()
    response = post(client, "lead_dalate", "/api/v1/volunteers/", {"team_id": team().pk, "skills": ["juggling"]},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"name", "skills"} <= set(errors)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors["name"][0])
    assert Volunteer.objects.count() == before


def test_a_team_of_another_banner_is_refused_under_the_apis_field_name(client: Client) -> None:
    response = post(client, "worker_etuoke", "/api/v1/volunteers/", {"name": "王秀兰", "team_id": team().pk})
    assert response.status_code == 403  # workers do not register volunteers
    response = post(client, "pm_ordos", "/api/v1/volunteers/", {"name": "王秀兰", "team_id": 2**40})
    assert response.status_code == 422 and "team_id" in response.json()["errors"]


@pytest.mark.parametrize("username", ["bureau_ordos", "worker_dalate", "volunteer_dalate", "director_dalate"])
def test_roles_that_do_not_register_volunteers_are_refused(client: Client, username: str) -> None:
    response = post(client, username, "/api/v1/volunteers/", {"name": "王秀兰", "team_id": team().pk})
    assert response.status_code == 403


def test_editing_a_volunteer_changes_only_the_fields_sent_and_is_audited(client: Client) -> None:
    volunteer = make_volunteer(phone="13912345678", skills=["arts"])
    response = patch(client, "lead_dalate", f"/api/v1/volunteers/{volunteer.pk}", {"active": False})
    assert response.status_code == 200, response.json()
    volunteer.refresh_from_db()
    assert not volunteer.active and volunteer.skills == ["arts"] and volunteer.phone == "13912345678"
    assert response.json()["version"] == volunteer.version == 2
    assert audited("update", volunteer, "lead_dalate")


def test_a_volunteer_edited_meanwhile_is_412_and_the_other_edit_stays(client: Client) -> None:
    volunteer = make_volunteer()
    url = f"/api/v1/volunteers/{volunteer.pk}"
    stale = client.get(url, **bearer(token_for("lead_dalate")))["ETag"]
    services.volunteer_update(actor=cast("pm_ordos"), volunteer=Volunteer.objects.get(pk=volunteer.pk),
                              notes="周末可来")
    response = patch(client, "lead_dalate", url, {"name": "王秀英"}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    volunteer.refresh_from_db()
    assert volunteer.name == "王秀兰" and volunteer.notes == "周末可来"


def test_editing_a_volunteer_is_refused_outside_the_area_and_to_read_tokens(client: Client) -> None:
    volunteer = make_volunteer()
    url = f"/api/v1/volunteers/{volunteer.pk}"
    assert patch(client, "worker_shuimogou", url, {"name": "x"}).status_code == 404
    assert patch(client, "bureau_ordos", url, {"name": "x"}).status_code == 403
    key = token_for("lead_dalate", scope=ApiToken.Scope.READ)
    assert client.patch(url, {"name": "x"}, content_type="application/json", **bearer(key)).status_code == 403


# Pairings --------------------------------------------------------------------------------------------------

def test_a_team_lead_pairs_a_volunteer_with_a_child_and_it_is_audited(client: Client) -> None:
    child, volunteer = dalate_child(), make_volunteer()
    response = post(client, "lead_dalate", "/api/v1/pairings/",
                    {"child_id": child.pk, "volunteer_id": volunteer.pk, "site_id": dalate_site().pk,
                     "purpose": "每周陪伴阅读"})
    assert response.status_code == 201, response.json()
    pairing = Pairing.objects.get(pk=response.json()["id"])
    assert pairing.child == child and pairing.starts_on == date.today() and pairing.is_ongoing
    assert response.json()["child"]["id"] == child.pk and response["ETag"]
    assert audited("create", pairing, "lead_dalate")


def test_pairing_a_volunteer_twice_with_the_same_child_is_refused(client: Client) -> None:
    pairing = make_pairing()
    response = post(client, "lead_dalate", "/api/v1/pairings/",
                    {"child_id": pairing.child_id, "volunteer_id": pairing.volunteer_id}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "already paired" in response.json()["errors"]["__all__"][0]


def test_a_volunteer_of_another_area_is_not_offered(client: Client) -> None:
    child = dalate_child()
    response = post(client, "lead_dalate", "/api/v1/pairings/", {"child_id": child.pk, "volunteer_id": 2**40})
    assert response.status_code == 422 and "volunteer_id" in response.json()["errors"]


def test_pairing_a_child_outside_the_area_is_404_and_read_only_roles_are_refused(client: Client) -> None:
    child, volunteer = dalate_child(), make_volunteer()
    body = {"child_id": child.pk, "volunteer_id": volunteer.pk}
    assert post(client, "pm_ordos", "/api/v1/pairings/", body).status_code != 404  # inside the project admin's area
    child2 = dalate_child()
    body2 = {"child_id": child2.pk, "volunteer_id": volunteer.pk}
    from tongban.accounts.models import Role, User

    lead_elsewhere = User.objects.filter(role=Role.TEAM_LEAD).exclude(team=cast("lead_dalate").team).first()
    if lead_elsewhere is not None:
        assert post(client, lead_elsewhere.username, "/api/v1/pairings/", body2).status_code == 404
    for username in ("bureau_ordos", "worker_dalate", "volunteer_dalate"):
        assert post(client, username, "/api/v1/pairings/", body2).status_code == 403


def test_ending_a_pairing_goes_through_the_service_and_is_audited(client: Client) -> None:
    pairing = make_pairing()
    url = f"/api/v1/pairings/{pairing.pk}"
    tag = client.get(url, **bearer(token_for("lead_dalate")))["ETag"]
    response = post(client, "lead_dalate", f"{url}/end", {"reason": "孩子随父母搬迁"}, HTTP_IF_MATCH=tag)
    assert response.status_code == 200, response.json()
    pairing.refresh_from_db()
    assert pairing.ends_on == date.today() and pairing.end_reason == "孩子随父母搬迁"
    assert response.json()["ends_on"] == date.today().isoformat() and response["ETag"] != tag
    assert audited("update", pairing, "lead_dalate")


def test_ending_a_pairing_before_it_started_is_a_field_error(client: Client) -> None:
    pairing = make_pairing(days_ago=10)
    response = post(client, "lead_dalate", f"/api/v1/pairings/{pairing.pk}/end",
                    {"ends_on": (date.today() - timedelta(days=30)).isoformat()}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["errors"]["ends_on"][0])


def test_ending_from_a_stale_copy_is_412(client: Client) -> None:
    pairing = make_pairing()
    url = f"/api/v1/pairings/{pairing.pk}"
    stale = client.get(url, **bearer(token_for("lead_dalate")))["ETag"]
    services.pairing_end(actor=cast("pm_ordos"), pairing=Pairing.objects.get(pk=pairing.pk),
                         ends_on=date.today() + timedelta(days=30))
    response = post(client, "lead_dalate", f"{url}/end", {}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    pairing.refresh_from_db()
    assert pairing.ends_on == date.today() + timedelta(days=30)


def test_the_paired_volunteer_cannot_end_their_pairing_nor_see_another(client: Client) -> None:
    own = make_pairing()
    assert post(client, "volunteer_dalate", f"/api/v1/pairings/{own.pk}/end", {}).status_code == 403
    other = make_pairing(volunteer=make_volunteer("李红"))
    assert post(client, "volunteer_dalate", f"/api/v1/pairings/{other.pk}/end", {}).status_code == 404
    own.refresh_from_db()
    assert own.ends_on is None
