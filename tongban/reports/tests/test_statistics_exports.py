"""The statistics as an Excel workbook (every table, Chinese headers, totals, formula-safe) and as a PDF of the
whole page whose Chinese text can be extracted again."""

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tongban.audit.models import AuditEvent
from tongban.organisations.models import Organisation
from tongban.regions.models import Region
from tongban.reports.selectors import Period, statistics
from tongban.testing import cast, signed_in
from tongban.volunteers.tests.factories import make_volunteer

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils): `make setup`")


def this_year() -> Period:
    return Period(date(date.today().year, 1, 1), date.today())


def workbook(client, username: str = "bureau_ordos", **params):  # type: ignore[no-untyped-def]
    signed_in(client, username)
    response = client.get("/statistics/statistics.xlsx", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "no-store"
    return load_workbook(io.BytesIO(response.content))


def plain(values: list) -> list:  # type: ignore[type-arg]
    # Excel keeps numbers as floating point: 14.8 comes back as a float, compared with the Decimal shown.
    return [float(v) if isinstance(v, Decimal) else v for v in values]


def sheet_rows(sheet) -> list[list]:  # type: ignore[no-untyped-def]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_every_table_of_the_page_has_its_sheet_with_chinese_headers_and_a_totals_row(client):
    book = workbook(client)
    stats = statistics(cast("bureau_ordos"), this_year())

    assert book.sheetnames[:2] == ["概览", "项目指标"]
    assert len(book.sheetnames) == 2 + len(stats.tables)
    for table, sheet in zip(stats.tables.values(), book.worksheets[2:], strict=True):
        rows = sheet_rows(sheet)
        assert rows[0][0] == table.title
        assert rows[3] == [table.label_header, *table.columns]
        assert rows[4:4 + len(table.rows)] == [plain([r.label, *r.values]) for r in table.rows]
        total = rows[4 + len(table.rows)]
        assert total == plain(["合计", *table.total]), table.key
    assert "按区划统计儿童" in book.sheetnames
    assert book["按区划统计儿童"]["A4"].font.bold


def test_figures_are_numbers_excel_can_add_up(client):
    book = workbook(client)

    sheet = book["按捐赠人类型统计捐赠"]
    assert isinstance(sheet["B5"].value, int) and sheet["B5"].number_format == "#,##0"
    assert sheet["D5"].number_format == "#,##0.00"


def test_the_workbook_follows_the_filters_and_the_viewer_s_area(client):
    dalate = Region.objects.get(code="150621")
    book = workbook(client, "bureau_dalate")
    labels = [r[0] for r in sheet_rows(book["按区划统计儿童"])[4:]]

    assert labels and "东胜区" not in labels
    own = statistics(cast("bureau_dalate"), this_year())["children_by_region"]
    assert [r.label for r in own.rows] == labels[:len(own.rows)]
    city = workbook(client, "bureau_ordos", region=dalate.pk)
    assert sheet_rows(city["按区划统计儿童"])[4 + len(own.rows)][1:] == plain(own.total)


def test_a_team_name_that_looks_like_a_formula_is_written_as_text(client):
    team = Organisation.objects.create(name='=HYPERLINK("http://evil.example","点我")',
                                       kind=Organisation.Kind.VOLUNTEER_TEAM, region=Region.objects.get(code="150621"))
    make_volunteer("公式志愿者", team=team)

    book = workbook(client)

    cells = [c for row in book["按志愿服务队统计志愿者和服务时长"].iter_rows() for c in row if c.value]
    mine = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert mine and all(c.value.startswith("'=") and c.data_type == "s" for c in mine)


def test_each_export_is_recorded_in_the_audit_trail(client):
    before = AuditEvent.objects.filter(action="export").count()

    workbook(client, "bureau_dalate", first="2026-01-01", last="2026-06-30")

    event = AuditEvent.objects.filter(action="export").order_by("-pk").first()
    assert AuditEvent.objects.filter(action="export").count() == before + 1
    assert event.changes["statistics"] == "xlsx" and event.changes["first"] == "2026-01-01"


@pytest.mark.parametrize("url", ["/statistics/statistics.xlsx", "/statistics/statistics.pdf"])
def test_volunteers_get_no_export_and_anonymous_visitors_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    signed_in(client, "volunteer_dalate")
    assert client.get(url).status_code == 403


def test_the_page_offers_both_exports_with_its_filters(client):
    signed_in(client, "bureau_ordos")

    html = client.get("/statistics/", {"first": "2026-01-01", "last": "2026-06-30"}).content.decode()

    assert 'href="/statistics/statistics.xlsx?first=2026-01-01&amp;last=2026-06-30"' in html
    assert 'href="/statistics/statistics.pdf?first=2026-01-01&amp;last=2026-06-30"' in html


@needs_pdftotext
def test_the_pdf_holds_the_chinese_titles_and_figures_as_text(client):
    signed_in(client, "bureau_dalate")
    stats = statistics(cast("bureau_dalate"), this_year())

    response = client.get("/statistics/statistics.pdf")

    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    for expected in ("数据统计", "主要数据", "按区划统计儿童", "按性别统计儿童", "按捐赠人类型统计捐赠",
                     "项目指标完成情况", "达拉特旗", "在册儿童档案", "合计"):
        assert expected in text, expected
    lines = [line.split() for line in text.splitlines()]
    male = stats["children_by_sex"].row("M")
    assert [male.label, *map(str, male.values)] in lines
    assert "东胜区" not in text


@needs_pdftotext
def test_the_pdf_is_chinese_when_the_page_was_english(client):
    signed_in(client, "bureau_ordos")
    client.cookies["django_language"] = "en"

    response = client.get("/statistics/statistics.pdf")

    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "数据统计" in text and "Statistics" not in text
