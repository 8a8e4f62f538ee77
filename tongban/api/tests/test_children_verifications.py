"""Home-verification visits over the API: the verification page's form and service, the same refusals and audit."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.children import services
from tongban.children.models import Child, HomeVerification
from tongban.children.tests.factories import make_child
from tongban.testing import cast

pytestmark = pytest.mark.django_db


def verify(client: Client, username: str | None, child_id: int, body: dict[str, Any], *, scope: str = "read_write",
           **extra: Any) -> Any:
    headers = bearer(token_for(username, scope=scope)) if username else {}
    return client.post(f"/api/v1/children/{child_id}/verifications", body, content_type="application/json",
                       **headers, **extra)


def test_a_visit_that_finds_the_file_right_confirms_it_and_is_audited(client: Client) -> None:
    child = make_child(address="树林召镇新村12号")
    response = verify(client, "worker_dalate", child.pk, {"notes": "祖母在家，孩子在写作业"})
    assert response.status_code == 201, response.json()
    visit = HomeVerification.objects.get(pk=response.json()["id"])
    assert (visit.file_confirmed, visit.visited_on, visit.corrections) == (True, date.today(), {})
    assert Child.objects.get(pk=child.pk).version == child.version
    assert AuditEvent.objects.filter(action="create", target_type="children.homeverification",
                                     target_id=str(visit.pk), actor__username="worker_dalate").exists()


def test_what_the_visitor_corrects_is_written_to_the_file(client: Client) -> None:
    child = make_child(address="树林召镇新村12号", school="树林召小学")
    response = verify(client, "worker_dalate", child.pk, {"address": "树林召镇旧址3号", "risk": "high"})
    assert response.status_code == 201, response.json()
    saved = Child.objects.get(pk=child.pk)
    assert (saved.address, saved.risk, saved.school) == ("树林召镇旧址3号", "high", "树林召小学")
    assert response.json()["file_confirmed"] is False and set(response.json()["corrections"]) == {"address", "risk"}
    assert response["ETag"] == f'"child-{child.pk}-v{saved.version}"'


def test_a_correction_from_a_stale_copy_is_refused_with_412(client: Client) -> None:
    child = make_child(address="树林召镇新村12号")
    etag = f'"child-{child.pk}-v{child.version}"'
    services.child_update(actor=cast("lead_dalate"), child=Child.objects.get(pk=child.pk), school="王爱召小学")
    response = verify(client, "worker_dalate", child.pk, {"address": "树林召镇旧址3号"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert Child.objects.get(pk=child.pk).address == "树林召镇新村12号"
    assert not HomeVerification.objects.filter(child=child).exists()


def test_a_visit_in_the_future_is_a_field_error_in_the_callers_language(client: Client) -> None:
    child = make_child()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    chinese = verify(client, "worker_dalate", child.pk, {"visited_on": tomorrow}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = verify(client, "worker_dalate", child.pk, {"visited_on": tomorrow}, HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == english.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.json()["errors"]["visited_on"][0])
    assert english.json()["errors"]["visited_on"] == ["The visit date cannot be in the future."]
    assert not HomeVerification.objects.filter(child=child).exists()


def test_an_unknown_risk_level_is_refused_under_its_field(client: Client) -> None:
    child = make_child()
    response = verify(client, "worker_dalate", child.pk, {"risk": "apocalyptic"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["risk"]


def test_verifications_are_refused_outside_the_area_to_read_only_roles_and_tokens_and_to_strangers(
        client: Client) -> None:
    child = make_child()
    assert verify(client, "worker_etuoke", child.pk, {}).status_code == 404
    assert verify(client, "bureau_dalate", child.pk, {}).status_code == 403
    assert verify(client, "worker_dalate", child.pk, {}, scope="read").status_code == 403
    assert verify(client, None, child.pk, {}).status_code == 401
    assert not HomeVerification.objects.filter(child=child).exists()
