"""Case work over the API: the page's forms and the case services, the same refusals and the same audit trail."""

from datetime import date
from typing import Any

import pytest
from django.test import Client

from tongban.api.tests.helpers import bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.cases.choices import Domain, Stage
from tongban.cases.models import Approval, Assessment, Case, Referral, ServiceSession, Transfer
from tongban.cases.tests.factories import bring_to, days_ago, make_case, reload
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db

TODAY = date.today().isoformat()


def post(client: Client, username: str | None, url: str, body: dict[str, Any], *, scope: str = "read_write",
         **extra: Any) -> Any:
    headers = bearer(token_for(username, scope=scope)) if username else {}
    return client.post(url, body, content_type="application/json", **headers, **extra)


def audited(action: str, target: Any, username: str) -> bool:
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower, target_id=str(target.pk),
                                     actor__username=username).exists()


def assessment_body(**overrides: Any) -> dict[str, Any]:
    return {"assessed_on": days_ago(5).isoformat(), "methods": ["home_visit", "school"], "risk": "high",
            "needs": "情绪支持；学业辅导", "scores": {d: {"level": 3} for d in Domain.values}, **overrides}


def session_body(**overrides: Any) -> dict[str, Any]:
    return {"held_on": days_ago(3).isoformat(), "kind": "counselling", "minutes": 50, "participants": "孩子、祖母",
            "notes": "孩子谈到妈妈，哭了很久", **overrides}


def referral_body(**overrides: Any) -> dict[str, Any]:
    return {"kind": "medical", "receiver": "达拉特旗人民医院", "sent_on": days_ago(2).isoformat(),
            "consent_checked": True, **overrides}


# Assessments -------------------------------------------------------------------------------------------------

