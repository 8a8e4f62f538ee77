"""Opening a case and changing its intake details over the API: the page's forms, case_open and case_update."""

from typing import Any

import pytest
from django.test import Client

from tongban.api.models import ApiToken
from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.cases import services
from tongban.cases.models import Case
from tongban.cases.tests.factories import days_ago, make_case, reload
from tongban.children.tests.factories import make_child
from tongban.testing import cast

pytestmark = pytest.mark.django_db


def post(client: Client, username: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.post("/api/v1/cases/", body, content_type="application/json", **bearer(token_for(username)),
                       **extra)


def patch(client: Client, username: str, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.patch(url, body, content_type="application/json", **bearer(token_for(username)), **extra)


def test_a_team_lead_opens_a_case_for_a_worker_and_it_is_audited(client: Client) -> None:
    child = make_child()
    body = {"child_id": child.pk, "worker_id": cast("worker_dalate").pk, "reason": "祖父母求助，孩子情绪低落"}
    response = post(client, "lead_dalate", body)
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["id"])
    assert case.child == child and case.worker == cast("worker_dalate") and response["ETag"]
    assert AuditEvent.objects.filter(action="create", target_type="cases.case", target_id=str(case.pk),
                                     actor__username="lead_dalate").exists()


def test_a_case_without_reason_or_worker_is_refused_in_chinese(client: Client) -> None:
    child = make_child()
    response = post(client, "lead_dalate", {"child_id": child.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"worker_id", "reason"} <= set(errors)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors["reason"][0])
    assert not Case.objects.filter(child=child).exists()


def test_a_second_open_case_for_the_same_child_is_refused(client: Client) -> None:
    case = make_case()
    body = {"child_id": case.child_id, "worker_id": cast("worker_dalate").pk, "reason": "再次求助"}
    assert post(client, "lead_dalate", body).status_code == 422


def test_opening_a_case_is_refused_outside_the_area_and_to_read_only_callers(client: Client) -> None:
    child = make_child()
    body = {"child_id": child.pk, "worker_id": cast("worker_dalate").pk, "reason": "求助"}
    assert post(client, "worker_etuoke", body).status_code == 404
    assert post(client, "bureau_ordos", body).status_code == 403
    assert post(client, "director_dalate", body).status_code == 403
    key = token_for("lead_dalate", scope=ApiToken.Scope.READ)
    assert client.post("/api/v1/cases/", body, content_type="application/json", **bearer(key)).status_code == 403


def test_changing_the_intake_reason_is_audited_and_raises_the_version(client: Client) -> None:
    case = make_case()
    url = f"/api/v1/cases/{case.pk}"
    tag = client.get(url, **bearer(token_for("worker_dalate")))["ETag"]
    response = patch(client, "worker_dalate", url, {"reason": "学校转介：孩子常缺课"}, HTTP_IF_MATCH=tag)
    assert response.status_code == 200, response.json()
    assert reload(case).reason == "学校转介：孩子常缺课" and response.json()["version"] == case.version + 1
    assert response["ETag"] != tag
    assert AuditEvent.objects.filter(action="update", target_type="cases.case", target_id=str(case.pk)).exists()


def test_an_intake_edit_from_a_stale_copy_is_412(client: Client) -> None:
    case = make_case()
    url = f"/api/v1/cases/{case.pk}"
    stale = client.get(url, **bearer(token_for("worker_dalate")))["ETag"]
    services.case_update(actor=cast("lead_dalate"), case=reload(case), opened_on=days_ago(59))
    response = patch(client, "worker_dalate", url, {"reason": "改"}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412 and reload(case).reason != "改"


def test_an_intake_edit_is_refused_outside_the_area_and_to_the_bureau(client: Client) -> None:
    case = make_case()
    url = f"/api/v1/cases/{case.pk}"
    assert patch(client, "worker_etuoke", url, {"reason": "x"}).status_code == 404
    assert patch(client, "bureau_ordos", url, {"reason": "x"}).status_code == 403
