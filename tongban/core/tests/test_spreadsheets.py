"""Every spreadsheet Tongban writes shows formula-looking text as text and keeps numbers and dates as numbers."""

import io
import sqlite3
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tongban.children.models import DifficultyCategory
from tongban.children.screening import build_template
from tongban.core.spreadsheets import csv_writer, safe_cell, safe_row

ATTACKS = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_chinese_text_is_left_as_it_is():
    assert safe_row(["王子琪", "树林召镇大树湾村", "", "5-6岁"]) == ["王子琪", "树林召镇大树湾村", "", "5-6岁"]


def test_numbers_dates_and_empty_cells_stay_numbers_and_dates():
    values = [-2, 3.5, Decimal("-120.50"), date(2024, 1, 1), datetime(2024, 1, 1, 8, 0), True, None]
    assert safe_row(values) == values


def test_other_values_are_written_as_their_neutralised_text():
    class Odd:
        def __str__(self) -> str:
            return "=1+1"

    assert safe_cell(Odd()) == "'=1+1"


def test_a_csv_written_by_tongban_neutralises_every_row():
    stream = io.StringIO()
    writer = csv_writer(stream, lineterminator="\n")
    writer.writerow(["name", "value"])
    writer.writerows([["=cmd|' /C calc'!A0", 5], ["正常", -1]])
    assert stream.getvalue() == "name,value\n'=cmd|' /C calc'!A0,5\n正常,-1\n"


@pytest.mark.django_db
def test_a_category_named_like_a_formula_is_text_in_the_screening_templates_lists():
    DifficultyCategory.objects.create(code="evil", name='=HYPERLINK("http://x")', order=999)
    book = load_workbook(io.BytesIO(build_template()))
    values = [c.value for row in book["代码表"].iter_rows() for c in row if c.value]
    cells = [c for row in book["代码表"].iter_rows() for c in row if c.value]
    assert "'=HYPERLINK(\"http://x\")" in values
    assert all(c.data_type == "s" for c in cells)


def test_the_region_extract_writes_formula_looking_names_as_text(tmp_path):
    db_path = tmp_path / "data.sqlite"
    with sqlite3.connect(db_path) as db:
        db.executescript("""
            CREATE TABLE province (code TEXT, name TEXT);
            CREATE TABLE city (code TEXT, name TEXT, provinceCode TEXT);
            CREATE TABLE area (code TEXT, name TEXT, cityCode TEXT);
            CREATE TABLE street (code TEXT, name TEXT, areaCode TEXT);
            CREATE TABLE village (code TEXT, name TEXT, streetCode TEXT);
            INSERT INTO province VALUES ('15', '内蒙古自治区');
            INSERT INTO city VALUES ('1506', '=1+1', '15');
        """)
    out = tmp_path / "regions.csv"
    call_command("extract_regions", str(db_path), "--prefix", "1506", "--out", str(out), stderr=io.StringIO())
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["150000,内蒙古自治区,province,,NBS-2023", "150600,'=1+1,city,150000,NBS-2023"]
