"""Background work of exports, run by the task worker (`manage.py db_worker`)."""

from typing import Any

from django_tasks import task


@task()
def run_export(job_id: int) -> dict[str, Any]:
    from tongban.exports.services import export_run

    job = export_run(job_id=job_id)
    return {"state": job.state, "rows": job.rows_total}
