"""The screening template: instructions, a data sheet with drop-down lists, and one example row."""

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tongban.children import idnumber
from tongban.children.choices import ETHNIC_GROUPS
from tongban.children.models import DifficultyCategory
from tongban.children.screening.columns import COLUMNS
from tongban.children.screening.results import EXAMPLE_MARK
from tongban.core.spreadsheets import safe_cell, safe_row

DATA_SHEET = "儿童信息"
LISTS_SHEET = "代码表"
REQUIRED_HEADERS = {"姓名", "所属村（社区）"}
PARENT_STATES = ["健在", "死亡", "失踪", "重病", "重残", "服刑在押", "强制隔离戒毒", "失联", "外出务工", "精神疾病"]
RELATIONS = ["父亲", "母亲", "祖父", "祖母", "外祖父", "外祖母", "叔叔", "姑姑", "舅舅", "姨妈", "哥哥", "姐姐", "其他"]
NOTES = {
    "序号": "可不填。",
    "姓名": "必填。少数民族姓名中间的点写作“·”，如 祖拜旦·麦麦提吐尔什。",
    "性别": "男 或 女。填写了身份证号时可不填（由身份证号得出）。",
    "民族": "从下拉列表中选择56个民族之一，不填视为汉族。",
    "出生日期": "如 2013-05-01、2013/05/01、2013.5.1 或 2013年5月1日。填写了身份证号时可不填。",
    "身份证号": "18位居民身份证号码。请把本列设为“文本”格式，否则 Excel 会截掉后几位。系统加密保存。",
    "户籍性质": "农业 或 非农业。",
    "所属乡镇（街道）": "有同名村（社区）时必填。",
    "所属村（社区）": "必填。使用统计用区划名称，如 大树湾村委会，或12位区划代码。",
    "困境类型": "可填多个，用“、”分隔。孤儿、事实无人抚养儿童、农村留守儿童等由系统根据父母状况自动判定，"
                "此处填写仅用于核对。",
    "父亲状况": "健在、死亡、失踪、重病、重残、服刑在押、强制隔离戒毒、失联、外出务工、精神疾病；"
                "可填多个，用“、”分隔。",
    "母亲状况": "同父亲状况。",
    "与儿童关系": "监护人与儿童的关系，如 祖母、外祖父、叔叔。",
    "监护人联系电话": "手机或固定电话，系统加密保存。",
    "是否享受低保": "是 或 否。",
}


def _example_id() -> str:
    body = "150621" + "20140315" + "102"
    return body + idnumber.check_digit(body)


EXAMPLE = {
    "序号": EXAMPLE_MARK, "姓名": "张子琪", "性别": "女", "民族": "汉族", "出生日期": date(2014, 3, 15),
    "身份证号": _example_id(), "户籍性质": "农业", "所属乡镇（街道）": "树林召镇", "所属村（社区）": "大树湾村委会",
    "现住址": "树林召镇大树湾村三社12号", "就读学校": "树林召中心小学", "年级": "五年级", "健康状况": "良好",
    "困境类型": "单亲家庭", "父亲姓名": "张建国", "父亲状况": "精神疾病", "母亲姓名": "李秀英", "母亲状况": "死亡",
    "监护人姓名": "张桂兰", "与儿童关系": "祖母", "监护人联系电话": "13800000000", "是否享受低保": "是",
    "备注": "示例行：导入时自动跳过，可删除。",
}


