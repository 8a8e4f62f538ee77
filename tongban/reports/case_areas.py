"""The area and project of each case (CaseArea), kept exact by database triggers on SQLite and PostgreSQL, as the
sessions' summary is (session_days.py says why triggers): a case added, removed, moved to another child or project
(merges, transfers), or its child moved to another region."""

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from tongban.reports.session_days import _AREA_OF_CHILD, _AREA_OF_REGION

TABLE = "reports_casearea"


def _put(select: str) -> str:
    """Rows (case_id, area, project) written or rewritten; a case whose child is not there yet (a restore) has none."""
    return f"""INSERT INTO {TABLE} (case_id, area, project) SELECT case_id, area, project FROM ({select}) AS t
        WHERE t.area IS NOT NULL ON CONFLICT (case_id) DO UPDATE SET area = excluded.area, project = excluded.project"""


def _cases(rows: str) -> str:
    return f"""SELECT c.id AS case_id, {_AREA_OF_CHILD.format(child="c.child_id")} AS area, c.project_id AS project
        FROM {rows} c"""


_ONE = f"""SELECT NEW.id AS case_id, {_AREA_OF_CHILD.format(child="NEW.child_id")} AS area,
    NEW.project_id AS project"""
_CHILD_MOVED = f"""UPDATE {TABLE} SET area = {_AREA_OF_REGION.format(region="NEW.region_id")}
    WHERE case_id IN (SELECT c.id FROM cases_case c WHERE c.child_id = NEW.id)"""
_MOVED = "OLD.child_id IS NOT NEW.child_id OR OLD.project_id IS NOT NEW.project_id"

SQLITE = [
    f"CREATE TRIGGER reports_case_area_added AFTER INSERT ON cases_case BEGIN {_put(_ONE)}; END",
    f"CREATE TRIGGER reports_case_area_removed AFTER DELETE ON cases_case BEGIN "
    f"DELETE FROM {TABLE} WHERE case_id = OLD.id; END",
    f"""CREATE TRIGGER reports_case_area_moved AFTER UPDATE OF child_id, project_id ON cases_case WHEN {_MOVED}
        BEGIN {_put(_ONE)}; END""",
    f"""CREATE TRIGGER reports_case_area_child_moved AFTER UPDATE OF region_id ON children_child
        WHEN OLD.region_id IS NOT NEW.region_id BEGIN {_CHILD_MOVED}; END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "reports_case_area_added", "reports_case_area_removed", "reports_case_area_moved", "reports_case_area_child_moved")]


def _pg_function(name: str, body: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {body}; RETURN NULL; END $$"""


POSTGRESQL = [
    _pg_function("reports_case_areas_added", _put(_cases("new_rows"))),
    _pg_function("reports_case_areas_removed", f"DELETE FROM {TABLE} USING old_rows o WHERE case_id = o.id"),
    _pg_function("reports_case_area_moved", _put(_ONE)),
    _pg_function("reports_case_area_child_moved", _CHILD_MOVED),
    """CREATE TRIGGER reports_case_areas_added AFTER INSERT ON cases_case REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reports_case_areas_added()""",
    """CREATE TRIGGER reports_case_areas_removed AFTER DELETE ON cases_case REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reports_case_areas_removed()""",
    f"""CREATE TRIGGER reports_case_area_moved AFTER UPDATE OF child_id, project_id ON cases_case FOR EACH ROW
        WHEN ({_MOVED.replace(" IS NOT ", " IS DISTINCT FROM ")}) EXECUTE FUNCTION reports_case_area_moved()""",
    """CREATE TRIGGER reports_case_area_child_moved AFTER UPDATE OF region_id ON children_child FOR EACH ROW
        WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id) EXECUTE FUNCTION reports_case_area_child_moved()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reports_case_areas_added ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_areas_removed ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_area_moved ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_area_child_moved ON children_child",
    *(f"DROP FUNCTION IF EXISTS {name}()" for name in ("reports_case_areas_added", "reports_case_areas_removed",
                                                     "reports_case_area_moved", "reports_case_area_child_moved")),
]

# Every case placed afresh: the migration fills the table with it (and tests compare against it).
REBUILD = [f"DELETE FROM {TABLE}", _put(_cases("cases_case"))]


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Place every case afresh (after a restore, which loads the cases before their children)."""
    with connection.cursor() as cursor:
        for sql in REBUILD:
            cursor.execute(sql)


def install(connection: BaseDatabaseWrapper) -> None:
    """Fill the table from the cases on record and create the triggers that keep it."""
    uninstall(connection)
    rebuild(connection)
    with connection.cursor() as cursor:
        for sql in POSTGRESQL if connection.vendor == "postgresql" else SQLITE:
            cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in POSTGRESQL_DROP if connection.vendor == "postgresql" else SQLITE_DROP:
            cursor.execute(sql)


# Around migrations: as session_days does, and for the same reasons.

def _has_table(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return TABLE in connection.introspection.table_names(cursor)


def before_migrations(*, using: str, plan: Any = None, **kwargs: Any) -> None:
    connection = connections[using]
    if plan != [] and _has_table(connection):
        uninstall(connection)


def after_migrations(*, using: str, plan: Any = None, **kwargs: Any) -> None:
    connection = connections[using]
    if plan != [] and _has_table(connection):
        install(connection)
