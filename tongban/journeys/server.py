"""Tongban served for the browser journeys the way `make run` serves it: gunicorn with DEBUG off, static files
collected and served by WhiteNoise, and the task worker (`manage.py db_worker`) beside it for the screening import.

The server is its own process with its own database, seeded with the demo world. It cannot share the test
database: the rest of the suite relies on the demo world that conftest.py seeds once per session, and anything the
journeys write (or pytest-django's transactional live_server flush) would disturb it.
"""

import base64
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEMO_CHILDREN = 120


@dataclass(frozen=True)
class Server:
    url: str
    var_dir: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fresh_postgres_database(url: str) -> str:
    """A new, empty database beside the one in `url`, named after it with `_browser`; returns its URL."""
    import psycopg

    config = dj_database_url.parse(url)
    # Named like pytest-django's test databases, and apart for each xdist worker should two ever run journeys.
    name = f"test_{config['NAME']}_browser{os.environ.get('PYTEST_XDIST_WORKER', '')}"
    admin = psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
                            user=config["USER"], password=config["PASSWORD"] or None, dbname="postgres",
                            autocommit=True)
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def _drop_postgres_database(url: str) -> None:
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server stopped at start-up:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The server did not answer within {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


@contextmanager
def served(database_url: str | None) -> Iterator[Server]:
    """Migrate and seed a database of its own, collect static files, start gunicorn and the task worker."""
    var_dir = Path(tempfile.mkdtemp(prefix="tongban-browser-"))
    postgres = bool(database_url) and database_url.startswith(("postgres://", "postgresql://"))
    own_database = _fresh_postgres_database(database_url) if postgres else f"sqlite:///{var_dir / 'tongban.sqlite3'}"
    env = {
        **os.environ,
        # Production-like: DEBUG off, so the keys are required; these exist for this run only.
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": own_database,
        "TONGBAN_VAR_DIR": str(var_dir),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PYTEST_VERSION", None)  # the server is not the test run: no test-only keys
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = var_dir / "server.log"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    processes: list[subprocess.Popen[bytes]] = []
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    with log.open("ab") as out:
        def run(*args: str) -> subprocess.Popen[bytes]:
            return subprocess.Popen([*manage, *args], cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)

        try:
            # Static files are collected while the database is built: the two take about as long.
            static = run("collectstatic", "--noinput", "--verbosity", "0")
            for step in (("migrate", "--noinput", "--verbosity", "0"),
                         ("seed_demo", "--children", str(DEMO_CHILDREN), "--seed", "1")):
                if run(*step).wait() != 0:
                    raise RuntimeError(f"{step[0]} failed:\n{log.read_text(errors='replace')[-3000:]}")
            if static.wait() != 0:
                raise RuntimeError(f"collectstatic failed:\n{log.read_text(errors='replace')[-3000:]}")
            processes.append(run("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"))
            web = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "tongban.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--threads", "8", "--log-level", "warning"],
                cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
            processes.append(web)
            _wait_until_healthy(url, web, log)
            yield Server(url=url, var_dir=var_dir, log=log)
        finally:
            # A throwaway server: nothing to finish gracefully.
            for process in processes:
                process.kill()
                process.wait()
            if postgres:
                _drop_postgres_database(own_database)
            shutil.rmtree(var_dir, ignore_errors=True)
