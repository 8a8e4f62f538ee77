"""bench/results.json (every figure, one section per database) and bench/results.md (the tables)."""

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        memory_gb = round(int(memory) / 1024 / 1024, 1)
    except (OSError, StopIteration):
        memory_gb = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": memory_gb, "python": platform.python_version(),
            "os": platform.platform(terse=True)}


def database_info() -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = "PostgreSQL " + cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            version = "SQLite " + cursor.fetchone()[0]
    return {"engine": connection.vendor, "version": version}


def commit_id() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=settings.BASE_DIR, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def keep_seeding_time(section: dict[str, Any], old: dict[str, Any] | None) -> None:
    """A run on a dataset it did not seed keeps how long the seeding took from the results of the run that seeded
    it: the same dataset, seeded at the same moment, not merely one of the same name (a database dropped and seeded
    again by a run that wrote its results elsewhere took its own time)."""
    if (old and section["seeded_seconds"] is None and old.get("seeded_seconds")
            and section["seeded_at"] and old.get("seeded_at") == section["seeded_at"]):
        section["seeded_seconds"] = old["seeded_seconds"]


def save(out_dir: Path, section: dict[str, Any]) -> None:
    """Merge this database's section into results.json and write results.md from the whole."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {"databases": {}}
    results["machine"] = machine()
    results["databases"][section["database"]["engine"]] = section
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    (out_dir / "results.md").write_text(markdown(results))


def _yes(ok: bool | None) -> str:
    return "—" if ok is None else ("yes" if ok else "**no**")


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Tongban city-scale benchmark (issue #8)",
        "",
        "Written by `make bench` (`python manage.py bench`); every figure is in `results.json` too.",
        f"Machine: {m['cpu']}, {m['cores']} cores (shared with other work while measured), {m['memory_gb']} GB, "
        f"Python {m['python']}, {m['os']}.",
        "",
        "Pages are timed over HTTP against gunicorn on loopback (2 workers × 4 threads, as `make run`), signed in "
        "as the user shown. *floor* is the median time to re-run the exact SQL the page ran (captured through the "
        "test client) straight through the database driver, fetching every row; *ratio* = page p50 / floor. "
        "Targets: p95 < 100 ms, and p95 ≤ 2 × floor + 20 ms.",
        "",
    ]
    for s in results["databases"].values():
        d = s["dataset"]
        lines += [
            f"## {s['database']['version']}",
            "",
            f"Measured {s['date']} at commit `{s['commit']}` with `{s['command']}`.",
            *(f"Measured again {run}." for run in s.get("partial_runs", [])),
            f"Dataset: {d['children']:,} children, {d['family_members']:,} family members, {d['cases']:,} cases, "
            f"{d['service_sessions']:,} service sessions, {d['activities']:,} activities"
            + (f"; seeded in {s['seeded_seconds']:.0f} s." if s.get("seeded_seconds") else " (reused)."),
            "",
            "| page | user | queries | p50 ms | p95 ms | floor ms | ratio | p95 < 100 ms | ≤ 2×floor+20 |",
            "|---|---|--:|--:|--:|--:|--:|:-:|:-:|",
        ]
        for page in s["pages"].values():
            lines.append(f"| {page['what']} | {page['user']} | {page['queries']} | {page['p50_ms']} | "
                         f"{page['p95_ms']} | {page['floor_ms']} | {page['ratio']} | {_yes(page['meets_100ms'])} | "
                         f"{_yes(page['meets_floor'])} |")
        if s.get("import"):
            i = s["import"]
            lines += [
                "",
                f"Screening import of a generated {i['rows']:,}-row ledger ({i['file_bytes'] / 1e6:.1f} MB): "
                f"python-calamine bare read {i['calamine_s']} s ({i['calamine_rows_per_s']:,} rows/s); check "
                f"(dry run) {i['check_s']} s ({i['check_rows_per_s']:,} rows/s); full import {i['import_s']} s "
                f"({i['import_rows_per_s']:,} rows/s, {i['import_vs_calamine']}× the bare read; "
                f"{i['created']:,} files opened). ≥ 5,000 rows/s: {_yes(i['meets_5000'])}; ≤ 3× calamine: "
                f"{_yes(i['meets_3x'])}.",
            ]
        if s.get("load"):
            users = sorted({u for run in s["load"] for u in run.get("users", [])})
            lines += ["", "Parallel clients against gunicorn, each a signed-in session of its own"
                      + (f" ({', '.join(users)}, in turn)" if users else "")
                      + ": pages and API calls, and one request in ten a service session recorded by those who may.",
                      "", "| parallel clients | seconds | requests | writes | errors | requests/s | p50 ms | p95 ms |",
                      "|--:|--:|--:|--:|--:|--:|--:|--:|"]
            for run in s["load"]:
                lines.append(f"| {run['clients']} | {run['seconds']} | {run['requests']} | {run['writes']} | "
                             f"{run['errors']} | {run['throughput_rps']} | {run['p50_ms']} | {run['p95_ms']} |")
        lines.append("")
    return "\n".join(lines)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def load_section(out_dir: Path, engine: str) -> dict[str, Any] | None:
    path = out_dir / "results.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["databases"].get(engine)
