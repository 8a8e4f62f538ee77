"""Key pages and API calls: timed over HTTP against gunicorn, their SQL captured and re-run raw for the floor.

For each page: one request through Django's test client records every statement the page ran (SQL and
parameters, as handed to the driver); then the page is requested many times over HTTP from a gunicorn on
loopback (the production server, two workers) and the same statements are re-run as many times straight
through the database driver, inside a transaction that is rolled back (a file page writes its audit event).
The floor is what the database alone needs for the page; page / floor is what Django, templates and HTTP add.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse

from tongban.accounts.models import User


@dataclass(frozen=True)
class Page:
    name: str
    what: str
    username: str
    path: str
    # Ledger exports write a workbook: fewer runs.
    heavy: bool = False


def pages(t: dict[str, Any]) -> list[Page]:
    """The pages of issue #8, with the targets the dataset picked; pages of apps not yet built are left out."""
    found = [
        Page("children_list", "children list, whole city (project admin)", "pm_ordos", "/children/"),
        Page("children_list_worker", "children list of a social worker", "worker_dalate", "/children/"),
        Page("children_list_page_40", "children list, page 40", "pm_ordos", "/children/?page=40"),
        Page("children_list_page_last", "children list, last page", "pm_ordos", "/children/?page=99999"),
        Page("children_filter_risk_age", "filter: high risk, age 6-12 (city)", "pm_ordos",
             "/children/?risk=high&age_min=6&age_max=12"),
        Page("children_filter_region_category", "filter: banner + category + in service (bureau)", "bureau_ordos",
             f"/children/?region={t['dalate_pk']}&category={t['category_pk']}&status=in_service"),
        Page("search_name", f"search by name ({t['name']}, city)", "pm_ordos", f"/children/?q={t['name']}"),
        Page("search_initials", "search by pinyin initials (zq, city)", "pm_ordos", "/children/?q=zq"),
        Page("search_id_tail", "search by ID tail (6 digits, city)", "pm_ordos", f"/children/?q={t['id_tail']}"),
        Page("child_file", "child's file (team lead)", "lead_dalate", f"/children/{t['child_pk']}/"),
        Page("case_detail", f"case detail, {t['case_sessions']} sessions (team lead)", "lead_dalate",
             f"/cases/{t['case_pk']}/"),
        Page("case_list", "case list of a team lead", "lead_dalate", "/cases/"),
        Page("dashboard_worker", "dashboard of a social worker", "worker_dalate", "/"),
        Page("dashboard_lead", "dashboard of a team lead", "lead_dalate", "/"),
    ]
    found += [p for p in _optional_pages(t) if p is not None]
    return found


