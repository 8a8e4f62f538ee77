"""The drafted project report: the period's figures in Chinese prose, illustrative closed cases under pseudonyms,
edited and exported to Word and PDF — and no real name of a child, ever, even one typed in while editing."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document

from tongban.audit.models import AuditEvent
from tongban.cases import services
from tongban.cases.tests.factories import bring_to, make_case, reload
from tongban.children.models import Child
from tongban.children.tests.factories import make_child, make_family
from tongban.reports.drafting import draft_report, guard_names
from tongban.reports.selectors import Period, statistics
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


def this_year() -> Period:
    return Period(date(date.today().year, 1, 1), date.today())


@pytest.fixture
def ziqi_closed():  # type: ignore[no-untyped-def]
    """王子琪 (小琪): mother dead, father mentally ill; closed with goals met, the summary naming her and her father."""
    child = make_child(name="王子琪", pseudonym="小琪")
    make_family(child, father={"name": "王建国", "health": "精神疾病"},
                mother={"name": "李秀英", "life_status": "dead"})
    case = bring_to(make_case(child=child), "closure")
    services.approval_decide(actor=cast("lead_dalate"), approval=case.approvals.get(state="pending", kind="closure"),
                             approve=True)
    reloaded = reload(case)
    reloaded.closure_summary = "王子琪由沉默寡言变得开朗健谈，子琪说王建国也常来看她"
    reloaded.save(update_fields=["closure_summary"])
    return Child.objects.get(pk=child.pk)


def test_the_draft_states_the_figures_of_the_period_in_chinese():
    stats = statistics(cast("bureau_dalate"), this_year())

    draft = draft_report(cast("bureau_dalate"), this_year())

    text = draft.text
    assert "报告" in draft.title and "达拉特旗" in text
    assert f"在册儿童档案{stats['children_by_region'].total[0]:,}份" in text
    assert f"举办各类服务活动{stats['activities_by_type'].total[0]:,}场" in text
    assert f"服务{stats['activities_by_type'].total[3]:,}人次" in text
    money, goods = stats["donations_by_donor_kind"].total[2:4]
    assert f"{money + goods:,.2f}元" in text


def test_a_closed_case_is_told_under_its_pseudonym_and_no_name_appears(ziqi_closed):
    draft = draft_report(cast("bureau_dalate"), this_year())

    assert "小琪（化名）" in draft.text
    for name in ("王子琪", "子琪", "王建国", "李秀英"):
        assert name not in draft.text, name
    assert "父亲也常来看她" in draft.text


def test_no_real_name_of_any_child_appears_in_the_draft():
    draft = draft_report(cast("bureau_ordos"), this_year())

    names = [n for n in Child.objects.values_list("name", flat=True) if len(n) >= 2]
    assert names and not [n for n in names if n in draft.text]


def test_a_name_typed_while_editing_is_replaced_by_the_pseudonym_on_export(ziqi_closed):
    assert guard_names(cast("bureau_dalate"), "感谢王子琪和子琪的奶奶") == "感谢小琪和小琪的奶奶"


def test_the_report_page_offers_the_draft_to_edit(client):
    signed_in(client, "bureau_ordos")

    response = client.get("/statistics/report/")

    assert response.status_code == 200
    assert "鄂尔多斯市困境儿童关爱服务项目" in response.context["form"].initial["title"]
    assert b'name="format" value="docx"' in response.content


def export(client, kind: str, text: str, username: str = "bureau_dalate"):  # type: ignore[no-untyped-def]
    signed_in(client, username)
    response = client.post("/statistics/report/export/", {"title": "达拉特旗困境儿童关爱服务报告", "text": text,
                                                           "format": kind})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response


def test_the_word_export_holds_the_edited_paragraphs_and_no_name(client, ziqi_closed):
    response = export(client, "docx", "第一段：王子琪的进步很大。\r\n\r\n第二段：感谢各方支持。")

    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs == ["达拉特旗困境儿童关爱服务报告", "第一段：小琪的进步很大。", "第二段：感谢各方支持。"]
    assert response["Content-Disposition"].startswith("attachment") and ".docx" in response["Content-Disposition"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils): `make setup`")
def test_the_pdf_export_prints_the_chinese_text_and_no_name(client, ziqi_closed):
    response = export(client, "pdf", "孩子王子琪经8次服务后开朗健谈。\n\n共募集爱心款物20万元。")

    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "达拉特旗困境儿童关爱服务报告" in text and "共募集爱心款物20万元" in text
    assert "小琪" in text and "王子琪" not in text and "子琪" not in text.replace("小琪", "")


def test_each_report_export_is_recorded(client):
    before = AuditEvent.objects.filter(action="export").count()

    export(client, "docx", "一段。")

    assert AuditEvent.objects.filter(action="export").count() == before + 1


def test_an_empty_report_or_an_unknown_format_is_refused(client):
    signed_in(client, "bureau_dalate")

    url = "/statistics/report/export/"
    assert client.post(url, {"title": "报告", "text": "", "format": "pdf"}).status_code == 400
    assert client.post(url, {"title": "报告", "text": "一段", "format": "exe"}).status_code == 400


@pytest.mark.parametrize("url", ["/statistics/report/", "/statistics/report/export/"])
def test_volunteers_get_no_report_and_anonymous_visitors_sign_in(client, url):
    response = client.post(url, {"title": "报告", "text": "一段", "format": "pdf"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    signed_in(client, "volunteer_dalate")
    assert client.post(url, {"title": "报告", "text": "一段", "format": "pdf"}).status_code in (403, 405)
    assert client.get(url).status_code in (403, 405)
