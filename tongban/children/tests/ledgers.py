"""Small screening ledgers written with openpyxl, the way a county office keeps one: a merged title row,
Chinese headers in the county's own words, dates spelled several ways."""

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from tongban.children.tests.factories import born_years_ago, id_number

# A county's own layout (as in Dalate's ledgers), not Tongban's template.
COUNTY_HEADERS = ["序号", "儿童姓名", "性别", "民族", "出生年月", "公民身份号码", "户籍性质", "所属乡镇（街道）",
                  "所属村（社区）", "现住址", "困境类型", "父亲姓名", "父亲状况", "母亲姓名", "母亲状况", "监护人姓名",
                  "与儿童关系", "监护人联系电话", "是否享受低保", "备注"]
TOWNSHIP, VILLAGE = "树林召镇", "大树湾村委会"


def child_row(name: str, *, birth: date | None = None, sex: str = "F", number: str | None = None,
              **columns: Any) -> dict[str, Any]:
    """One child's row by header; the ID number agrees with birth date and sex unless given."""
    birth = birth or born_years_ago(9)
    row: dict[str, Any] = {
        "儿童姓名": name, "性别": "男" if sex == "M" else "女", "民族": "汉族", "出生年月": birth.isoformat(),
        "公民身份号码": id_number(birth, sex) if number is None else number, "户籍性质": "农业",
        "所属乡镇（街道）": TOWNSHIP, "所属村（社区）": VILLAGE, "现住址": f"{TOWNSHIP}{VILLAGE}3号",
        "父亲姓名": "张建国", "父亲状况": "外出务工", "母亲姓名": "李秀英", "母亲状况": "外出务工",
        "监护人姓名": "张桂兰", "与儿童关系": "祖母", "监护人联系电话": "13912345678", "是否享受低保": "否",
    }
    row.update(columns)
    return row


def write_ledger(path: Path, rows: list[dict[str, Any] | None], *, headers: list[str] | None = None,
                 title: str = "达拉特旗困境儿童信息台账（2026年）") -> Path:
    """The ledger at `path`: title row merged over all columns, headers in row 2, data from row 3.
    A None in `rows` is an empty row."""
    headers = headers or COUNTY_HEADERS
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for number, row in enumerate(rows, start=1):
        if row is None:
            sheet.append([])
            continue
        sheet.append([row.get(h, number if h == "序号" else "") for h in headers])
    book.save(path)
    return path


def ledger_bytes(tmp_path: Path, rows: list[dict[str, Any] | None], **options: Any) -> bytes:
    return write_ledger(tmp_path / "ledger.xlsx", rows, **options).read_bytes()
