"""Reading an uploaded ledger: is it an xlsx we can read, where is its header row, what is in the cells.

Cells are read with python-calamine (values, fast). Two things calamine does not
tell us are read from the file itself, cheaply: which cells hold formulas (a
scan of the sheet's XML for <f> elements) and which cells are merged.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from tongban.children.screening.columns import field_for_header

HEADER_SEARCH_ROWS = 5
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls (and other Office 97-2003 files)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_OR_FORMULA = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"|<(?:\w+:)?f[\s>/]')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


class FileRefused(Exception):
    """The file cannot be imported at all; the message says why, for the person who uploaded it."""


@dataclass
class Sheet:
    name: str
    header_row: int  # 0-based index into rows; Excel row number is index + 1
    headers: list[str]
    rows: list[list[Any]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row index, column index), 0-based

    def letter(self, col: int) -> str:
        return get_column_letter(col + 1)


def max_upload_bytes() -> int:
    return int(settings.SCREENING_MAX_UPLOAD_MB) * 1024 * 1024


def check_size(size: int) -> None:
    limit = int(settings.SCREENING_MAX_UPLOAD_MB)
    if size > limit * 1024 * 1024:
        raise FileRefused(_("The file is %(size).1f MB, more than the limit of %(limit)d MB. "
                            "Split the ledger into several files and upload them one by one.")
                          % {"size": size / 1024 / 1024, "limit": limit})


def read_ledger(data: bytes) -> Sheet:
    """The sheet that holds the ledger, or FileRefused with a message a social worker understands."""
    check_size(len(data))
    if not data:
        raise FileRefused(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise FileRefused(_("This is an old-style Excel file (.xls). Open it in Excel or WPS, choose "
                            "“Save as” → “Excel workbook (*.xlsx)” and upload the new file."))
    if not data.startswith(ZIP_MAGIC):
        raise FileRefused(_("This file is not an Excel workbook (.xlsx). Download the template, "
                            "or save your ledger as an Excel workbook (*.xlsx), and upload that."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if "xl/workbook.xml" not in archive.namelist():
            raise FileRefused(_("This file is not an Excel workbook (.xlsx). Download the template, "
                                "or save your ledger as an Excel workbook (*.xlsx), and upload that."))
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except FileRefused:
        raise
    except Exception:  # zipfile and calamine raise many kinds of errors for a damaged file
        raise FileRefused(_("The workbook cannot be read: it may be damaged or protected by a password. "
                            "Open it in Excel or WPS, save it again as .xlsx, and upload it again.")) from None
    with workbook:
        best: tuple[int, str, int] | None = None
        sheets = {}
        for meta in workbook.sheets_metadata:
            if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
                continue
            # Loading a sheet parses all of it: keep it for reading the rows.
            sheets[meta.name] = workbook.get_sheet_by_name(meta.name)
            top = sheets[meta.name].to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)
            for index, row in enumerate(top):
                hits = sum(1 for cell in row if isinstance(cell, str) and field_for_header(cell))
                if hits >= 2 and (best is None or hits > best[0]):
                    best = (hits, meta.name, index)
        if best is None:
            raise FileRefused(_("No header row was found. The first five rows of the sheet must include a row of "
                                "column names such as 姓名, 性别, 出生日期 and 所属村（社区）. "
                                "Download the template to see the expected columns."))
        _hits, name, header_row = best
        sheet = sheets[name]
        rows = sheet.to_python(skip_empty_area=False)
        merged = list(sheet.merged_cell_ranges or [])
    width = max((len(r) for r in rows[: header_row + 1]), default=0)
    headers = [_text(c) for c in rows[header_row]] + [""] * (width - len(rows[header_row]))
    return Sheet(name=name, header_row=header_row, headers=headers, rows=rows, merged=merged,
                 formulas=_formula_cells(archive, name))


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _sheet_path(archive: zipfile.ZipFile, name: str) -> str | None:
    """Where the named sheet's XML lives inside the workbook."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    rel_id = None
    for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
        if sheet.get("name") == name:
            rel_id = sheet.get(f"{{{_NS['r']}}}id")
    for rel in rels.iterfind("p:Relationship", _NS):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _formula_cells(archive: zipfile.ZipFile, name: str) -> set[tuple[int, int]]:
    """Cells holding formulas. Read in chunks: most sheets have none, and then this is one quick pass."""
    path = _sheet_path(archive, name)
    if path is None or path not in archive.namelist():
        return set()
    found: set[tuple[int, int]] = set()
    tail = b""
    with archive.open(path) as stream:
        while chunk := stream.read(1 << 20):
            buffer = tail + chunk
            if _FORMULA.search(buffer):
                cell: tuple[int, int] | None = None
                for match in _CELL_OR_FORMULA.finditer(buffer):
                    if match.group(1):
                        cell = (int(match.group(2)) - 1, _column_index(match.group(1).decode()))
                    elif cell is not None:  # a formula belongs to the last cell opened before it
                        found.add(cell)
            # Keep the end of the chunk: a cell's opening tag may be cut in two.
            cut = buffer.rfind(b"<c ")
            tail = buffer[cut:] if cut >= 0 and len(buffer) - cut < 4096 else buffer[-256:]
    return found


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1
