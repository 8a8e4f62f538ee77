"""The statistics page as documents: an Excel workbook of every table and a PDF of the whole page.

Both are made from the same scoped selectors as the page, in Chinese whatever language the page was in (they are
filed and handed to funders), and hold figures only — never a child's name. Every cell of the workbook goes
through the spreadsheet guard (core/spreadsheets.py).
"""

import io
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tongban.core.pdf import html_to_pdf
from tongban.core.spreadsheets import safe_cell
from tongban.reports.selectors import Period, Statistics, Table, statistics
from tongban.reports.selectors.kpis import ProjectKpis, project_kpis

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
TOTAL_FILL = PatternFill("solid", fgColor="F1F3F6")
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOTAL_BORDER = Border(left=THIN, right=THIN, top=Side(style="medium", color="333333"), bottom=THIN)
# Characters Excel refuses in a sheet's name, and its length limit.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def filters_line(p: Period) -> str:
    # Translated apart from the f-strings: makemessages does not look inside them.
    period, region, project = _("Period"), _("region"), _("project")
    where = p.region.name if p.region else _("all of my area")
    which = p.project.name if p.project else _("all projects")
    return f"{period}: {p.first:%Y-%m-%d} – {p.last:%Y-%m-%d}；{region}: {where}；{project}: {which}"


def file_name(p: Period, extension: str) -> str:
    where = f"-{p.region.code}" if p.region else ""
    return f"statistics-{p.first:%Y%m%d}-{p.last:%Y%m%d}{where}.{extension}"


def _number_format(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return "#,##0"
    if isinstance(value, Decimal):
        places = -value.as_tuple().exponent if isinstance(value.as_tuple().exponent, int) else 0
        return "#,##0" + ("." + "0" * places if places > 0 else "")
    return None


def _sheet_name(title: str, taken: set[str]) -> str:
    name = SHEET_NAME_FORBIDDEN.sub("", title)[:SHEET_NAME_MAX].strip() or "Sheet"
    base, n = name, 2
    while name in taken:
        suffix = f" {n}"
        name, n = base[:SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _put(sheet: Worksheet, row: int, column: int, value: Any, **style: Any) -> None:
    cell = sheet.cell(row=row, column=column, value=safe_cell(value))
    number_format = _number_format(value)
    if number_format:
        cell.number_format = number_format
    for name, setting in style.items():
        setattr(cell, name, setting)


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _text_width(value: Any) -> int:
    # A Chinese character takes about two columns of Excel's width unit.
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _title(sheet: Worksheet, title: str, p: Period, columns: int) -> None:
    _put(sheet, 1, 1, title, font=Font(bold=True, size=14))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(columns, 1))
    _put(sheet, 2, 1, filters_line(p), font=Font(color="555555"))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(columns, 1))