def _optional_pages(t: dict[str, Any]) -> Iterator[Page | None]:
    """Statistics (tongban/reports) and the JSON API (/api/v1/), measured once they exist on main."""
    try:
        yield Page("statistics_city", "statistics for the city (bureau)", "bureau_ordos", reverse("reports:statistics"))
    except NoReverseMatch:
        yield None
    # The API is mounted under the namespace api_v1 (django-ninja); it takes the page's session like a browser.
    if "api_v1" in get_resolver().namespace_dict:
        yield Page("api_children", "API: children list (city)", "pm_ordos", "/api/v1/children/")
        yield Page("api_child", "API: one child's file", "lead_dalate", f"/api/v1/children/{t['child_pk']}")
        yield Page("api_cases", "API: case list of a team lead", "lead_dalate", "/api/v1/cases/")
        yield Page("api_case", f"API: one case, {t['case_sessions']} sessions", "lead_dalate",
                   f"/api/v1/cases/{t['case_pk']}")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Server:
    """gunicorn on a free loopback port, configured like production (scripts/serve.sh)."""

    def __init__(self, workers: int = 2, threads: int = 4) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "tongban.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers",
             str(workers), "--threads", str(threads), "--log-level", "warning", "--timeout", "120"],
            env={**os.environ}, cwd=settings.BASE_DIR)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _body = self.get("/healthz", {})
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def get(self, path: str, cookies: dict[str, str]) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", quote(path, safe="/?=&"), headers=_headers(cookies))
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _headers(cookies: dict[str, str]) -> dict[str, str]:
    return {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


def session_cookies(username: str) -> dict[str, str]:
    """A signed-in session (stored in the database), as a browser would send it."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=username))
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


@contextmanager
def _recording(statements: list[tuple[str, Any, bool]]) -> Iterator[None]:
    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield


def capture(page: Page) -> tuple[int, list[tuple[str, Any, bool]]]:
    """One request through the test client: its status and every statement it ran."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=page.username))
    client.get(page.path)  # warm the caches (translations, templates, content types)
    statements: list[tuple[str, Any, bool]] = []
    with _recording(statements):
        response = client.get(page.path)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code, statements


# The floor runs inside one transaction that is rolled back: the page's own transaction control is left out.
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")


def floor_ms(statements: list[tuple[str, Any, bool]], runs: int) -> float:
    """Median time to run the page's statements straight through the driver, fetching every row."""
    runnable = [(sql, params, many) for sql, params, many in statements
                if not sql.lstrip().upper().startswith(_TRANSACTION_CONTROL)]
    times = []
    connection.ensure_connection()
    raw = connection.connection
    for _run in range(runs):
        with transaction.atomic():
            if connection.vendor == "sqlite":
                from django.db.backends.sqlite3.base import SQLiteCursorWrapper  # noqa: PLC0415

                cursor = raw.cursor(factory=SQLiteCursorWrapper)
            else:
                cursor = raw.cursor()
            started = time.perf_counter()
            for sql, params, many in runnable:
                if many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
            cursor.close()
            transaction.set_rollback(True)
    return statistics.median(times)


def measure(page: Page, server: Server, runs: int) -> dict[str, Any]:
    runs = max(5, runs // 5) if page.heavy else runs
    status, statements = capture(page)
    cookies = session_cookies(page.username)
    # Unmeasured first requests: each gunicorn worker's first view of a page loads its templates and code, and the
    # database's caches fill; the figures are the steady state a working day sees.
    for _warm in range(2 if page.heavy else 6):
        server.get(page.path, cookies)
    latencies, errors, size = [], 0, 0
    for _run in range(runs):
        started = time.perf_counter()
        code, body = server.get(page.path, cookies)
        latencies.append((time.perf_counter() - started) * 1000)
        size = len(body)
        errors += code != 200
    floor = floor_ms(statements, runs)
    p50, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
    return {
        "what": page.what, "path": page.path, "user": page.username, "status": status, "runs": runs,
        "errors": errors, "queries": len(statements), "bytes": size,
        "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "floor_ms": round(floor, 1),
        "ratio": round(p50 / floor, 1) if floor else None,
        "meets_100ms": p95 < 100, "meets_floor": p95 <= 2 * floor + 20,
    }


def measure_export(t: dict[str, Any], runs: int) -> dict[str, Any]:
    """The ledger export of a banner (about 10,000 rows). Exports that large are prepared by the task worker
    (EXPORT_BACKGROUND_ROWS), so the worker's work is timed here, in process: the rows read and the workbook
    written, as export_ledger does it for the task."""
    from django.http import QueryDict  # noqa: PLC0415

    from tongban.children.ledger import export_ledger, ledger_children, ledger_filters  # noqa: PLC0415

    user = User.objects.get(username="pm_ordos")
    query = QueryDict(f"region={t['export_region_pk']}")

    def work() -> int:
        filters = ledger_filters(user, query)
        return len(export_ledger(user, ledger_children(user, filters), False, filters=filters))

    work()
    statements: list[tuple[str, Any, bool]] = []
    with _recording(statements):
        size = work()
    runs = max(5, runs // 5)
    latencies = []
    for _run in range(runs):
        started = time.perf_counter()
        work()
        latencies.append((time.perf_counter() - started) * 1000)
    floor = floor_ms(statements, runs)
    p50, p95 = statistics.median(latencies), _percentile(latencies, 0.95)
    return {
        "what": f"ledger export, {t['export_rows']:,} rows ({t['export_region']}; task worker's work)",
        "path": "export_ledger() for /children/export.xlsx?region=…", "user": "pm_ordos", "status": 200,
        "runs": runs, "errors": 0, "queries": len(statements), "bytes": size,
        "p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "floor_ms": round(floor, 1),
        "ratio": round(p50 / floor, 1) if floor else None,
        "meets_100ms": p95 < 100, "meets_floor": p95 <= 2 * floor + 20,
    }
