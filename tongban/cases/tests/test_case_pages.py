"""The pages of case work: who may open what (allowed, 404 out of scope, 403 read-only, sign-in), and what they show."""

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.models import Case
from tongban.cases.tests.factories import bring_to, make_case, pending, reload, session
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db

READ_PAGES = ["", "sessions/{session}"]
WRITE_PAGES = ["edit", "assessments/new", "plan", "sessions/new", "referrals/new", "close"]
POSTS = ["move", "plan/submit", "approvals/{approval}", "referrals/{referral}", "tasks/{task}/done"]


def a_case() -> tuple[Case, dict[str, int]]:
    """A Dalate case in intervention, with one of everything a page can point at."""
    case = bring_to(make_case(), Stage.INTERVENTION)
    s = session(case)
    referral = services.referral_send(actor=cast("worker_dalate"), case=reload(case), kind="medical",
                                      receiver="达拉特旗人民医院", consent_checked=True)
    task = case.plan.goals.get().tasks.get()
    approval = case.approvals.get()
    return case, {"session": s.pk, "referral": referral.pk, "task": task.pk, "approval": approval.pk}


def url(case: Case, path: str, ids: dict[str, int] | None = None) -> str:
    path = path.format(**(ids or {}))
    return f"/cases/{case.pk}/{path}/" if path else f"/cases/{case.pk}/"


def shows(response: Any, message: str) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(message)
    content = response.content.decode()
    return text in content or escape(text) in content


@pytest.mark.parametrize("username", ["worker_dalate", "lead_dalate", "pm_ordos", "admin"])
@pytest.mark.parametrize("path", READ_PAGES + WRITE_PAGES)
def test_the_worker_the_lead_and_the_project_admin_open_every_page_of_a_case(client, username, path):
    case, ids = a_case()
    signed_in(client, username)

    assert client.get(url(case, path, ids)).status_code == 200


@pytest.mark.parametrize("username", ["worker_etuoke", "lead_etuoke", "worker_shuimogou", "volunteer_dalate",
                                      "director_dalate", "worker_dalate_1"])
@pytest.mark.parametrize("path", READ_PAGES + WRITE_PAGES + ["transfer"])
def test_a_case_outside_ones_area_is_not_found(client, username, path):
    case, ids = a_case()
    signed_in(client, username)

    assert client.get(url(case, path, ids)).status_code == 404


@pytest.mark.parametrize("username", ["worker_etuoke", "bureau_dalate"])
@pytest.mark.parametrize("path", POSTS)
def test_actions_on_a_case_are_refused_outside_ones_area_or_to_readers(client, username, path):
    case, ids = a_case()
    signed_in(client, username)

    response = client.post(url(case, path, ids), {"to": "evaluation", "status": "accepted", "decision": "approve"})

    assert response.status_code == (404 if username == "worker_etuoke" else 403)
    assert reload(case).stage == Stage.INTERVENTION


@pytest.mark.parametrize("username", ["bureau_ordos", "bureau_dalate"])
def test_the_bureau_reads_a_case_of_its_region(client, username):
    case, ids = a_case()
    signed_in(client, username)

    assert client.get(url(case, "")).status_code == 200
    assert client.get(url(case, "sessions/{session}", ids)).status_code == 200


@pytest.mark.parametrize("path", WRITE_PAGES + ["transfer"])
def test_the_bureau_cannot_open_the_pages_that_change_a_case(client, path):
    case, ids = a_case()
    signed_in(client, "bureau_ordos")

    assert client.get(url(case, path, ids)).status_code == 403


def test_only_the_lead_and_the_project_admin_hand_a_case_over(client):
    case, _ids = a_case()

    signed_in(client, "worker_dalate")
    assert client.get(url(case, "transfer")).status_code == 403
    signed_in(client, "lead_dalate")
    assert client.get(url(case, "transfer")).status_code == 200


