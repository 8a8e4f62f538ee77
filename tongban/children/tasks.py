"""Background work of the children's files, run by the task worker (`manage.py db_worker`)."""

from typing import Any

from django_tasks import task


@task()
def commit_screening_batch(batch_id: int) -> dict[str, Any]:
    """Write a confirmed screening ledger: all of its rows, or none of them."""
    from tongban.children.screening.services import screening_commit

    batch = screening_commit(batch_id=batch_id)
    return {"state": batch.state, "created": batch.created_count, **batch.summary}
