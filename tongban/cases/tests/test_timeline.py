"""The child's timeline: screening, file, visits and every step of the case, newest first, each linking to it."""

from datetime import date

import pytest

from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.selectors import child_timeline
from tongban.cases.tests.factories import bring_to, days_ago, make_case, reload, session
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def a_long_case():
    case = bring_to(make_case(opened_on=days_ago(60)), Stage.INTERVENTION)
    session(case, on=days_ago(30))
    session(case, on=days_ago(10))
    services.referral_send(actor=cast("worker_dalate"), case=reload(case), kind="education",
                           receiver="树林召镇中心小学", consent_checked=True, sent_on=days_ago(20))
    services.case_transfer(actor=cast("lead_dalate"), case=reload(case), to_worker=cast("worker_dalate_1"),
                           reason="张敏休产假", transferred_on=days_ago(5))
    return reload(case)


def test_the_timeline_holds_every_kind_of_case_event_in_date_order():
    case = a_long_case()

    events = child_timeline(cast("lead_dalate"), case.child)

    days = [e.day for e in events]
    assert days == sorted(days, reverse=True)
    kinds = [e.kind for e in events]
    expected = {"file_opened", "case_opened", "assessment", "plan_approved", "session", "referral", "transfer"}
    assert expected <= set(kinds)
    assert kinds.index("transfer") < kinds.index("referral") < kinds.index("case_opened")


def test_each_case_event_links_to_its_record():
    case = a_long_case()

    events = child_timeline(cast("lead_dalate"), case.child)

    links = {e.kind: e.url for e in events if e.url}
    assert links["case_opened"] == f"/cases/{case.pk}/"
    assert links["session"].startswith(f"/cases/{case.pk}/sessions/")
    assert links["referral"].startswith(f"/cases/{case.pk}/#referral-")


def test_closure_and_follow_up_visits_come_last():
    case = bring_to(make_case(opened_on=days_ago(60)), Stage.ENDED)

    kinds = [e.kind for e in child_timeline(cast("lead_dalate"), case.child)]

    assert kinds[0] == "follow_up" and "case_closed" in kinds


def test_the_file_page_shows_the_timeline_in_order(client):
    case = a_long_case()
    signed_in(client, "lead_dalate")

    response = client.get(f"/children/{case.child_id}/")

    html = response.content.decode()
    days = [e.day for e in response.context["timeline"]]
    assert days == sorted(days, reverse=True)
    assert f'href="/cases/{case.pk}/"' in html


def test_someone_who_sees_the_file_but_not_the_case_sees_no_case_event():
    case = a_long_case()

    kinds = {e.kind for e in child_timeline(cast("director_dalate"), case.child)}

    assert kinds.isdisjoint({"case_opened", "session", "assessment", "referral"})


def test_the_file_page_needs_as_many_queries_with_a_long_case_as_without(client):
    from tongban.children.tests.test_child_pages import queries_for, same_queries

    short = make_case()
    long = a_long_case()
    signed_in(client, "lead_dalate")

    assert same_queries(queries_for(client, f"/children/{short.child_id}/"),
                        queries_for(client, f"/children/{long.child_id}/"))


def test_a_case_of_today_sorts_before_older_events():
    case = make_case(opened_on=date.today())

    assert child_timeline(cast("lead_dalate"), case.child)[0].kind in ("case_opened", "file_opened")
