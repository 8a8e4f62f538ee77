"""N parallel clients for a bounded time against gunicorn on loopback, mixed reads and writes, pages and API.

Each client is a browser of its own (its own signed-in session) of one of the people who work on 达拉特旗's
children: the team lead, the banner's social workers, the project admin and the banner's bureau official. Until the
time is up it asks for the pages and API calls its user may open (children list, a search, a child's file, a case,
the case list, the dashboard, the API's lists and records) and, one request in ten when its user may record a
service session on the benchmark's case, records one (a POST through the real form, with its CSRF token). Every
answer other than 200 (or the 302 that follows a saved form) counts as an error.
"""

import http.client
import random
import re
import statistics
import threading
import time
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.test import Client

from tongban.accounts.models import User
from tongban.cases.models import ServiceSession
from tongban.core.bench.pages import Server, _headers, _percentile, session_cookies

LOAD_NOTE = "电话回访（负载测试）"
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


LOAD_USERS = ("lead_dalate", "worker_dalate", "worker_dalate_1", "worker_dalate_2", "worker_dalate_3",
              "worker_dalate_4", "pm_ordos", "bureau_dalate")


def _reads(t: dict[str, Any]) -> list[str]:
    return ["/children/", f"/children/?q={t['name']}", "/children/?q=zq", f"/children/{t['child_pk']}/",
            f"/cases/{t['case_pk']}/", "/cases/", "/", "/children/?risk=high&age_min=6&age_max=12",
            "/api/v1/children/", f"/api/v1/children/{t['child_pk']}", "/api/v1/cases/",
            f"/api/v1/cases/{t['case_pk']}"]


def _allowed(username: str, t: dict[str, Any]) -> tuple[list[str], bool]:
    """What this user may open of the reads (200 through the test client), and whether they may record a session
    on the benchmark's case; users who are not in the dataset get nothing."""
    client = Client(HTTP_HOST="127.0.0.1")
    user = User.objects.filter(username=username).first()
    if user is None:
        return [], False
    client.force_login(user)
    reads = [path for path in _reads(t) if client.get(path).status_code == 200]
    return reads, client.get(_form(t)).status_code == 200


def _form(t: dict[str, Any]) -> str:
    return f"/cases/{t['case_pk']}/sessions/new/"


class _Client(threading.Thread):
    def __init__(self, server: Server, username: str, access: tuple[list[str], bool], t: dict[str, Any],
                 until: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.server, self.username, self.t, self.until = server, username, t, until
        self.cookies = session_cookies(username)  # a sign-in of its own, like a browser
        self.reads, self.may_write = access
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.writes = 0

    def _request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=120)
        headers = _headers(self.cookies)
        if body is not None:
            headers |= {"Content-Type": "application/x-www-form-urlencoded",
                        "Referer": f"http://127.0.0.1:{self.server.port}{path}"}
        try:
            conn.request(method, quote(path, safe="/?=&"), body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(), response
        finally:
            conn.close()

    def _csrf(self, path: str) -> str:
        status, body, response = self._request("GET", path)
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            if name == settings.CSRF_COOKIE_NAME:
                self.cookies[name] = rest.split(";", 1)[0]
        found = _TOKEN.search(body)
        if status != 200 or not found:
            raise RuntimeError(f"no form at {path} ({status})")
        return found.group(1).decode()

    def run(self) -> None:
        form, token = _form(self.t), ""
        if self.may_write:
            try:
                token = self._csrf(form)
            except (OSError, RuntimeError) as exc:
                self.errors.append(str(exc))
                return
        reads = self.reads
        while time.monotonic() < self.until:
            write = self.may_write and self.rng.random() < 0.1
            started = time.perf_counter()
            try:
                if write:
                    body = urlencode({"csrfmiddlewaretoken": token, "held_on": date.today().isoformat(),
                                      "kind": "phone", "minutes": 30, "participants": "监护人",
                                      "notes": LOAD_NOTE})
                    status, _body, _r = self._request("POST", form, body)
                    ok = status == 302
                    self.writes += ok
                else:
                    path = self.rng.choice(reads)
                    status, _body, _r = self._request("GET", path)
                    ok = status == 200
            except OSError as exc:
                status, ok = type(exc).__name__, False
            self.latencies.append((time.perf_counter() - started) * 1000)
            if not ok:
                self.errors.append(f"{'POST' if write else 'GET'} {status}")


def run_load(server: Server, t: dict[str, Any], clients: int, seconds: float) -> dict[str, Any]:
    access = {username: _allowed(username, t) for username in LOAD_USERS}
    users = [username for username in LOAD_USERS if access[username][0]]
    names = [users[i % len(users)] for i in range(clients)]
    threads = [_Client(server, name, access[name], t, 0, seed=i) for i, name in enumerate(names)]
    until = time.monotonic() + seconds
    started = time.monotonic()
    for thread in threads:
        thread.until = until
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    # The sessions written are the load test's own: the dataset stays the same for the next run.
    ServiceSession.objects.filter(case_id=t["case_pk"], notes=LOAD_NOTE).delete()
    latencies = [ms for th in threads for ms in th.latencies]
    errors = [e for th in threads for e in th.errors]
    return {
        "clients": clients, "users": sorted(set(names)), "seconds": round(elapsed, 1), "requests": len(latencies),
        "writes": sum(th.writes for th in threads), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
    }