@pytest.mark.parametrize("path", READ_PAGES + WRITE_PAGES + ["transfer"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    case, ids = a_case()

    response = client.get(url(case, path, ids))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_visitors_cannot_list_open_or_post(client):
    case, ids = a_case()

    for response in (client.get("/cases/"), client.get(f"/cases/open/{case.child_id}/"),
                     client.post(url(case, "move"), {"to": "evaluation"})):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_list_shows_the_workers_cases_and_not_a_colleagues(client):
    mine = make_case()
    theirs = make_case(worker="worker_dalate_1")
    signed_in(client, "worker_dalate")

    shown = {c.pk for c in client.get("/cases/").context["page"]}

    assert mine.pk in shown and theirs.pk not in shown


def test_a_volunteer_and_a_child_director_see_no_case_in_the_list(client):
    make_case()
    for username in ("volunteer_dalate", "director_dalate"):
        signed_in(client, username)
        response = client.get("/cases/")
        assert response.status_code == 403 or not list(response.context["page"])


def test_opening_a_case_from_the_childs_file(client):
    case = make_case()
    child = case.child
    services.closure_submit(actor=cast("worker_dalate"), case=reload(case), exit_reason="refused",
                            summary="家长拒绝继续服务", follow_up_months=[])
    services.approval_decide(actor=cast("lead_dalate"), approval=pending(case, "closure"), approve=True)
    signed_in(client, "worker_dalate")

    response = client.post(f"/cases/open/{child.pk}/", {
        "worker": cast("worker_dalate").pk, "opened_on": "2026-01-05", "source": "family", "reason": "家长再次求助"})

    assert response.status_code == 302
    assert Case.objects.filter(child=child, stage="intake", source="family").exists()


def test_the_bureau_cannot_open_a_case(client):
    case = make_case()
    signed_in(client, "bureau_ordos")

    assert client.get(f"/cases/open/{case.child_id}/").status_code == 403


def test_the_case_page_says_after_how_many_sessions(client):
    case = bring_to(make_case(), Stage.INTERVENTION)
    for _ in range(8):
        session(case)
    signed_in(client, "worker_dalate")
    client.cookies["django_language"] = "en"

    response = client.get(url(case, ""))

    assert "after 8 sessions" in response.content.decode()


# Editing the same case in two browsers


def edit_form(case: Case, **changes: Any) -> dict[str, Any]:
    data = {"opened_on": case.opened_on.isoformat(), "source": case.source, "reason": case.reason,
            "version": case.version}
    data.update(changes)
    return data


def test_the_second_save_of_the_same_case_is_refused_and_shows_what_changed(client):
    case = make_case()
    stale = edit_form(case, reason="孩子在学校被欺负，祖母请求帮助")
    services.case_update(actor=cast("lead_dalate"), case=reload(case), version=case.version, reason="学校老师转介")
    signed_in(client, "worker_dalate")

    response = client.post(url(case, "edit"), stale)

    assert response.status_code == 409
    assert shows(response, services.CONFLICT_MESSAGE)
    assert "孩子在学校被欺负，祖母请求帮助" in response.content.decode()
    assert "学校老师转介" in response.content.decode()
    assert reload(case).reason == "学校老师转介"


def test_saving_again_after_the_conflict_keeps_the_typed_text(client):
    case = make_case()
    stale = edit_form(case, reason="孩子在学校被欺负")
    services.case_update(actor=cast("lead_dalate"), case=reload(case), version=case.version, reason="学校老师转介")
    signed_in(client, "worker_dalate")

    retry = client.post(url(case, "edit"), stale).context["form"].data

    assert client.post(url(case, "edit"), retry).status_code == 302
    assert reload(case).reason == "孩子在学校被欺负"


def test_a_stage_button_pressed_on_an_old_page_is_refused(client):
    case = bring_to(make_case(), Stage.INTAKE)
    old_version = case.version
    services.case_update(actor=cast("lead_dalate"), case=reload(case), version=case.version, reason="补充情况")
    signed_in(client, "worker_dalate")

    client.post(url(case, "move"), {"to": "assessment", "version": old_version})

    assert reload(case).stage == Stage.INTAKE


# Query counts do not grow with the length of the case


def queries_for(client: Client, path: str) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return captured


def same_queries(few: CaptureQueriesContext, many: CaptureQueriesContext) -> bool:
    if len(few) != len(many):
        print("\n".join(q["sql"] for q in few.captured_queries), "\n---\n",
              "\n".join(q["sql"] for q in many.captured_queries))
    return len(few) == len(many)


@pytest.mark.parametrize("username", ["worker_dalate", "bureau_ordos"])
def test_the_case_page_needs_as_many_queries_with_10_sessions_as_with_1(client, username):
    short, long = bring_to(make_case(), Stage.INTERVENTION), bring_to(make_case(), Stage.INTERVENTION)
    session(short)
    for _ in range(10):
        session(long)
    signed_in(client, username)

    assert same_queries(queries_for(client, url(short, "")), queries_for(client, url(long, "")))


def test_the_case_list_needs_as_many_queries_for_12_cases_as_for_2(client):
    signed_in(client, "lead_dalate")
    Case.objects.all().delete()
    for _ in range(2):
        make_case()
    few = queries_for(client, "/cases/")
    for _ in range(10):
        session(bring_to(make_case(), Stage.INTERVENTION))

    assert same_queries(few, queries_for(client, "/cases/"))


def test_the_case_list_shows_each_cases_own_number_of_sessions(client):
    signed_in(client, "lead_dalate")
    Case.objects.all().delete()
    none, three = make_case(), bring_to(make_case(), Stage.INTERVENTION)
    for _ in range(3):
        session(three)

    listed = {c.pk: c.session_count for c in client.get("/cases/").context["page"]}
    assert listed == {none.pk: 0, three.pk: three.sessions.count()} and listed[three.pk] >= 3


def test_the_case_list_pages_newest_first_and_says_when_more_cases_match_than_it_lists(client, monkeypatch):
    monkeypatch.setattr("tongban.core.paging.LIST_CAP", 2)
    monkeypatch.setattr("tongban.cases.views.PAGE_SIZE", 1)
    signed_in(client, "lead_dalate")
    Case.objects.all().delete()
    cases = [make_case() for _ in range(3)]
    Case.objects.filter(pk=cases[0].pk).update(opened_on="2026-01-05")
    Case.objects.filter(pk=cases[1].pk).update(opened_on="2026-03-05")
    Case.objects.filter(pk=cases[2].pk).update(opened_on="2026-02-05")

    first, second = client.get("/cases/"), client.get("/cases/?page=2")
    assert [c.pk for c in first.context["page"]] == [cases[1].pk]
    assert [c.pk for c in second.context["page"]] == [cases[2].pk]
    with translation.override(settings.LANGUAGE_CODE):
        says = gettext("More than %(cap)s cases match; the list shows the first %(cap)s. Choose a stage or only "
                       "your cases to see the others.") % {"cap": 2}
    assert escape(says) in first.content.decode() and first.context["page"].paginator.num_pages == 2
    assert sum(n for _value, _label, n in first.context["stages"]) == 3


@pytest.mark.parametrize(("username", "status"), [
    ("worker_dalate", 200), ("lead_dalate", 200), ("worker_etuoke", 404), ("volunteer_dalate", 404),
    ("bureau_ordos", 403)])
def test_the_follow_up_visit_page(client, username, status):
    case = bring_to(make_case(), Stage.FOLLOW_UP)
    visit = case.follow_ups.first()
    signed_in(client, username)

    assert client.get(f"/cases/{case.pk}/follow-ups/{visit.pk}/").status_code == status


def test_anonymous_visitors_are_sent_to_sign_in_from_the_follow_up_page(client):
    case = bring_to(make_case(), Stage.FOLLOW_UP)

    response = client.get(f"/cases/{case.pk}/follow-ups/{case.follow_ups.first().pk}/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("username", "status"), [
    ("worker_dalate", 200), ("lead_dalate", 200), ("worker_etuoke", 404), ("bureau_ordos", 403)])
def test_the_page_that_opens_a_case(client, username, status):
    from tongban.children.tests.factories import make_child

    child = make_child()
    signed_in(client, username)

    assert client.get(f"/cases/open/{child.pk}/").status_code == status


def test_the_follow_up_visit_is_recorded_from_its_page(client):
    case = bring_to(make_case(), Stage.FOLLOW_UP)
    visit = case.follow_ups.first()
    signed_in(client, "worker_dalate")

    response = client.post(f"/cases/{case.pk}/follow-ups/{visit.pk}/", {
        "done_on": case.closed_on.isoformat(), "notes": "孩子在校表现稳定"})

    assert response.status_code == 302
    assert case.follow_ups.get(pk=visit.pk).done_on == case.closed_on
