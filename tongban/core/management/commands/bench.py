import logging
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from tongban.core.bench import report
from tongban.core.bench.dataset import ensure_dataset
from tongban.core.bench.ledger import measure_import
from tongban.core.bench.load import run_load
from tongban.core.bench.pages import Server, measure, measure_export, pages


class Command(BaseCommand):
    help = ("City-scale benchmark (issue #8) on the database of DATABASE_URL: builds the city dataset if the "
            "database is empty, times the key pages over HTTP against gunicorn with their raw-SQL floor, the "
            "screening import against python-calamine, and N parallel clients; writes bench/results.{json,md}.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=100_000, help="size of the city dataset to build")
        parser.add_argument("--runs", type=int, default=40, help="requests per page (exports: a fifth)")
        parser.add_argument("--only", action="append", default=[], metavar="PAGE",
                            help="measure only these pages (repeatable); skips import and load")
        parser.add_argument("--import-rows", type=int, default=50_000, help="rows of the generated ledger; 0 skips")
        parser.add_argument("--load", default="10,50", help="parallel clients of the load runs; empty skips")
        parser.add_argument("--load-seconds", type=float, default=30, help="length of each load run")
        parser.add_argument("--load-only", action="store_true", help="only the load runs (make load)")
        parser.add_argument("--out", default="bench", help="folder of results.json and results.md")

    def handle(self, *args: Any, children: int, runs: int, only: list[str], import_rows: int, load: str,
               load_seconds: float, load_only: bool, out: str, **options: Any) -> None:
        out_dir = Path(settings.BASE_DIR) / out
        logging.getLogger("axes").setLevel(logging.WARNING)  # a line per signed-in client otherwise
        dataset = ensure_dataset(children, self.stdout)
        self.stdout.write(f"{report.database_info()['version']}: " + ", ".join(
            f"{v:,} {k.replace('_', ' ')}" for k, v in dataset.counts.items()))
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        section: dict[str, Any] = {
            "database": report.database_info(), "date": report.now(), "commit": report.commit_id(),
            "command": " ".join(["python manage.py bench", *sys.argv[2:]]),
            "dataset": dataset.counts, "seeded_seconds": dataset.seeded_seconds, "seeded_at": dataset.seeded_at,
            "targets": dataset.targets,
            "pages": {},
        }
        server = Server()
        try:
            for page in pages(dataset.targets):
                if load_only or (only and page.name not in only):
                    continue
                result = measure(page, server, runs)
                section["pages"][page.name] = result
                self.stdout.write(f"  {page.name:<32} {result['queries']:>3} q  p50 {result['p50_ms']:>7} ms  "
                                  f"p95 {result['p95_ms']:>7} ms  floor {result['floor_ms']:>7} ms  "
                                  f"{'' if result['status'] == 200 and not result['errors'] else 'ERRORS'}")
            if not load_only and (not only or "ledger_export" in only):
                result = measure_export(dataset.targets, runs)
                section["pages"]["ledger_export"] = result
                self.stdout.write(f"  {'ledger_export':<32} {result['queries']:>3} q  p50 {result['p50_ms']:>7} ms  "
                                  f"p95 {result['p95_ms']:>7} ms  floor {result['floor_ms']:>7} ms")
            if not only and load:
                section["load"] = []
                for clients in (int(n) for n in load.split(",") if n.strip()):
                    result = run_load(server, dataset.targets, clients, load_seconds)
                    section["load"].append(result)
                    self.stdout.write(f"  load {clients:>3} clients: {result['throughput_rps']} req/s, p95 "
                                      f"{result['p95_ms']} ms, {result['errors']} errors")
        finally:
            server.stop()
        if not (only or load_only) and import_rows:
            result = measure_import(import_rows, Path(settings.BASE_DIR) / "var" / f"bench-ledger-{import_rows}.xlsx")
            section["import"] = result
            self.stdout.write(f"  import {import_rows:,} rows: calamine {result['calamine_rows_per_s']:,} rows/s, "
                              f"check {result['check_rows_per_s']:,} rows/s, import {result['import_rows_per_s']:,} "
                              f"rows/s ({result['import_vs_calamine']}× calamine)")
        old = report.load_section(out_dir, connection.vendor)
        report.keep_seeding_time(section, old)
        if old and (only or load_only):
            # A partial run updates its part of the last full run's results.
            old["pages"].update(section["pages"])
            old.update({k: v for k, v in section.items() if k in ("load", "dataset", "targets", "seeded_seconds",
                                                                   "seeded_at")})
            old["partial_runs"] = [*old.get("partial_runs", []),
                                  f"{section['date']} at commit `{section['commit']}`: `{section['command']}`"]
            section = old
        report.save(out_dir, section)
        self.stdout.write(f"Results written to {out}/results.json and {out}/results.md")
