"""Large exports go to the task worker: the user follows the progress, then downloads the file, theirs alone."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from tongban.audit.models import AuditEvent
from tongban.exports import services
from tongban.exports.models import ExportJob
from tongban.exports.protect import open_protected
from tongban.exports.tests.factories import imported_children
from tongban.testing import cast, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXPORT_BACKGROUND_ROWS = 2
    # Between tasks the worker drops connections not in autocommit mode: inside the test's transaction that
    # would close the connection (on PostgreSQL) mid-test.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def names_in(content: bytes) -> set[object]:
    return {row[1] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)}


def test_an_export_over_the_threshold_is_prepared_in_the_background_with_progress(client, tmp_path):
    batch, children = imported_children(tmp_path)
    signed_in(client, "worker_dalate")
    response = client.get(f"/children/export.xlsx?batch={batch.pk}")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    waiting = client.get(f"/exports/{job.pk}/")
    assert waiting["Refresh"] == "2" and "<progress" in waiting.content.decode()
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404

    run_worker()
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == ("done", 3, 3)
    assert "Refresh" not in client.get(f"/exports/{job.pk}/")
    download = client.get(f"/exports/{job.pk}/download/")
    assert download.status_code == 200 and names_in(download.content) == {c.name for c in children}
    assert AuditEvent.objects.filter(action="export", target_type="exports.exportjob").count() == 1


def test_a_large_export_for_outsiders_with_a_password_is_locked_and_the_password_forgotten(client, tmp_path):
    batch, children = imported_children(tmp_path)
    signed_in(client, "lead_dalate")
    client.post(f"/children/export.xlsx?batch={batch.pk}", {"outsiders": "on", "password": "鄂尔多斯2026"})
    job = ExportJob.objects.get()
    assert job.protected and job.password_sealed and "鄂尔多斯2026" not in job.password_sealed

    run_worker()
    job.refresh_from_db()
    assert job.state == "done" and job.password_sealed == ""
    locked = client.get(f"/exports/{job.pk}/download/").content
    with pytest.raises(Exception):  # noqa: B017 - whatever openpyxl says, it cannot read it
        load_workbook(io.BytesIO(locked))
    assert names_in(open_protected(locked, "鄂尔多斯2026")) == {c.pseudonym for c in children}


def test_an_export_is_its_owners_alone(client, tmp_path):
    batch, _children = imported_children(tmp_path)
    signed_in(client, "worker_dalate")
    client.get(f"/children/export.xlsx?batch={batch.pk}")
    job = ExportJob.objects.get()
    run_worker()
    for username in ("lead_dalate", "pm_ordos", "worker_etuoke"):
        signed_in(client, username)
        assert client.get(f"/exports/{job.pk}/").status_code == 404
        assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    client.logout()
    assert client.get(f"/exports/{job.pk}/download/")["Location"].startswith("/accounts/login/")


def test_the_worker_exports_only_what_the_owner_may_see_when_it_runs(client, tmp_path):
    batch, _children = imported_children(tmp_path)
    job = services.export_request(actor=cast("worker_etuoke"), kind=ExportJob.Kind.CHILDREN_LEDGER,
                                  query=f"batch={batch.pk}")  # a Dalate batch: not theirs
    run_worker()
    job.refresh_from_db()
    assert job.state == "done" and job.rows_total == 0


def test_a_failed_export_says_so_and_keeps_no_password(client, tmp_path, monkeypatch):
    batch, _children = imported_children(tmp_path)
    signed_in(client, "worker_dalate")
    client.post(f"/children/export.xlsx?batch={batch.pk}", {"password": "12345678"})

    def broken(job, progress):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setitem(services.PREPARERS, ExportJob.Kind.CHILDREN_LEDGER, broken)
    run_worker()
    job = ExportJob.objects.get()
    assert job.state == "failed" and job.password_sealed == "" and not job.stored_file
    assert job.error and job.error in client.get(f"/exports/{job.pk}/").content.decode()