def build_template() -> bytes:
    """The xlsx a county fills in for a screening (摸底排查)."""
    book = Workbook()
    guide = book.active
    guide.title = "填表说明"
    data = book.create_sheet(DATA_SHEET)
    lists = book.create_sheet(LISTS_SHEET)
    _instructions(guide)
    headers = [c.header for c in COLUMNS]
    data.append(safe_row(headers))
    data.append(safe_row(EXAMPLE.get(h, "") for h in headers))
    bold, required = Font(bold=True), PatternFill("solid", fgColor="FDE68A")
    for index, header in enumerate(headers, start=1):
        cell = data.cell(row=1, column=index)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if header in REQUIRED_HEADERS:
            cell.fill = required
        if header in NOTES:
            cell.comment = Comment(NOTES[header], "童伴")
        data.column_dimensions[get_column_letter(index)].width = max(10, len(header) * 2 + 2)
    data.freeze_panes = "B2"
    column = {h: get_column_letter(i) for i, h in enumerate(headers, start=1)}
    # Text columns keep all 18 digits of an ID number; Excel would round a number after 15.
    for header, number_format in (("身份证号", "@"), ("监护人联系电话", "@"), ("出生日期", "yyyy-mm-dd")):
        data.column_dimensions[column[header]].number_format = number_format
    data[f"{column['出生日期']}2"].number_format = "yyyy-mm-dd"
    categories = list(DifficultyCategory.objects.filter(active=True).values_list("name", flat=True))
    refs = _lists(lists, {"性别": ["男", "女"], "民族": ETHNIC_GROUPS, "户籍性质": ["农业", "非农业"],
                   "困境类型": categories, "父母状况": PARENT_STATES, "与儿童关系": RELATIONS,
                   "是否享受低保": ["是", "否"]})
    for header, list_name, strict in (("性别", "性别", True), ("民族", "民族", True), ("户籍性质", "户籍性质", True),
                                      ("困境类型", "困境类型", False), ("父亲状况", "父母状况", False),
                                      ("母亲状况", "父母状况", False), ("与儿童关系", "与儿童关系", False),
                                      ("是否享受低保", "是否享受低保", True)):
        # Several categories or states may go in one cell, so those lists only suggest.
        rule = DataValidation(type="list", formula1=refs[list_name], allow_blank=True,
                              errorStyle="stop" if strict else "information", showErrorMessage=True,
                              error="请从下拉列表中选择。" if strict else "不在列表中的内容将在导入时提示。")
        rule.add(f"{column[header]}2:{column[header]}5001")
        data.add_data_validation(rule)
    lists.sheet_state = "hidden"
    book.active = 1
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _lists(sheet, lists: dict[str, list[str]]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Write each list in a column of the hidden sheet; the references the drop-downs point to."""
    refs = {}
    for index, (title, values) in enumerate(lists.items(), start=1):
        sheet.cell(row=1, column=index, value=safe_cell(title))
        # Category names are configurable data: an administrator's "=…" stays text.
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=safe_cell(value))
        letter = get_column_letter(index)
        refs[title] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return refs


def _instructions(sheet) -> None:  # type: ignore[no-untyped-def]
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 90
    lines = [
        ("困境儿童摸底排查信息表 · 填表说明", ""),
        ("", ""),
        ("1", "在“儿童信息”工作表中每行填写一名儿童，第一行列名请勿修改。黄色列为必填。"),
        ("2", "第二行是示例（序号为“示例”），导入时自动跳过，可删除。"),
        ("3", "请勿合并单元格，请勿使用公式（如有公式，请先“复制 → 选择性粘贴 → 数值”）。"),
        ("4", "身份证号列请设为“文本”格式；出生日期和性别可由身份证号得出。"),
        ("5", "上传后系统会逐行检查并列出所有问题（行号、列名、原因）；有错误时不会导入任何一行，改正后重新上传即可。"),
        ("6", "已有档案的儿童（身份证号相同）会自动跳过，重复上传同一文件不会产生重复档案。"),
        ("7", "各旗区自己的台账格式也可直接上传：系统根据列名自动对应，无法识别的列请在页面上选择对应字段或忽略。"),
        ("", ""),
        ("列名", "填写要求"),
    ]
    for key, text in lines:
        sheet.append(safe_row([key, text]))
    for column in COLUMNS:
        sheet.append(safe_row([column.header, NOTES.get(column.header, "")]))
    sheet["A1"].font = Font(bold=True, size=14)
    for row in sheet.iter_rows(min_row=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
