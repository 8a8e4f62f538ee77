"""The screening import against the Excel reading floor.

The ledger is generated here, not taken from elsewhere: children drawn by the demo builder (with a seed of
their own, so none of them is already on file) in one banner, written by the ledger export's own writer with
full ID numbers — the layout a county sends back after filling in our template. The import is run twice inside a
transaction that is rolled back, so the city dataset stays as it was: a dry run (read + check) and a full import
(read + check + write). The floor is python-calamine's bare read of the same file.
"""

import io
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation
from python_calamine import CalamineWorkbook

from tongban.accounts.models import User
from tongban.children import ledger
from tongban.children.screening.services import screening_import_now, writable_projects
from tongban.core.demo import DemoBuilder
from tongban.regions.models import Region

COUNTY = "150621"
LEDGER_SEED = 4242


class _Rollback(Exception):
    pass


def generated_ledger(rows: int, path: Path) -> bytes:
    """A ledger of `rows` new children of 达拉特旗, written once and kept at `path`."""
    if path.exists():
        return path.read_bytes()
    builder = DemoBuilder(LEDGER_SEED)
    files = builder.child_files(rows * 2)
    next(files), next(files), next(files)  # the three published children are on file already
    builder.county_codes, builder.county_cum = [COUNTY], [1]
    children, family, categories = [], {}, {}
    names = {c.pk: c.name for c in builder.category.values()}
    seen: set[tuple[str, date]] = set()
    for f in files:
        if len(children) == rows:
            break
        # Two children of the same name and birth date without ID numbers would be refused as one child twice.
        if (f.child.name, f.child.birth_date) in seen:
            continue
        seen.add((f.child.name, f.child.birth_date))
        number = len(children) + 1
        f.child.pk = number  # in memory only: the writer keys families and categories by it
        f.child.region.parent  # noqa: B018 - loaded with the village
        f.child.project = builder.team_by_county[COUNTY].project
        children.append(f.child)
        family[number] = f.family
        categories[number] = [names[c.category_id] for c in f.categories]
    with translation.override(settings.LANGUAGE_CODE):
        regions = {c.region_id: c.region for c in children}  # each village with its township and county
        content = ledger._workbook(children, regions, family, categories, True, date.today())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return content


def calamine_read_seconds(data: bytes, runs: int = 3) -> float:
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        times.append(time.perf_counter() - started)
    return min(times)


def import_seconds(data: bytes, *, dry_run: bool) -> tuple[float, dict[str, Any]]:
    actor = User.objects.get(username="lead_dalate")
    region = Region.objects.get(code=COUNTY)
    project = writable_projects(actor).get(teams__region=region)
    started = time.perf_counter()
    summary: dict[str, Any] = {}
    try:
        with transaction.atomic():
            check, batch = screening_import_now(actor=actor, project=project, region=region,
                                                file_name="bench-ledger.xlsx", data=data, dry_run=dry_run)
            elapsed = time.perf_counter() - started
            summary = dict(check.summary())
            summary["created"] = batch.created_count if batch else 0
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, summary


# What a rolled-back import leaves behind on PostgreSQL: its rows, dead, in the tables and their indexes.
IMPORTED_TABLES = ("children_child", "children_familymember", "children_childcategory", "children_screeningbatch",
                   "audit_auditevent")


def vacuum_imported_tables() -> None:
    """Clear the dead rows of a rolled-back import on PostgreSQL. Left to autovacuum (off on some machines), each
    run leaves 50,000 dead files in the banner's index entries, which the pages measured next would walk through."""
    if connection.vendor != "postgresql":
        return  # SQLite's rollback leaves nothing behind
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(IMPORTED_TABLES)}")


def measure_import(rows: int, path: Path, runs: int = 2) -> dict[str, Any]:
    data = generated_ledger(rows, path)
    floor = calamine_read_seconds(data)
    checks, imports, summary = [], [], {}
    for _run in range(runs):
        seconds, _summary = import_seconds(data, dry_run=True)
        checks.append(seconds)
        seconds, summary = import_seconds(data, dry_run=False)
        imports.append(seconds)
        vacuum_imported_tables()
    check_s, import_s = statistics.median(checks), statistics.median(imports)
    return {
        "rows": rows, "file_bytes": len(data), "calamine_s": round(floor, 2),
        "calamine_rows_per_s": round(rows / floor), "check_s": round(check_s, 2),
        "check_rows_per_s": round(rows / check_s), "import_s": round(import_s, 2),
        "import_rows_per_s": round(rows / import_s), "import_vs_calamine": round(import_s / floor, 1),
        "created": summary.get("created"), "skipped": summary.get("skipped"), "errors": summary.get("errors"),
        "meets_5000": rows / import_s >= 5000, "meets_3x": import_s <= 3 * floor,
    }
