"""Writing a checked ledger: children, then their family members, then their categories, in bulk.

Called inside the import's transaction. Values go to the database driver as they are (executemany on
SQLite, COPY on PostgreSQL) rather than through bulk_create, which would spend most of a 50,000-row
import turning each value into SQL one by one.
"""

import random
from operator import itemgetter
from typing import Any

from django.db import connections, models, router
from django.db.models import Model
from django.utils import timezone

from tongban.children.choices import Status
from tongban.children.models import (
    Child,
    ChildCategory,
    DifficultyCategory,
    FamilyMember,
    ScreeningBatch,
    id_number_fields,
    phone_fields,
)
from tongban.children.screening.results import CHUNK, Check
from tongban.children.screening.storage import saving
from tongban.children.services import PSEUDONYM_STEMS
from tongban.core import crypto
from tongban.reports import child_days

INSERT_CHUNK = 5000
# Rows written per round: ids are looked up by pseudonym, so stay below SQLite's classic 999 parameters.
ROUND = CHUNK


def write_batch(batch: ScreeningBatch, check: Check) -> int:
    """Insert children, then their family members, then their categories, a few hundred rows per statement."""
    taken = set(Child.objects.filter(project_id=batch.project_id).values_list("pseudonym", flat=True))
    rng = random.Random()
    by_rule = dict(DifficultyCategory.objects.exclude(rule="").filter(active=True).values_list("rule", "pk"))
    common = {"screening_batch_id": batch.pk, "created_by_id": batch.created_by_id, "status": Status.SCREENED}
    recorded, computed = ChildCategory.Source.RECORDED, ChildCategory.Source.COMPUTED
    tails: dict[tuple[str, str], str] = {}
    # The files written, counted in the statistics' summaries together once they are all in (child_days).
    new_files = f"SELECT * FROM children_child WHERE screening_batch_id = {int(batch.pk)}"
    with child_days.counted_together(connections[router.db_for_write(Child)], new_files):
        for start in range(0, len(check.rows), ROUND):
            rows = check.rows[start:start + ROUND]
            # Encrypted together: one cipher for all of them rather than one per value (crypto.encrypt_many).
            sealed_ids = crypto.encrypt_many([row.id_number for row in rows])
            sealed_phones = crypto.encrypt_many([row.phone for row in rows])
            children = []
            for row, sealed in zip(rows, sealed_ids, strict=True):
                values = {**row.child, **common, "pseudonym": _pseudonym(taken, rng)}
                if row.id_number:
                    tails[(row.id_number, "id")] = row.child["id_digest"]  # the check made it already
                    values.update(_id_fields(row.id_number, tails, sealed))
                children.append(values)
            _insert(Child, children)
            # The pseudonym is unique within the project (and indexed so): it tells which new row is whose.
            pseudonyms = [c["pseudonym"] for c in children]
            ids = dict(Child.objects.filter(project_id=batch.project_id, pseudonym__in=pseudonyms)
                       .values_list("pseudonym", "pk"))
            members, categories = [], []
            for row, values, sealed in zip(rows, children, sealed_phones, strict=True):
                child_id = ids[values["pseudonym"]]
                for fields in row.family:
                    member = {**fields, "child_id": child_id}
                    if row.phone and fields.get("is_guardian"):
                        member.update(phone_fields(row.phone, encrypted=sealed))
                    members.append(member)
                for category_id in row.recorded:
                    categories.append({"child_id": child_id, "category_id": category_id, "source": recorded})
                for finding in row.findings:
                    if finding.rule in by_rule:
                        categories.append({"child_id": child_id, "category_id": by_rule[finding.rule],
                                           "source": computed, "reason": finding.reason[:300]})
            _insert(FamilyMember, members)
            _insert(ChildCategory, categories)
            saving(batch, start + len(rows), len(check.rows))
    return len(check.rows)


def _id_fields(number: str, tails: dict[tuple[str, str], str], encrypted: str) -> dict[str, Any]:
    """What Child.set_id_number stores for this number. The digests of the last 4-6 digits are made once per
    import: 45,000 numbers share a few thousand endings of four digits."""

    def digest(value: str, purpose: str) -> str:
        try:
            return tails[(value, purpose)]
        except KeyError:
            tails[(value, purpose)] = found = crypto.blind_index(value, purpose)
            return found

    return id_number_fields(number, digest=digest, encrypted=encrypted)


# Field types whose Python values the database driver cannot take as they are.
_PREPARED = (models.DateField, models.TimeField, models.DurationField, models.DecimalField, models.JSONField,
             models.UUIDField, models.BinaryField)


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows given as {attname: value}, many per statement, without building model instances.

    bulk_create would spend most of a 50,000-row import turning each value into SQL one by one; here
    values pass straight to the driver, except the few field types that need converting (dates, JSON),
    and defaults and timestamps are converted once. Like bulk_create, no save() and no signals.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    pairs, convert = [], []
    for index, f in enumerate(fields):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            pairs.append((f.attname, f.get_db_prep_save(now, connection)))
            continue
        pairs.append((f.attname, f.get_db_prep_save(f.get_default(), connection)))
        if isinstance(f, _PREPARED):
            convert.append((index, f.attname, f))
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    prepared: dict[tuple[str, Any], Any] = {}  # few distinct values (welfare lists, dates): convert each once
    params = []
    defaults = dict(pairs)
    columns_of = itemgetter(*defaults)  # a row's values in column order, defaults where it has none
    for row in rows:
        values = list(columns_of({**defaults, **row}))
        for index, name, field in convert:
            if name in row:
                value = row[name]
                key = (name, tuple(value) if isinstance(value, list) else value)
                try:
                    values[index] = prepared[key]
                except KeyError:
                    values[index] = prepared[key] = field.get_db_prep_save(value, connection)
                except TypeError:  # unhashable (a dict for a JSON field): convert it on its own
                    values[index] = field.get_db_prep_save(value, connection)
        params.append(values)
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path: several times faster than one INSERT per row, in the same transaction.
        columns = ", ".join(quote(f.column) for f in fields)
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(params), INSERT_CHUNK):
            cursor.executemany(sql, params[start:start + INSERT_CHUNK])


def _pseudonym(taken: set[str], rng: random.Random) -> str:
    while True:
        candidate = "".join(rng.sample(PSEUDONYM_STEMS, 2)) + f"{rng.randint(1, 999):03d}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
