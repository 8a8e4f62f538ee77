"""The printable child file (一人一档) and case file: what is printed, for whom, and what never is."""

import shutil
import subprocess

import pytest

from tongban.audit.models import AuditEvent
from tongban.cases import services
from tongban.cases.tests.factories import bring_to, make_case, reload, session
from tongban.children.models import Child
from tongban.children.tests.factories import make_child, make_family
from tongban.testing import cast, signed_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils): `make setup`"),
]

NOTE = "子琪谈到妈妈，哭了很久；约定下周再见"


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def ziqi():  # type: ignore[no-untyped-def]
    """王子琪, 8, in intervention: mother dead, father mentally ill, grandmother her guardian (DOMAIN.md)."""
    child = make_child(name="王子琪", pseudonym="小琪", address="树林召镇大树湾村三社12号", school="树林召中心小学",
                       grade="二年级")
    make_family(child, father={"name": "王建国", "health": "精神疾病"},
                mother={"name": "李秀英", "life_status": "dead"},
                p_grandmother={"name": "张桂兰", "is_guardian": True, "phone": "13800001234"})
    case = bring_to(make_case(child=child), "intervention")
    session(case, notes=NOTE)
    services.referral_send(actor=cast("worker_dalate"), case=reload(case), kind="welfare", receiver="达拉特旗民政局",
                           consent_checked=True, notes="申请事实无人抚养儿童补贴")
    return Child.objects.get(pk=child.pk), case


def printed(client, username: str, url: str) -> str:  # type: ignore[no-untyped-def]
    signed_in(client, username)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    return text_of(response.content)


def test_the_team_lead_prints_the_whole_file_in_chinese(client, ziqi):
    child, _case = ziqi
    text = printed(client, "lead_dalate", f"/children/{child.pk}/print.pdf")
    for expected in ("一人一档", "王子琪", "树林召镇大树湾村三社12号", "王建国", "张桂兰", "家庭", "情绪支持",
                     "帮助孩子走出创伤", "能说出自己的感受", "达拉特旗民政局", NOTE[:8], child.id_masked,
                     "138****1234"):
        assert expected in text, expected


def test_the_printed_file_never_holds_the_full_id_number_or_phone(client, ziqi):
    child, _case = ziqi
    text = printed(client, "lead_dalate", f"/children/{child.pk}/print.pdf")
    assert child.id_number() not in text and child.id_number()[6:14] not in text
    assert "13800001234" not in text


def test_a_bureau_official_gets_the_file_without_counselling_notes(client, ziqi):
    child, _case = ziqi
    text = printed(client, "bureau_dalate", f"/children/{child.pk}/print.pdf")
    assert "王子琪" in text and "情绪支持" in text
    assert NOTE[:8] not in text and "哭了很久" not in text


def test_a_file_outside_ones_area_is_not_found(client, ziqi):
    child, case = ziqi
    for username in ("worker_etuoke", "worker_shuimogou", "volunteer_dalate"):
        signed_in(client, username)
        assert client.get(f"/children/{child.pk}/print.pdf").status_code == 404
        assert client.get(f"/cases/{case.pk}/print.pdf").status_code == 404


def test_a_child_director_prints_the_file_of_their_village_but_no_case(client, ziqi):
    child, case = ziqi
    signed_in(client, "director_dalate")
    if client.get(f"/children/{child.pk}/").status_code == 200:
        text = text_of(client.get(f"/children/{child.pk}/print.pdf").content)
        assert "王子琪" in text and "帮助孩子走出创伤" not in text
    assert client.get(f"/cases/{case.pk}/print.pdf").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, ziqi):
    child, case = ziqi
    for url in (f"/children/{child.pk}/print.pdf", f"/cases/{case.pk}/print.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_printing_a_file_is_recorded_like_opening_it(client, ziqi):
    child, case = ziqi
    printed(client, "lead_dalate", f"/children/{child.pk}/print.pdf?outsiders=1")
    printed(client, "lead_dalate", f"/cases/{case.pk}/print.pdf")
    events = AuditEvent.objects.filter(actor=cast("lead_dalate"), action=AuditEvent.Action.VIEW).order_by("-pk")[:2]
    assert [(e.target_type, e.target_id, e.changes) for e in events] == [
        ("cases.case", str(case.pk), {"printed": "pdf", "for_outsiders": False}),
        ("children.child", str(child.pk), {"printed": "pdf", "for_outsiders": True})]


def test_the_case_file_prints_the_case_with_its_childs_basics(client, ziqi):
    child, _case = ziqi
    text = printed(client, "worker_dalate", f"/cases/{_case.pk}/print.pdf")
    for expected in ("个案档案", "王子琪", "祖父母求助", "情绪支持", "能说出自己的感受", NOTE[:8], "达拉特旗民政局"):
        assert expected in text, expected


@pytest.mark.parametrize("kind", ["child", "case"])
def test_a_file_for_outsiders_holds_no_real_name_id_phone_or_address(client, ziqi, kind):
    child, case = ziqi
    url = f"/children/{child.pk}/print.pdf" if kind == "child" else f"/cases/{case.pk}/print.pdf"
    text = printed(client, "lead_dalate", url + "?outsiders=1")
    assert "小琪" in text and "达拉特旗" in text
    for secret in ("王子琪", "子琪", "王建国", "李秀英", "张桂兰", "树林召", "大树湾", child.id_number(),
                   child.id_masked, "1234", "哭了很久"):
        assert secret not in text, secret
