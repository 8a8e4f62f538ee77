"""Writing children's files over the API: the page's form and service, the same refusals, the same audit trail."""

from typing import Any

import pytest
from django.test import Client

from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.children.models import Child, Consent, FamilyMember
from tongban.children.tests.factories import born_years_ago, id_number, make_child, make_member, ordos_project, village
from tongban.testing import signed_in

pytestmark = pytest.mark.django_db


def post(client: Client, username: str | None, url: str, body: dict[str, Any], **extra: Any) -> Any:
    headers = bearer(token_for(username)) if username else {}
    return client.post(url, body, content_type="application/json", **headers, **extra)


def patch(client: Client, username: str, url: str, body: dict[str, Any], **extra: Any) -> Any:
    return client.patch(url, body, content_type="application/json", **bearer(token_for(username)), **extra)


def new_file(**overrides: Any) -> dict[str, Any]:
    birth = born_years_ago(8)
    return {"name": "王晨阳", "id_number": id_number(birth, "M"), "project_id": ordos_project().pk,
            "region_id": village().pk, "hukou": "rural", **overrides}


def audited(action: str, target: Any, username: str) -> bool:
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower, target_id=str(target.pk),
                                     actor__username=username).exists()


# Registering -----------------------------------------------------------------------------------------------

def test_team_lead_registers_a_child_and_it_is_audited(client: Client) -> None:
    body = new_file(categories=["single_parent"])
    response = post(client, "lead_dalate", "/api/v1/children/", body)
    assert response.status_code == 201, response.json()
    child = Child.objects.get(pk=response.json()["id"])
    assert "single_parent" in [c["code"] for c in response.json()["categories"]]
    assert child.name == "王晨阳" and child.sex == "M" and child.id_number() == body["id_number"]
    assert response.json()["id_number_masked"] == child.id_masked and response["ETag"]
    assert audited("create", child, "lead_dalate")


