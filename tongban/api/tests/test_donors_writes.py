"""Recording donors over the API: the page's form and service, the same refusals and audit event."""

from typing import Any

import pytest
from django.test import Client

from tongban.api.models import ApiToken
from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.donations.models import Donor
from tongban.regions.models import Region
from tongban.volunteers.tests.factories import dalate_site

pytestmark = pytest.mark.django_db


def post(client: Client, username: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post("/api/v1/donors/", body, content_type="application/json", **bearer(token_for(username)),
                       **extra)


def new_donor(**overrides: Any) -> dict[str, Any]:
    site = dalate_site()
    county = Region.objects.get(code="150621")
    return {"kind": "individual", "name": "张爱心", "project_id": site.project_id, "region_id": county.pk, **overrides}


def test_a_project_admin_records_a_donor_who_is_listed_and_audited(client: Client) -> None:
    response = post(client, "pm_ordos", new_donor())
    assert response.status_code == 201, response.json()
    donor = Donor.objects.get(pk=response.json()["id"])
    assert donor.name == "张爱心" and donor.region.code == "150621"
    assert AuditEvent.objects.filter(action="create", target_type="donations.donor", target_id=str(donor.pk),
                                     actor__username="pm_ordos").exists()
    shown = client.get(f"/api/v1/donors/{donor.pk}", **bearer(token_for("pm_ordos")))
    assert shown.status_code == 200 and shown.json()["kind"] == "individual"


def test_an_anonymous_donors_name_is_not_given_back(client: Client) -> None:
    response = post(client, "pm_ordos", new_donor(anonymous=True))
    assert response.status_code == 201 and response.json()["name"] != "张爱心"


def test_a_donor_without_kind_is_refused_in_chinese_and_nothing_is_written(client: Client) -> None:
    before = Donor.objects.count()
    response = post(client, "pm_ordos", new_donor(kind=""), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["errors"]["kind"][0])
    assert Donor.objects.count() == before


def test_a_region_outside_the_callers_area_is_refused_under_the_apis_name(client: Client) -> None:
    urumqi = Region.objects.get(code="650102")
    response = post(client, "lead_dalate", new_donor(region_id=urumqi.pk))
    assert response.status_code == 422 and "region_id" in response.json()["errors"]


@pytest.mark.parametrize("username", ["bureau_ordos", "volunteer_dalate"])
def test_roles_that_do_not_record_donations_are_refused(client: Client, username: str) -> None:
    assert post(client, username, new_donor()).status_code == 403


def test_a_read_token_cannot_record_a_donor(client: Client) -> None:
    key = token_for("pm_ordos", scope=ApiToken.Scope.READ)
    response = client.post("/api/v1/donors/", new_donor(), content_type="application/json", **bearer(key))
    assert response.status_code == 403
