"""A project admin imports a screening ledger: the template, a file with mistakes listed by row, the corrected
file, the import running in the task worker with its progress, and the children found afterwards."""

from pathlib import Path

from openpyxl import load_workbook

from tongban.children.idnumber import check_digit
from tongban.journeys.pages import zh, zh_plural

# Three children per viewport: both runs import into the same server, and a child already on file is skipped.
LEDGERS = {
    "desktop": [("包文静", "15062120130704062", "大树湾村委会"), ("包文博", "15062120150212013", "大树湾村委会"),
                ("那日苏", "15062120120930031", "大树湾村委会")],
    "phone": [("高雨桐", "15062120140118044", "大树湾村委会"), ("高子轩", "15062120160621055", "大树湾村委会"),
              ("乌日娜", "15062120111103024", "大树湾村委会")],
}
NO_SUCH_VILLAGE = "幸福里村委会"


def fill_template(template: Path, target: Path, rows: list[tuple[str, str, str]]) -> Path:
    """What a county office does in Excel: one row per child below the example row."""
    book = load_workbook(template)
    sheet = book["儿童信息"]
    headers = [cell.value for cell in sheet[1]]
    for name, id_number, village in rows:
        values = {"姓名": name, "身份证号": id_number, "户籍性质": "农业", "所属乡镇（街道）": "树林召镇",
                  "所属村（社区）": village, "父亲状况": "外出务工", "母亲状况": "外出务工", "监护人姓名": "祖母",
                  "与儿童关系": "祖母", "是否享受低保": "否"}
        sheet.append([values.get(header, "") for header in headers])
    book.save(target)
    return target


def upload(tab, ledger: Path, screenshot: str) -> None:
    tab.go("/children/import/")
    tab.choose(region="达拉特旗")
    tab.page.locator("input[name=file]").set_input_files(ledger)
    tab.submit(zh("Upload and check"), screenshot=screenshot)


def test_project_admin_imports_a_screening_ledger_after_correcting_it(open_page, viewport, tmp_path):
    children = [(name, body + check_digit(body), village) for name, body, village in LEDGERS[viewport]]
    tab = open_page("pm_ordos")
    tab.go("/children/")
    tab.follow(zh("Import a screening ledger"), screenshot="import page")
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name=zh("Download the Excel template")).click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name.endswith(".xlsx")

    (first, first_id, _), (second, second_id, _), third = children
    mistyped = first_id[:-1] + ("1" if first_id[-1] != "1" else "2")
    wrong = fill_template(template, tmp_path / "ledger-with-mistakes.xlsx",
                          [(first, mistyped, "大树湾村委会"), (second, second_id, NO_SUCH_VILLAGE), third])
    upload(tab, wrong, "problems by row")
    problems = tab.page.locator("section[role=alert] table.problems tbody tr").all_inner_texts()
    # Row 2 of the data sheet is the template's example; the children start in row 3.
    assert any(p.startswith("3\t") and "身份证号" in p for p in problems), problems
    assert any(p.startswith("4\t") and NO_SUCH_VILLAGE in p for p in problems), problems
    assert tab.page.get_by_role("button", name=zh("Confirm import")).is_disabled()

    corrected = fill_template(template, tmp_path / "ledger-corrected.xlsx", children)
    upload(tab, corrected, "corrected ledger checked")
    assert not tab.page.locator("section[role=alert]").count()
    tab.submit(zh("Confirm import"), screenshot="progress")
    assert "/progress/" in tab.page.url

    # The page refreshes itself every two seconds until the task worker has saved every row.
    see_them = tab.page.get_by_role("link", name=zh("See the children of this ledger"))
    see_them.wait_for(timeout=60_000)
    tab.check("import done")
    assert zh_plural("%(counter)s new file was opened.", "%(counter)s new files were opened.", 3) in tab.text()
    tab.follow(zh("See the children of this ledger"), screenshot="children of the ledger")
    listed = tab.page.locator(".records").inner_text()
    for name, _, _ in children:
        assert name in listed
