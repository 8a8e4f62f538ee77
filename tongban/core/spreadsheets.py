"""Spreadsheet safety: every Excel workbook and CSV file Tongban writes passes its cells through here.

Formula injection: text that starts with = + - @ (or a tab or carriage return) would be run as a formula by
Excel or WPS when the file is opened — a child's address typed as `=HYPERLINK("http://…")` becomes a link that
sends the sheet's data away. openpyxl itself stores such a string as a formula. Text of that shape is written
with a leading apostrophe ('), the character spreadsheet users know as "treat as text". Real numbers, dates and
booleans stay what they are, so sums and sorting keep working.
"""

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_cell(value: Any) -> Any:
    """A cell's value made safe: text neutralised, numbers, dates, booleans and empty cells untouched.

    Anything else (a lazy translation, a Region) is written as its text, neutralised too.
    """
    if value is None or isinstance(value, int | float | bool):
        return value
    if isinstance(value, str):
        return safe_text(value)
    from datetime import date, datetime, time, timedelta
    from decimal import Decimal

    if isinstance(value, date | datetime | time | timedelta | Decimal):
        return value
    return safe_text(str(value))


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def csv_writer(stream: IO[str], **options: Any) -> "SafeCsvWriter":
    """A csv.writer whose rows are neutralised before they are written."""
    return SafeCsvWriter(stream, **options)


class SafeCsvWriter:
    def __init__(self, stream: IO[str], **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
