"""Counselling notes are for the people doing the case work: never for bureau officials or volunteers."""

import pytest

from tongban.accounts.access import may_read_counselling_notes
from tongban.cases.choices import Stage
from tongban.cases.selectors import sessions_of
from tongban.cases.tests.factories import bring_to, make_case, session
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db

NOTE = "孩子第一次主动说起妈妈去世那天的事"


def a_case_with_a_note():
    case = bring_to(make_case(), Stage.INTERVENTION)
    return case, session(case, notes=NOTE)


@pytest.mark.parametrize("username", ["worker_dalate", "lead_dalate", "pm_ordos"])
def test_the_case_workers_read_the_notes(client, username):
    case, s = a_case_with_a_note()
    signed_in(client, username)

    assert NOTE in client.get(f"/cases/{case.pk}/sessions/{s.pk}/").content.decode()
    assert NOTE in client.get(f"/cases/{case.pk}/").content.decode()


@pytest.mark.parametrize("username", ["bureau_ordos", "bureau_dalate"])
def test_the_bureau_sees_the_session_but_never_its_notes(client, username):
    case, s = a_case_with_a_note()
    signed_in(client, username)

    detail = client.get(f"/cases/{case.pk}/")
    page = client.get(f"/cases/{case.pk}/sessions/{s.pk}/")

    assert detail.status_code == page.status_code == 200
    assert NOTE not in detail.content.decode() and NOTE not in page.content.decode()


def test_the_bureau_finds_no_note_in_the_case_list_or_the_childs_timeline(client):
    case, _s = a_case_with_a_note()
    signed_in(client, "bureau_ordos")

    assert NOTE not in client.get("/cases/").content.decode()
    assert NOTE not in client.get(f"/children/{case.child_id}/").content.decode()


def test_a_volunteer_sees_neither_the_case_nor_its_notes(client):
    case, s = a_case_with_a_note()
    signed_in(client, "volunteer_dalate")

    assert client.get(f"/cases/{case.pk}/sessions/{s.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_the_session_list_of_the_bureau_does_not_even_load_the_notes():
    case, _s = a_case_with_a_note()

    loaded = sessions_of(cast("bureau_ordos"), case).get()

    assert "notes" in loaded.get_deferred_fields()
    assert "notes" not in sessions_of(cast("worker_dalate"), case).get().get_deferred_fields()


@pytest.mark.parametrize(("username", "reads"), [
    ("worker_dalate", True), ("lead_dalate", True), ("pm_ordos", True), ("admin", True),
    ("bureau_ordos", False), ("bureau_dalate", False), ("volunteer_dalate", False), ("director_dalate", False)])
def test_the_access_door_decides_who_reads_counselling_notes(username, reads):
    assert may_read_counselling_notes(cast(username)) is reads