def test_a_mistyped_id_number_is_refused_with_its_field_in_chinese_and_nothing_is_written(client: Client) -> None:
    before = Child.objects.count()
    number = new_file()["id_number"]
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = post(client, "lead_dalate", "/api/v1/children/", new_file(id_number=bad),
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    message = response.json()["errors"]["id_number"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert Child.objects.count() == before


def test_a_birth_date_that_contradicts_the_id_number_is_a_field_error(client: Client) -> None:
    response = post(client, "lead_dalate", "/api/v1/children/", new_file(birth_date="2015-01-01"),
                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "does not match the ID number" in response.json()["errors"]["birth_date"][0]


def test_a_region_outside_the_area_is_refused_under_the_apis_field_name(client: Client) -> None:
    from tongban.regions.models import Region

    urumqi_village = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="6501").first()
    assert urumqi_village is not None
    response = post(client, "lead_dalate", "/api/v1/children/", new_file(region_id=urumqi_village.pk))
    assert response.status_code == 422 and "region_id" in response.json()["errors"]


def test_a_suspected_duplicate_is_refused_until_confirmed_as_a_different_child(client: Client) -> None:
    existing = make_child(name="赵子琪", with_id=False, birth_date=born_years_ago(8), sex="F")
    body = new_file(name="赵子琪", id_number="", birth_date=existing.birth_date.isoformat(), sex="F")
    refused = post(client, "lead_dalate", "/api/v1/children/", body)
    assert refused.status_code == 422
    assert existing.pk in refused.json()["duplicates"] and "confirmed_new" in refused.json()["errors"]
    assert not Child.objects.filter(name="赵子琪").exclude(pk=existing.pk).exists()
    confirmed = post(client, "lead_dalate", "/api/v1/children/", {**body, "confirmed_new": True})
    assert confirmed.status_code == 201


def test_a_taken_id_number_is_refused(client: Client) -> None:
    existing = make_child()
    response = post(client, "lead_dalate", "/api/v1/children/",
                    new_file(id_number=existing.id_number(), confirmed_new=True), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and response.json()["errors"]["id_number"]


def test_an_unknown_category_code_is_a_field_error(client: Client) -> None:
    response = post(client, "lead_dalate", "/api/v1/children/", new_file(categories=["no_such_category"]))
    assert response.status_code == 422 and "categories" in response.json()["errors"]


def test_unknown_fields_are_refused(client: Client) -> None:
    response = post(client, "lead_dalate", "/api/v1/children/", new_file(nickname="阳阳"))
    assert response.status_code == 422 and "nickname" in response.json()["errors"]


@pytest.mark.parametrize("username", ["bureau_dalate", "volunteer_dalate"])
def test_roles_that_may_not_register_are_refused(client: Client, username: str) -> None:
    before = Child.objects.count()
    assert post(client, username, "/api/v1/children/", new_file()).status_code == 403
    assert Child.objects.count() == before


def test_a_read_only_token_cannot_register(client: Client) -> None:
    response = client.post("/api/v1/children/", new_file(), content_type="application/json",
                           **bearer(token_for("lead_dalate", scope="read")))
    assert response.status_code == 403


def test_anonymous_callers_cannot_register(client: Client) -> None:
    assert post(client, None, "/api/v1/children/", new_file()).status_code == 401


def test_session_write_needs_the_csrf_token(client: Client) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    signed_in(csrf_client, "lead_dalate")
    response = csrf_client.post("/api/v1/children/", new_file(), content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Child.objects.filter(name="王晨阳").exists()


# Changing a file ---------------------------------------------------------------------------------------------

def test_patch_changes_only_the_fields_sent_and_gives_the_new_etag(client: Client) -> None:
    child = make_child(school="树林召小学")
    key = token_for("lead_dalate")
    tag = client.get(f"/api/v1/children/{child.pk}", **bearer(key))["ETag"]
    response = client.patch(f"/api/v1/children/{child.pk}", {"grade": "三年级"}, content_type="application/json",
                            HTTP_IF_MATCH=tag, **bearer(key))
    assert response.status_code == 200, response.json()
    child.refresh_from_db()
    assert (child.grade, child.school, child.version) == ("三年级", "树林召小学", 2)
    assert response["ETag"] != tag and response.json()["version"] == 2
    assert AuditEvent.objects.filter(action="update", target_id=str(child.pk), changes__grade="三年级").exists()


def test_stale_if_match_is_412_and_nothing_is_overwritten(client: Client) -> None:
    child = make_child(school="树林召小学")
    stale = f'"child-{child.pk}-v{child.version}"'
    Child.objects.filter(pk=child.pk).update(version=child.version + 1, school="王爱召小学")
    response = patch(client, "lead_dalate", f"/api/v1/children/{child.pk}", {"school": "恩格贝小学"},
                     HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    child.refresh_from_db()
    assert child.school == "王爱召小学"


def test_patch_with_a_bad_value_is_422_and_changes_nothing(client: Client) -> None:
    child = make_child()
    response = patch(client, "lead_dalate", f"/api/v1/children/{child.pk}", {"risk": "extreme", "grade": "三年级"},
                     HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422 and response.json()["errors"]["risk"]
    child.refresh_from_db()
    assert child.grade == "" and child.version == 1


def test_patch_outside_the_area_is_404(client: Client) -> None:
    child = make_child()
    assert patch(client, "worker_shuimogou", f"/api/v1/children/{child.pk}", {"grade": "三年级"}).status_code == 404


def test_bureau_official_and_read_only_token_cannot_patch(client: Client) -> None:
    child = make_child()
    url = f"/api/v1/children/{child.pk}"
    assert patch(client, "bureau_dalate", url, {"grade": "三年级"}).status_code == 403
    read_only = client.patch(url, {"grade": "三年级"}, content_type="application/json",
                             **bearer(token_for("lead_dalate", scope="read")))
    assert read_only.status_code == 403
    child.refresh_from_db()
    assert child.grade == ""


# Family and consents -----------------------------------------------------------------------------------------

def test_adding_a_parent_in_prison_is_audited_and_shown_in_the_family(client: Client) -> None:
    child = make_child()
    response = post(client, "lead_dalate", f"/api/v1/children/{child.pk}/family",
                    {"relation": "father", "name": "王强", "condition": "in_prison", "condition_since": "2023-05-01",
                     "condition_evidence": "判决书", "phone": "13912345678"})
    assert response.status_code == 201, response.json()
    member = FamilyMember.objects.get(pk=response.json()["id"])
    assert member.phone() == "13912345678" and response.json()["phone_masked"] == "139****5678"
    assert audited("create", member, "lead_dalate")
    listed = client.get(f"/api/v1/children/{child.pk}/family", **bearer(token_for("lead_dalate"))).json()
    assert [m["id"] for m in listed] == [member.pk]


def test_a_family_member_with_a_bad_phone_is_refused_and_not_written(client: Client) -> None:
    child = make_child()
    response = post(client, "lead_dalate", f"/api/v1/children/{child.pk}/family",
                    {"relation": "mother", "phone": "123"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "7 to 12 digits" in response.json()["errors"]["phone"][0]
    assert not child.family.exists()


def test_changing_a_family_member_keeps_the_phone_and_records_the_change(client: Client) -> None:
    child = make_child()
    member = make_member(child, "mother", phone="13812345678")
    response = patch(client, "lead_dalate", f"/api/v1/children/{child.pk}/family/{member.pk}",
                     {"life_status": "dead"})
    assert response.status_code == 200, response.json()
    member.refresh_from_db()
    assert member.life_status == "dead" and member.phone() == "13812345678"
    assert AuditEvent.objects.filter(action="update", target_id=str(member.pk),
                                     changes__life_status="dead").exists()


def test_a_family_member_changed_meanwhile_is_412_and_the_other_change_stays(client: Client) -> None:
    child = make_child()
    member = make_member(child, "mother")
    url = f"/api/v1/children/{child.pk}/family/{member.pk}"
    stale = client.get(url, **bearer(token_for("lead_dalate")))["ETag"]
    assert patch(client, "worker_dalate", url, {"health": "抑郁症"}, HTTP_IF_MATCH=stale).status_code == 200
    response = patch(client, "lead_dalate", url, {"life_status": "missing"}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    member.refresh_from_db()
    assert member.health == "抑郁症" and member.life_status == "alive"


def test_a_family_member_saved_on_the_page_makes_an_api_copy_stale(client: Client) -> None:
    from tongban.children import services
    from tongban.testing import cast

    child = make_child()
    member = make_member(child, "father")
    url = f"/api/v1/children/{child.pk}/family/{member.pk}"
    tag = client.get(url, **bearer(token_for("lead_dalate")))["ETag"]
    services.family_member_save(actor=cast("worker_dalate"), child=child, member=FamilyMember.objects.get(
        pk=member.pk), works_away=True)
    assert patch(client, "lead_dalate", url, {"health": "良好"}, HTTP_IF_MATCH=tag).status_code == 412
    fresh = client.get(url, **bearer(token_for("lead_dalate")))["ETag"]
    assert patch(client, "lead_dalate", url, {"health": "良好"}, HTTP_IF_MATCH=fresh).status_code == 200


def test_family_member_of_another_child_is_404(client: Client) -> None:
    child, other = make_child(), make_child(name="李小雪")
    member = make_member(other, "mother")
    response = patch(client, "lead_dalate", f"/api/v1/children/{child.pk}/family/{member.pk}", {"name": "张华"})
    assert response.status_code == 404


def test_bureau_official_reads_the_family_but_cannot_add_to_it(client: Client) -> None:
    child = make_child()
    key = token_for("bureau_dalate")
    assert client.get(f"/api/v1/children/{child.pk}/family", **bearer(key)).status_code == 200
    refused = post(client, "bureau_dalate", f"/api/v1/children/{child.pk}/family", {"relation": "mother"})
    assert refused.status_code == 403 and not child.family.exists()


def test_a_guardians_consent_is_recorded_and_audited(client: Client) -> None:
    child = make_child()
    response = post(client, "lead_dalate", f"/api/v1/children/{child.pk}/consents",
                    {"guardian_name": "王秀英", "relation": "m_grandmother", "given_on": "2025-03-01",
                     "scopes": ["records", "services"]})
    assert response.status_code == 201, response.json()
    consent = Consent.objects.get(pk=response.json()["id"])
    assert consent.scopes == ["records", "services"] and audited("create", consent, "lead_dalate")
    detail = client.get(f"/api/v1/children/{child.pk}", **bearer(token_for("lead_dalate"))).json()
    assert [c["id"] for c in detail["consents"]] == [consent.pk]


def test_a_consent_dated_in_the_future_is_refused_in_chinese(client: Client) -> None:
    child = make_child()
    response = post(client, "lead_dalate", f"/api/v1/children/{child.pk}/consents",
                    {"guardian_name": "王秀英", "relation": "mother", "given_on": "2999-01-01", "scopes": ["records"]},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["errors"]["given_on"][0])
    assert not child.consents.exists()


def test_consents_outside_the_area_are_404_and_anonymous_is_401(client: Client) -> None:
    child = make_child()
    url = f"/api/v1/children/{child.pk}/consents"
    assert client.get(url, **bearer(token_for("worker_shuimogou"))).status_code == 404
    assert post(client, "worker_shuimogou", url, {"guardian_name": "王秀英"}).status_code == 404
    assert client.get(url).status_code == 401


def test_family_and_consent_lists_have_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    child = make_child()
    signed_in(client, "lead_dalate")
    # session, user, the lead's team and its region (scope), the child, the audit event and the rows
    with django_assert_num_queries(7):
        client.get(f"/api/v1/children/{child.pk}/family")
    for relation in ("father", "mother", "m_grandmother"):
        make_member(child, relation)
    with django_assert_num_queries(7):
        client.get(f"/api/v1/children/{child.pk}/family")
