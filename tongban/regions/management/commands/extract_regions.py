import sqlite3
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.core.spreadsheets import csv_writer
from tongban.regions.services import CSV_COLUMNS


def _pad(code: str, width: int) -> str:
    return code.ljust(width, "0")


class Command(BaseCommand):
    help = (
        "Write the regions under some city or province prefixes from the china-division package's "
        "dist/data.sqlite (NBS statistical division codes) as a CSV for load_regions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sqlite", type=Path, help="path to china-division's dist/data.sqlite")
        parser.add_argument("--prefix", action="append", required=True,
                            help="2-digit province or 4-digit city code; repeat for several")
        parser.add_argument("--code-table", dest="code_version", default="NBS-2023")
        parser.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")

    def handle(self, *args: Any, sqlite: Path, prefix: list[str], code_version: str, out: Path | None,
               **options: Any) -> None:
        if not sqlite.exists():
            raise CommandError(f"No such file: {sqlite}")
        db = sqlite3.connect(f"file:{sqlite}?mode=ro", uri=True)
        rows: list[list[str]] = []
        for p in prefix:
            if not p.isdigit() or len(p) not in (2, 4):
                raise CommandError(f"A prefix is a 2-digit province or 4-digit city code, not {p!r}")
            like = p + "%"
            province = p[:2]
            for code, name in db.execute("SELECT code, name FROM province WHERE code = ?", (province,)):
                rows.append([_pad(code, 6), name, "province", "", code_version])
            for code, name, parent in db.execute(
                    "SELECT code, name, provinceCode FROM city WHERE code LIKE ? ORDER BY code", (like,)):
                rows.append([_pad(code, 6), name, "city", _pad(parent, 6), code_version])
            for code, name, parent in db.execute(
                    "SELECT code, name, cityCode FROM area WHERE code LIKE ? ORDER BY code", (like,)):
                rows.append([code, name, "county", _pad(parent, 6), code_version])
            for code, name, parent in db.execute(
                    "SELECT code, name, areaCode FROM street WHERE code LIKE ? ORDER BY code", (like,)):
                rows.append([_pad(code, 12), name, "township", parent, code_version])
            for code, name, parent in db.execute(
                    "SELECT code, name, streetCode FROM village WHERE code LIKE ? ORDER BY code", (like,)):
                rows.append([code, name, "village", _pad(parent, 12), code_version])
        seen: set[str] = set()
        unique = [r for r in rows if not (r[0] in seen or seen.add(r[0]))]  # a province shared by prefixes
        stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
        try:
            writer = csv_writer(stream, lineterminator="\n")
            writer.writerow(CSV_COLUMNS)
            writer.writerows(unique)
        finally:
            if out:
                stream.close()
        if out:
            self.stderr.write(f"{len(unique)} regions written to {out}")
