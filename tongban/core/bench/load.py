"""N parallel clients for a bounded time against gunicorn on loopback, mixed reads and writes.

Each client signs in as a team lead or a social worker of 达拉特旗 and, until the time is up, asks for the
pages they use all day (children list, a search, a child's file, a case, the dashboard) and, one request in
ten, records a service session on a case (a POST through the real form, with its CSRF token). Every answer
other than 200 (or the 302 that follows a saved form) counts as an error.
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

from tongban.cases.models import ServiceSession
from tongban.core.bench.pages import Server, _headers, _percentile, session_cookies

LOAD_NOTE = "电话回访（负载测试）"
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _reads(t: dict[str, Any]) -> list[str]:
    return ["/children/", f"/children/?q={t['name']}", "/children/?q=zq", f"/children/{t['child_pk']}/",
            f"/cases/{t['case_pk']}/", "/cases/", "/", "/children/?risk=high&age_min=6&age_max=12"]


class _Client(threading.Thread):
    def __init__(self, server: Server, cookies: dict[str, str], t: dict[str, Any], until: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.server, self.cookies, self.t, self.until = server, dict(cookies), t, until
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
        form = f"/cases/{self.t['case_pk']}/sessions/new/"
        try:
            token = self._csrf(form)
        except (OSError, RuntimeError) as exc:
            self.errors.append(str(exc))
            return
        reads = _reads(self.t)
        while time.monotonic() < self.until:
            write = self.rng.random() < 0.1
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
    cookies = session_cookies("lead_dalate")
    until = time.monotonic() + seconds
    started = time.monotonic()
    threads = [_Client(server, cookies, t, until, seed=i) for i in range(clients)]
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
        "clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
        "writes": sum(th.writes for th in threads), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
    }