def _table_sheet(sheet: Worksheet, table: Table, p: Period) -> None:
    headers = [table.label_header, *table.columns]
    _title(sheet, table.title, p, len(headers))
    top = 4
    for column, header in enumerate(headers, start=1):
        _put(sheet, top, column, header, font=Font(bold=True), fill=HEADER_FILL, border=BOX,
             alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    for r, row in enumerate(table.rows, start=top + 1):
        _put(sheet, r, 1, row.label, border=BOX)
        for c, value in enumerate(row.values, start=2):
            _put(sheet, r, c, value, border=BOX)
    total_row = top + 1 + len(table.rows)
    _put(sheet, total_row, 1, _("Total"), font=Font(bold=True), fill=TOTAL_FILL, border=TOTAL_BORDER)
    for c, value in enumerate(table.total, start=2):
        _put(sheet, total_row, c, value, font=Font(bold=True), fill=TOTAL_FILL, border=TOTAL_BORDER)
    if table.note:
        _put(sheet, total_row + 2, 1, table.note, font=Font(italic=True, color="555555"))
    sheet.freeze_panes = sheet.cell(row=top + 1, column=2)
    label_width = max([_text_width(table.label_header)] + [_text_width(r.label) for r in table.rows] + [8])
    _widths(sheet, [min(label_width + 2, 40)] + [max(12, min(_text_width(h) + 2, 24)) for h in table.columns])
    sheet.row_dimensions[top].height = 32


def _summary_sheet(sheet: Worksheet, stats: Statistics, p: Period, user: Any) -> None:
    _title(sheet, _("Statistics"), p, 2)
    exported_by = _("Exported by %(who)s on %(when)s") % {"who": user, "when": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    _put(sheet, 3, 1, exported_by, font=Font(color="555555"))
    _put(sheet, 5, 1, _("figure"), font=Font(bold=True), fill=HEADER_FILL, border=BOX)
    _put(sheet, 5, 2, _("value"), font=Font(bold=True), fill=HEADER_FILL, border=BOX)
    for r, (_key, label, figure, _url) in enumerate(stats.headline, start=6):
        _put(sheet, r, 1, label, border=BOX)
        _put(sheet, r, 2, figure, border=BOX)
    _widths(sheet, [36, 16])


def _kpi_sheet(sheet: Worksheet, kpis: list[ProjectKpis], p: Period) -> None:
    _title(sheet, _("Against the project's targets"), p, 9)
    r = 4
    for project in kpis:
        _put(sheet, r, 1, project.project.name, font=Font(bold=True, size=12))
        r += 1
        for column, header in enumerate([_("indicator"), _("achieved"), _("target for the period"), _("state")], 1):
            _put(sheet, r, column, header, font=Font(bold=True), fill=HEADER_FILL, border=BOX)
        for kpi in project.kpis:
            r += 1
            for column, value in enumerate([kpi.label, kpi.value, kpi.target if kpi.target else kpi.bound or "–",
                                            kpi.light_label], 1):
                _put(sheet, r, column, value, border=BOX)
        r += 2
        if project.teams:
            headers = [_("team"), *(k.label for k in project.teams[0].kpis)]
            for column, header in enumerate(headers, 1):
                _put(sheet, r, column, header, font=Font(bold=True), fill=HEADER_FILL, border=BOX,
                     alignment=Alignment(wrap_text=True, vertical="center"))
            sheet.row_dimensions[r].height = 45
            for team in project.teams:
                r += 1
                _put(sheet, r, 1, team.team.name, border=BOX)
                for column, kpi in enumerate(team.kpis, 2):
                    _put(sheet, r, column, f"{kpi.value}（{kpi.light_label}）", border=BOX)
            r += 2
    _widths(sheet, [30, 16, 16, 16, 16, 16, 16, 16, 16])


def statistics_workbook(user: Any, p: Period) -> bytes:
    """Every table of the statistics page, one sheet each, after a summary and the KPIs."""
    with translation.override(settings.LANGUAGE_CODE):
        stats = statistics(user, p)
        kpis = project_kpis(user, p, stats)
        book = Workbook()
        taken: set[str] = set()
        summary = book.active
        summary.title = _sheet_name(_("Summary"), taken)
        _summary_sheet(summary, stats, p, user)
        _kpi_sheet(book.create_sheet(_sheet_name(_("Targets"), taken)), kpis, p)
        for table in stats.tables.values():
            _table_sheet(book.create_sheet(_sheet_name(table.title, taken)), table, p)
        book.properties.title = _("Statistics")
        book.properties.creator = "Tongban"
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _bars(table: Table, column: int) -> list[tuple[str, Any, int]]:
    """Rows of a table as bars for the PDF (which runs no script): label, figure, width in per cent."""
    rows = [r for r in table.rows if r.key]
    top = max([r.values[column] for r in rows] + [0])
    return [(r.label, r.values[column], int(r.values[column] * 100 / top) if top else 0) for r in rows]


def statistics_pdf(user: Any, p: Period, *, now: datetime | None = None) -> bytes:
    """The whole statistics page on A4: key figures, KPIs, a bar chart by region and every table."""
    with translation.override(settings.LANGUAGE_CODE):
        stats = statistics(user, p)
        html = render_to_string("reports/print/statistics.html", {
            "stats": stats, "kpis": project_kpis(user, p, stats), "period": p, "filters": filters_line(p),
            "bars": _bars(stats["children_by_region"], 0), "printed_by": user,
            "printed_at": timezone.localtime(now) if now else timezone.localtime(),
        })
        return html_to_pdf(html)


def report_pdf(title: str, paragraphs: list[str], *, user: Any) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return html_to_pdf(render_to_string("reports/print/report.html", {
            "title": title, "paragraphs": paragraphs, "printed_by": user, "printed_at": timezone.localtime()}))


def report_docx(title: str, paragraphs: list[str]) -> bytes:
    """The report as a Word document (.docx), in a Chinese body font with the first line of each paragraph
    indented by two characters, as Chinese reports are set."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    for style_name, size in (("Normal", 12), ("Title", 18)):
        style = document.styles[style_name]
        style.font.name = "SimSun" if style_name == "Normal" else "SimHei"
        style.font.size = Pt(size)
        # Word takes the font of Chinese text from the East Asian slot, not from the name above.
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体" if size == 12 else "黑体")
    heading = document.add_paragraph(title, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(24)
        paragraph.paragraph_format.line_spacing = 1.5
    document.core_properties.title = title
    document.core_properties.author = "Tongban"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
