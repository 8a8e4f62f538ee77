import base64
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from tongban.accounts.models import User

pytestmark = pytest.mark.django_db


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a real deployment behind TLS, outside the test run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env.update(
        {
            "DEBUG": "false",
            "HTTPS": "true",
            "HSTS_SECONDS": "31536000",
            "HSTS_INCLUDE_SUBDOMAINS": "true",
            "HSTS_PRELOAD": "true",
            "SECRET_KEY": secrets.token_urlsafe(45),
            "ALLOWED_HOSTS": "tongban.example.org",
            "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        }
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # `python -m django` reads only the given environment: manage.py would also take var/local.env's keys,
    # which a local checkout has but a deployment does not.
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@task()
def count_accounts(role: str) -> int:
    return User.objects.filter(role=role).count()


def test_health_check_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"])
def test_settings_refuse_to_start_without_a_secret(secret):
    env = production_env()
    del env[secret]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{secret} must be set when DEBUG is off" in result.stderr


def test_settings_refuse_a_misspelt_switch():
    result = manage("check", env=production_env(HTTPS="yes please"))
    assert result.returncode != 0
    assert "HTTPS must be true or false" in result.stderr


def test_settings_refuse_a_page_cost_that_is_not_a_number():
    result = manage("check", env=production_env(DATABASE_URL="postgres://tongban@127.0.0.1:5432/tongban",
                                                PG_RANDOM_PAGE_COST="cheap"))
    assert result.returncode != 0
    assert "PG_RANDOM_PAGE_COST must be a number" in result.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_postgresql_prices_index_pages_as_read_from_memory():
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


def test_a_background_task_waits_in_the_database_until_the_worker_runs_it(monkeypatch):
    # Between tasks the worker drops connections that are not in autocommit mode; inside
    # the test's transaction that would close the connection (on PostgreSQL) mid-test.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    result = count_accounts.enqueue("project_admin")
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 2


def test_seed_demo_refuses_a_database_that_already_has_data():
    users = User.objects.count()
    with pytest.raises(CommandError, match="already has data"):
        call_command("seed_demo")
    assert User.objects.count() == users


def test_seed_demo_if_empty_leaves_a_filled_database_alone(capsys):
    users = User.objects.count()
    call_command("seed_demo", "--if-empty")
    assert "demo data not loaded" in capsys.readouterr().out
    assert User.objects.count() == users


def test_a_web_process_keeps_what_it_loaded_at_start_out_of_the_garbage_collectors_reach():
    script = ("import gc, sys, tongban.wsgi; "
              "sys.exit(0 if gc.get_freeze_count() > 100_000 and 'tongban.cases.views' in sys.modules else 1)")
    result = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, env=production_env(),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
