"""`manage.py import_children`: the same checks as the upload page, for a ledger on disk."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tongban.children.models import Child, ScreeningBatch
from tongban.children.tests.factories import born_years_ago
from tongban.children.tests.ledgers import COUNTY_HEADERS, child_row, write_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_children", *args, stdout=out)
    return out.getvalue()


def clean_ledger(tmp_path):  # type: ignore[no-untyped-def]
    return write_ledger(tmp_path / "达拉特.xlsx", [child_row("王子琪"), child_row("李小雨", sex="M")])


def test_it_imports_a_clean_ledger(tmp_path):
    out = run(str(clean_ledger(tmp_path)), "--batch-region", "150621", "--user", "worker_dalate")
    batch = ScreeningBatch.objects.latest("pk")
    assert "2 file(s) opened" in out
    assert (batch.state, batch.created_count, batch.region.code) == ("done", 2, "150621")
    assert set(batch.children.values_list("name", flat=True)) == {"王子琪", "李小雨"}


def test_a_dry_run_writes_nothing(tmp_path):
    children, batches = Child.objects.count(), ScreeningBatch.objects.count()
    out = run(str(clean_ledger(tmp_path)), "--batch-region", "150621", "--user", "worker_dalate", "--dry-run")
    assert "Dry run" in out and "2 file(s) would be opened" in out
    assert (Child.objects.count(), ScreeningBatch.objects.count()) == (children, batches)


def test_it_exits_non_zero_and_lists_every_refused_row(tmp_path):
    birth = born_years_ago(9)
    path = write_ledger(tmp_path / "l.xlsx", [child_row("王子琪"), child_row(""),
                                              child_row("李小雨", birth=birth, 出生年月="2013-02-30")])
    children = Child.objects.count()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_children", str(path), "--batch-region", "150621", "--user", "worker_dalate", stdout=out)
    errors = [line.split("\t") for line in out.getvalue().splitlines() if line.startswith("error")]
    assert [(e[1], e[2]) for e in errors] == [("row 4", "儿童姓名"), ("row 5", "出生年月")]
    assert Child.objects.count() == children and not ScreeningBatch.objects.filter(source_name="l.xlsx").exists()


def test_unknown_columns_can_be_mapped_on_the_command_line(tmp_path):
    headers = [*COUNTY_HEADERS, "身高"]
    path = write_ledger(tmp_path / "l.xlsx", [{**child_row("王子琪"), "身高": 128}], headers=headers)
    with pytest.raises(CommandError):
        run(str(path), "--batch-region", "150621", "--user", "worker_dalate")
    out = run(str(path), "--batch-region", "150621", "--user", "worker_dalate", "--map", "身高=ignore")
    assert "1 file(s) opened" in out


def test_it_refuses_a_region_outside_the_users_area(tmp_path):
    with pytest.raises(CommandError):
        run(str(clean_ledger(tmp_path)), "--batch-region", "150624", "--user", "worker_dalate")


def test_it_refuses_a_read_only_user(tmp_path):
    with pytest.raises(CommandError):
        run(str(clean_ledger(tmp_path)), "--batch-region", "150621", "--user", "bureau_ordos")


def test_it_refuses_a_file_that_is_not_xlsx(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("姓名,出生日期\n王子琪,2013-05-01\n")
    with pytest.raises(CommandError):
        run(str(path), "--batch-region", "150621", "--user", "worker_dalate")


def test_it_writes_the_template(tmp_path):
    out = run("--template", str(tmp_path / "模板.xlsx"))
    assert "模板.xlsx" in out
    book = load_workbook(tmp_path / "模板.xlsx")
    assert "儿童信息" in book.sheetnames and book["儿童信息"]["B1"].value == "姓名"
