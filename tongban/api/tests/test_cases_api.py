import pytest
from django.test import Client

from tongban.accounts.access import may_read_counselling_notes
from tongban.api.tests.helpers import api_get, bearer, token_for
from tongban.audit.models import AuditEvent
from tongban.cases.models import Case, ServiceSession
from tongban.cases.selectors import cases_visible_to
from tongban.testing import CAST, cast, signed_in

pytestmark = pytest.mark.django_db


def _page_status(client: Client, username: str, url: str) -> int:
    signed_in(client, username)
    status = client.get(url).status_code
    client.logout()
    return status


def _case_with_sessions() -> Case:
    session = ServiceSession.objects.filter(case__in=cases_visible_to(cast("lead_dalate"))).exclude(notes="").first()
    assert session is not None
    return session.case


@pytest.mark.parametrize("username", CAST)
def test_case_list_answers_like_the_page(client: Client, username: str) -> None:
    page = _page_status(client, username, "/cases/")
    assert api_get(client, username, "/api/v1/cases/").status_code == page


@pytest.mark.parametrize("username", CAST)
def test_case_answers_like_the_page(client: Client, username: str) -> None:
    case = _case_with_sessions()
    page = _page_status(client, username, f"/cases/{case.pk}/")
    assert api_get(client, username, f"/api/v1/cases/{case.pk}").status_code == page


@pytest.mark.parametrize("username", ["bureau_dalate", "lead_dalate"])
def test_counselling_notes_only_for_roles_that_may_read_them(client: Client, username: str) -> None:
    case = _case_with_sessions()
    body = api_get(client, username, f"/api/v1/cases/{case.pk}").json()
    notes = [s["notes"] for s in body["sessions"]]
    if may_read_counselling_notes(cast(username)):
        assert any(notes)
    else:
        assert notes and all(n is None for n in notes)


def test_stale_if_match_is_refused_with_412_and_nothing_moves(client: Client) -> None:
    case = cases_visible_to(cast("lead_dalate")).filter(stage="intake").first()
    assert case is not None
    response = client.post(f"/api/v1/cases/{case.pk}/move", {"to": "assessment"}, content_type="application/json",
                           HTTP_IF_MATCH=f'"case-{case.pk}-v{case.version + 7}"', **bearer(token_for("lead_dalate")))
    assert response.status_code == 412
    case.refresh_from_db()
    assert case.stage == "intake"


def test_move_with_current_etag_goes_through_the_service_and_is_audited(client: Client) -> None:
    case = cases_visible_to(cast("lead_dalate")).filter(stage="intake").first()
    assert case is not None
    key = token_for("lead_dalate")
    tag = client.get(f"/api/v1/cases/{case.pk}", **bearer(key))["ETag"]
    response = client.post(f"/api/v1/cases/{case.pk}/move", {"to": "assessment"}, content_type="application/json",
                           HTTP_IF_MATCH=tag, **bearer(key))
    assert response.status_code == 200 and response.json()["stage"] == "assessment"
    assert AuditEvent.objects.filter(target_id=str(case.pk), action="update", actor__username="lead_dalate").exists()


def test_refused_move_is_422_with_the_reason_in_the_callers_language(client: Client) -> None:
    case = cases_visible_to(cast("lead_dalate")).filter(stage="intake").first()
    assert case is not None
    response = client.post(f"/api/v1/cases/{case.pk}/move", {"to": "closure"}, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="en", **bearer(token_for("lead_dalate")))
    assert response.status_code == 422
    assert response.json()["errors"]


def test_read_only_token_cannot_move_a_case(client: Client) -> None:
    case = cases_visible_to(cast("lead_dalate")).filter(stage="intake").first()
    assert case is not None
    response = client.post(f"/api/v1/cases/{case.pk}/move", {"to": "assessment"}, content_type="application/json",
                           **bearer(token_for("lead_dalate", scope="read")))
    assert response.status_code == 403


def test_bureau_official_cannot_move_a_case_in_their_area(client: Client) -> None:
    case = cases_visible_to(cast("bureau_dalate")).filter(stage="intake").first()
    assert case is not None
    response = client.post(f"/api/v1/cases/{case.pk}/move", {"to": "assessment"}, content_type="application/json",
                           **bearer(token_for("bureau_dalate")))
    assert response.status_code == 403


def test_case_list_has_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    signed_in(client, "lead_dalate")
    # session, user, the lead's team, its region (scope), cases with their children
    with django_assert_num_queries(5):
        client.get("/api/v1/cases/?limit=2")
    with django_assert_num_queries(5):
        client.get("/api/v1/cases/?limit=200")


def test_only_the_team_lead_decides_a_plan(client: Client) -> None:
    from tongban.cases.models import Approval

    approval = Approval.objects.filter(case__in=cases_visible_to(cast("lead_dalate")), state="pending").first()
    if approval is None:
        case = Case.objects.filter(pk__in=cases_visible_to(cast("lead_dalate"))).first()
        assert case is not None
        approval = Approval.objects.create(case=case, kind="plan", submitted_by=case.worker)
    url = f"/api/v1/cases/{approval.case_id}/approvals/{approval.pk}/decide"
    body = {"decision": "return", "comment": "目标要具体"}
    refused = client.post(url, body, content_type="application/json", **bearer(token_for("pm_ordos")))
    assert refused.status_code == 403
    decided = client.post(url, body, content_type="application/json", **bearer(token_for("lead_dalate")))
    assert decided.status_code == 200 and decided.json()["state"] == "returned"
