"""Inserting a city's worth of demo records: COPY on PostgreSQL, bulk_create elsewhere.

On PostgreSQL a multi-row INSERT of 100,000 children and their 300,000 family members spends most of its time
binding parameters; COPY streams the same rows several times faster. The keys are taken from the table's
sequence first, in the order of the objects, so the records get the keys bulk_create would have given them and
objects built on top of them (a family member of a child) pick them up as before.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

COPY_BATCH = 20_000


def bulk_insert(model: type[Model], objs: Sequence[Model], batch_size: int = 2000) -> None:
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if meta.auto_field is not None:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(objs)])
            for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = key
        fields = meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        for start in range(0, len(objs), COPY_BATCH):
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for obj in objs[start:start + COPY_BATCH]:
                    copy.write_row(_row(obj, fields))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def _row(obj: Model, fields: Sequence[Any]) -> list[Any]:
    # As bulk_create does: keys of parents saved since the child object was built, then auto_now values.
    obj._prepare_related_fields_for_save(operation_name="bulk_insert")
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