def test_worker_records_an_assessment_and_it_is_audited(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/assessments", assessment_body())
    assert response.status_code == 201, response.json()
    assessment = Assessment.objects.get(pk=response.json()["id"])
    assert assessment.case_id == case.pk and assessment.scores.count() == len(Domain.values)
    assert audited("create", assessment, "worker_dalate")
    assert reload(case).child.risk == "high"


def test_an_assessment_missing_a_domain_is_a_field_error_in_chinese_and_nothing_is_written(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    scores = {d: {"level": 2} for d in Domain.values if d != "safety"}
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/assessments", assessment_body(scores=scores),
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422
    message = response.json()["errors"]["scores.safety.level"][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert not Assessment.objects.filter(case=case).exists()


def test_an_unknown_domain_is_refused_under_its_key(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    scores = {**{d: {"level": 2} for d in Domain.values}, "luck": {"level": 1}}
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/assessments", assessment_body(scores=scores))
    assert response.status_code == 422 and "scores.luck" in response.json()["errors"]


def test_an_assessment_at_intake_is_refused_with_the_stage_rule(client: Client) -> None:
    case = make_case()
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/assessments", assessment_body(),
                    HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "assessment stage" in response.json()["errors"]["__all__"][0]


def test_assessments_of_another_workers_case_are_404_and_anonymous_is_401(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    url = f"/api/v1/cases/{case.pk}/assessments"
    assert post(client, "worker_etuoke", url, assessment_body()).status_code == 404
    assert post(client, None, url, assessment_body()).status_code == 401
    assert not Assessment.objects.filter(case=case).exists()


def test_bureau_official_and_read_only_token_cannot_assess(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    url = f"/api/v1/cases/{case.pk}/assessments"
    assert post(client, "bureau_dalate", url, assessment_body()).status_code == 403
    assert post(client, "worker_dalate", url, assessment_body(), scope="read").status_code == 403
    assert not Assessment.objects.filter(case=case).exists()


# Sessions ----------------------------------------------------------------------------------------------------

def test_worker_records_a_session_with_its_notes_and_it_is_audited(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/sessions", session_body())
    assert response.status_code == 201, response.json()
    session = ServiceSession.objects.get(pk=response.json()["id"])
    assert session.notes == "孩子谈到妈妈，哭了很久" and response.json()["notes"] == session.notes
    assert audited("create", session, "worker_dalate")


def test_a_session_too_short_is_refused_and_not_written(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/sessions", session_body(minutes=2),
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422 and response.json()["errors"]["minutes"]
    assert not ServiceSession.objects.filter(case=case).exists()


def test_the_notes_written_over_the_api_stay_hidden_from_the_bureau(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/sessions", session_body())
    body = client.get(f"/api/v1/cases/{case.pk}", **bearer(token_for("bureau_dalate"))).json()
    assert body["sessions"] and all(s["notes"] is None for s in body["sessions"])
    assert "哭了很久" not in str(body)


def test_bureau_official_cannot_record_a_session(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    assert post(client, "bureau_dalate", f"/api/v1/cases/{case.pk}/sessions", session_body()).status_code == 403
    assert not ServiceSession.objects.filter(case=case).exists()


# Referrals ---------------------------------------------------------------------------------------------------

def test_a_referral_is_sent_then_its_outcome_recorded(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    sent = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/referrals", referral_body())
    assert sent.status_code == 201, sent.json()
    referral = Referral.objects.get(pk=sent.json()["id"])
    assert audited("create", referral, "worker_dalate")
    done = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/referrals/{referral.pk}/status",
                {"status": "accepted", "outcome": "已安排复诊"})
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    referral.refresh_from_db()
    assert referral.outcome == "已安排复诊" and audited("update", referral, "worker_dalate")


def test_a_referral_without_the_guardians_consent_is_refused(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/referrals",
                    referral_body(consent_checked=False), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and "consent" in response.json()["errors"]["consent_checked"][0]
    assert not Referral.objects.filter(case=case).exists()


def test_a_done_referral_cannot_go_back(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    referral_id = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/referrals", referral_body()).json()["id"]
    url = f"/api/v1/cases/{case.pk}/referrals/{referral_id}/status"
    assert post(client, "worker_dalate", url, {"status": "accepted"}).status_code == 200
    assert post(client, "worker_dalate", url, {"status": "done", "outcome": "已就医"}).status_code == 200
    refused = post(client, "worker_dalate", url, {"status": "sent"})
    assert refused.status_code == 422
    assert Referral.objects.get(pk=referral_id).status == "done"


def test_a_referral_of_another_case_is_404(client: Client) -> None:
    case, other = bring_to(make_case(), Stage.ASSESSMENT), bring_to(make_case(name="李小雪"), Stage.ASSESSMENT)
    referral_id = post(client, "worker_dalate", f"/api/v1/cases/{other.pk}/referrals", referral_body()).json()["id"]
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/referrals/{referral_id}/status",
                    {"status": "accepted"})
    assert response.status_code == 404


# Transfers ---------------------------------------------------------------------------------------------------

def test_the_lead_hands_a_case_over_and_the_history_is_kept(client: Client) -> None:
    case = make_case()
    colleague = cast("worker_dalate_1")
    response = post(client, "lead_dalate", f"/api/v1/cases/{case.pk}/transfer",
                    {"to_worker_id": colleague.pk, "reason": "张敏调岗", "transferred_on": TODAY})
    assert response.status_code == 200, response.json()
    assert response.json()["worker_id"] == colleague.pk and response["ETag"]
    assert Transfer.objects.get(case=case).to_worker == colleague
    assert audited("update", case, "lead_dalate")


def test_a_worker_cannot_hand_over_their_own_case(client: Client) -> None:
    case = make_case()
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/transfer",
                    {"to_worker_id": cast("worker_dalate_1").pk, "reason": "调岗", "transferred_on": TODAY})
    assert response.status_code == 403 and not Transfer.objects.filter(case=case).exists()


def test_a_hand_over_without_a_reason_is_a_field_error_and_nothing_moves(client: Client) -> None:
    case = make_case()
    response = post(client, "lead_dalate", f"/api/v1/cases/{case.pk}/transfer",
                    {"to_worker_id": cast("worker_dalate_1").pk, "reason": "", "transferred_on": TODAY},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422 and response.json()["errors"]["reason"]
    assert reload(case).worker == cast("worker_dalate")


def test_a_hand_over_to_someone_outside_the_project_names_the_apis_field(client: Client) -> None:
    case = make_case()
    response = post(client, "lead_dalate", f"/api/v1/cases/{case.pk}/transfer",
                    {"to_worker_id": cast("worker_shuimogou").pk, "reason": "调岗", "transferred_on": TODAY})
    assert response.status_code == 422 and "to_worker_id" in response.json()["errors"]


def test_a_hand_over_with_a_stale_etag_is_412_and_nothing_moves(client: Client) -> None:
    case = make_case()
    response = post(client, "lead_dalate", f"/api/v1/cases/{case.pk}/transfer",
                    {"to_worker_id": cast("worker_dalate_1").pk, "reason": "调岗", "transferred_on": TODAY},
                    HTTP_IF_MATCH=f'"case-{case.pk}-v{case.version + 3}"')
    assert response.status_code == 412 and reload(case).worker == cast("worker_dalate")


# Closure -----------------------------------------------------------------------------------------------------

def test_closure_goes_to_the_lead_who_approves_it_over_the_api(client: Client) -> None:
    case = bring_to(make_case(), Stage.EVALUATION)
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/closure",
                    {"exit_reason": "goals_met", "summary": "目标达成，孩子开朗了许多", "follow_up_months": [1, 3]})
    assert response.status_code == 201, response.json()
    approval = Approval.objects.get(pk=response.json()["id"])
    assert approval.kind == "closure" and reload(case).stage == Stage.CLOSURE
    decided = post(client, "lead_dalate", f"/api/v1/cases/{case.pk}/approvals/{approval.pk}/decide",
                   {"decision": "approve"})
    assert decided.status_code == 200
    case = reload(case)
    assert case.stage == Stage.FOLLOW_UP and case.follow_ups.count() == 2
    assert audited("update", case, "lead_dalate")


def test_closing_with_goals_met_before_the_evaluation_is_refused(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/closure",
                    {"exit_reason": "goals_met", "summary": "目标达成"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 422 and response.json()["errors"]["exit_reason"]
    assert reload(case).stage == Stage.ASSESSMENT and not Approval.objects.filter(case=case).exists()


def test_only_the_lead_approves_a_closure(client: Client) -> None:
    case = bring_to(make_case(), Stage.CLOSURE)
    approval = Approval.objects.get(case=case, kind="closure", state="pending")
    url = f"/api/v1/cases/{case.pk}/approvals/{approval.pk}/decide"
    assert post(client, "worker_dalate", url, {"decision": "approve"}).status_code == 403
    assert reload(case).stage == Stage.CLOSURE


def test_closure_outside_the_area_is_404_read_only_is_403_and_anonymous_401(client: Client) -> None:
    case = bring_to(make_case(), Stage.EVALUATION)
    url = f"/api/v1/cases/{case.pk}/closure"
    body = {"exit_reason": "moved", "summary": "全家搬到包头"}
    assert post(client, "worker_shuimogou", url, body).status_code == 404
    assert post(client, "worker_dalate", url, body, scope="read").status_code == 403
    assert post(client, None, url, body).status_code == 401
    assert reload(case).stage == Stage.EVALUATION


def test_closure_with_a_stale_etag_is_412(client: Client) -> None:
    case = bring_to(make_case(), Stage.EVALUATION)
    response = post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/closure",
                    {"exit_reason": "moved", "summary": "全家搬到包头"}, HTTP_IF_MATCH='"case-1-v999"')
    assert response.status_code == 412 and reload(case).stage == Stage.EVALUATION


def test_session_writes_need_the_csrf_token(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    csrf_client = Client(enforce_csrf_checks=True)
    signed_in(csrf_client, "worker_dalate")
    response = csrf_client.post(f"/api/v1/cases/{case.pk}/sessions", session_body(), content_type="application/json")
    assert response.status_code in (401, 403)
    assert not ServiceSession.objects.filter(case=case).exists()


def test_case_detail_keeps_its_number_of_queries_as_work_is_added(  # type: ignore[no-untyped-def]
        client: Client, django_assert_max_num_queries) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/sessions", session_body())
    post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/referrals", referral_body())
    signed_in(client, "lead_dalate")
    url = f"/api/v1/cases/{case.pk}"
    client.get(url)
    with django_assert_max_num_queries(100) as before:
        client.get(url)
    for _ in range(3):
        post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/sessions", session_body())
        post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/referrals", referral_body())
    with django_assert_max_num_queries(100) as after:
        client.get(url)
    assert len(after.captured_queries) == len(before.captured_queries) > 0


def test_case_is_unchanged_by_a_refused_write(client: Client) -> None:
    case = bring_to(make_case(), Stage.ASSESSMENT)
    version = Case.objects.get(pk=case.pk).version
    post(client, "worker_dalate", f"/api/v1/cases/{case.pk}/closure", {"exit_reason": "nonsense"})
    assert Case.objects.get(pk=case.pk).version == version
