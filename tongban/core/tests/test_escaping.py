"""Whatever people type — notes, names, file names — is shown as text, never run as HTML or script."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.cases import services
from tongban.cases.choices import Stage
from tongban.cases.tests.factories import bring_to, make_case, session
from tongban.children.models import Child
from tongban.children.tests.factories import make_member
from tongban.testing import signed_in

pytestmark = pytest.mark.django_db

ATTACK = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
# A file name keeps no "/" (the upload handler cuts the path off), so no closing tag.
ATTACK_NAME = '"><img src=x onerror=alert(1)><b onmouseover=alert(3)>.pdf'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_shown_as_text(html: str) -> None:
    assert "<script>alert(2)" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def a_child_named_by_an_attacker() -> Child:
    case = make_case()
    # As if it came in through a spreadsheet: the name is stored as it was typed.
    Child.objects.filter(pk=case.child_id).update(name="小雨" + ATTACK)
    return Child.objects.get(pk=case.child_id)


def test_session_notes_are_shown_as_text(client):
    case = bring_to(make_case(), Stage.INTERVENTION)
    s = session(case, notes="家访记录" + ATTACK)
    signed_in(client, "worker_dalate")

    html = client.get(f"/cases/{case.pk}/sessions/{s.pk}/").content.decode()

    assert_shown_as_text(html)


def test_a_childs_name_is_shown_as_text_on_the_file_the_list_and_the_search(client):
    child = a_child_named_by_an_attacker()
    signed_in(client, "lead_dalate")

    for url in (f"/children/{child.pk}/", "/children/", "/children/?q=小雨", f"/cases/?q={child.name}"):
        assert_shown_as_text(client.get(url).content.decode())


def test_a_family_members_name_is_shown_as_text(client):
    child = a_child_named_by_an_attacker()
    make_member(child, "p_grandmother", name="王" + ATTACK)
    signed_in(client, "lead_dalate")

    assert_shown_as_text(client.get(f"/children/{child.pk}/").content.decode())


def test_an_attachments_file_name_is_shown_as_text_and_sent_as_an_attachment_name(client):
    case = bring_to(make_case(), Stage.INTERVENTION)
    s = session(case)
    kept = services.attachment_add(actor=case.worker, session=s,
                                   upload=SimpleUploadedFile(ATTACK_NAME, PDF, content_type="application/pdf"))
    signed_in(client, "worker_dalate")

    assert_shown_as_text(client.get(f"/cases/{case.pk}/sessions/{s.pk}/").content.decode())
    response = client.get(f"/cases/attachments/{kept.pk}/")
    assert response.status_code == 200
    # Downloaded, not shown; the name's quote escaped, so it cannot end the header's filename early.
    assert response["Content-Disposition"].startswith('attachment; filename="\\"><img')
    assert response["X-Content-Type-Options"] == "nosniff"
