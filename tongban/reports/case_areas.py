"""The area and project of each case, with what the statistics count the children served by (CaseArea), kept exact
by database triggers on SQLite and PostgreSQL, as the sessions' summary is (session_days.py says why triggers): a
case added, removed, moved to another child or project (merges, transfers), opened or closed on another day, handed
to another worker or moved to another stage; its child moved to another region or project, or corrected in sex,
ethnicity, birth date, day of opening or risk level; a session of the case, or a home visit of its child, recorded,
moved or removed (the days of the latest of each, which the dashboards' warning of cases without contact reads)."""

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from tongban.reports.session_days import _AREA_OF_REGION, _changed, pg_function

TABLE = "reports_casearea"
_KEPT = ("area", "project", "child", "child_project", "opened_on", "closed_on", "sex", "ethnicity", "birth_date",
         "created_at", "worker", "stage", "risk", "last_session", "last_visit")

# The day of the latest session of the case, and of the latest home visit of the child, of a row of the table.
_LAST_SESSION = "(SELECT MAX(s.held_on) FROM cases_servicesession s WHERE s.case_id = {case})"
_LAST_VISIT = "(SELECT MAX(v.visited_on) FROM children_homeverification v WHERE v.child_id = {child})"


def _put(select: str) -> str:
    """Rows written or rewritten; a case whose child is not there yet (a restore) has none."""
    columns = ", ".join(("case_id", *_KEPT))
    return f"""INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM ({select}) AS t WHERE t.area IS NOT NULL
        ON CONFLICT (case_id) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in _KEPT)}"""


def _cases(rows: str, case: str = "c") -> str:
    """The columns of the cases of `rows` (a table, a transition table, or NEW), each with its child."""
    source = f"FROM {rows} {case} JOIN children_child ch ON ch.id = {case}.child_id" if rows else \
        f"FROM children_child ch WHERE ch.id = {case}.child_id"
    return f"""SELECT {case}.id AS case_id, {_AREA_OF_REGION.format(region="ch.region_id")} AS area,
        {case}.project_id AS project, {case}.child_id AS child, ch.project_id AS child_project,
        {case}.opened_on AS opened_on, {case}.closed_on AS closed_on, ch.sex AS sex, ch.ethnicity AS ethnicity,
        ch.birth_date AS birth_date, ch.created_at AS created_at, {case}.worker_id AS worker, {case}.stage AS stage,
        ch.risk AS risk,
        {_LAST_SESSION.format(case=f"{case}.id")} AS last_session,
        {_LAST_VISIT.format(child=f"{case}.child_id")} AS last_visit {source}"""


def _earlier(children: str) -> str:
    """The latest end among each case's earlier cases of the same child (any project; its own project), for the
    cases of the children `children` chooses (a condition on `child`)."""
    latest = f"""(SELECT MAX(COALESCE(o.closed_on, '9999-12-31')) FROM {TABLE} o WHERE o.child = {TABLE}.child
        AND (o.opened_on < {TABLE}.opened_on OR (o.opened_on = {TABLE}.opened_on AND o.case_id < {TABLE}.case_id))"""
    return f"""UPDATE {TABLE} SET earlier_end = {latest}),
        earlier_end_in_project = {latest} AND o.project = {TABLE}.project) WHERE {children}"""


_ONE = _cases("", "NEW")
_CASE_FIELDS = ("child_id", "project_id", "opened_on", "closed_on", "worker_id", "stage")
_CHILD_FIELDS = ("region_id", "project_id", "sex", "ethnicity", "birth_date", "created_at", "risk")
_CHILD_CHANGED = f"""UPDATE {TABLE} SET area = {_AREA_OF_REGION.format(region="NEW.region_id")},
    child_project = NEW.project_id, sex = NEW.sex, ethnicity = NEW.ethnicity, birth_date = NEW.birth_date,
    created_at = NEW.created_at, risk = NEW.risk WHERE child = NEW.id"""

# A session or visit added moves the day forward only; one removed, or moved to another case, child or day, has the
# latest day looked up again (from the index of the case's sessions or the child's visits).
_SESSIONS_RECOUNTED = f"UPDATE {TABLE} SET last_session = {_LAST_SESSION.format(case=f'{TABLE}.case_id')}"
_VISITS_RECOUNTED = f"UPDATE {TABLE} SET last_visit = {_LAST_VISIT.format(child=f'{TABLE}.child')}"


def _later(column: str, day: str, where: str) -> str:
    return f"UPDATE {TABLE} SET {column} = {day} WHERE {where} AND ({column} IS NULL OR {column} < {day})"


SQLITE = [
    f"""CREATE TRIGGER reports_case_area_added AFTER INSERT ON cases_case BEGIN {_put(_ONE)};
        {_earlier("child = NEW.child_id")}; END""",
    f"""CREATE TRIGGER reports_case_area_removed AFTER DELETE ON cases_case BEGIN
        DELETE FROM {TABLE} WHERE case_id = OLD.id; {_earlier("child = OLD.child_id")}; END""",
    f"""CREATE TRIGGER reports_case_area_moved AFTER UPDATE OF {", ".join(_CASE_FIELDS)} ON cases_case
        WHEN {_changed(_CASE_FIELDS)} BEGIN {_put(_ONE)}; {_earlier("child IN (OLD.child_id, NEW.child_id)")}; END""",
    f"""CREATE TRIGGER reports_case_area_child_moved AFTER UPDATE OF {", ".join(_CHILD_FIELDS)} ON children_child
        WHEN {_changed(_CHILD_FIELDS)} BEGIN {_CHILD_CHANGED}; END""",
    f"""CREATE TRIGGER reports_case_area_session_added AFTER INSERT ON cases_servicesession BEGIN
        {_later("last_session", "NEW.held_on", "case_id = NEW.case_id")}; END""",
    f"""CREATE TRIGGER reports_case_area_session_removed AFTER DELETE ON cases_servicesession BEGIN
        {_SESSIONS_RECOUNTED} WHERE case_id = OLD.case_id; END""",
    f"""CREATE TRIGGER reports_case_area_session_moved AFTER UPDATE OF case_id, held_on ON cases_servicesession
        WHEN {_changed(("case_id", "held_on"))} BEGIN
        {_SESSIONS_RECOUNTED} WHERE case_id IN (OLD.case_id, NEW.case_id); END""",
    f"""CREATE TRIGGER reports_case_area_visit_added AFTER INSERT ON children_homeverification BEGIN
        {_later("last_visit", "NEW.visited_on", "child = NEW.child_id")}; END""",
    f"""CREATE TRIGGER reports_case_area_visit_removed AFTER DELETE ON children_homeverification BEGIN
        {_VISITS_RECOUNTED} WHERE child = OLD.child_id; END""",
    f"""CREATE TRIGGER reports_case_area_visit_moved AFTER UPDATE OF child_id, visited_on ON children_homeverification
        WHEN {_changed(("child_id", "visited_on"))} BEGIN
        {_VISITS_RECOUNTED} WHERE child IN (OLD.child_id, NEW.child_id); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "reports_case_area_added", "reports_case_area_removed", "reports_case_area_moved", "reports_case_area_child_moved",
    "reports_case_area_session_added", "reports_case_area_session_removed", "reports_case_area_session_moved",
    "reports_case_area_visit_added", "reports_case_area_visit_removed", "reports_case_area_visit_moved")]


def _moved(key: str, day: str) -> str:
    """The cases (children) whose sessions (visits) an UPDATE statement moved to another case (child) or day: those
    it took them from and those it gave them to."""
    moved = f"FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.{key} <> n.{key} OR o.{day} <> n.{day}"
    return f"SELECT o.{key} {moved} UNION SELECT n.{key} {moved}"


_CONTACTS = {"sessions": "cases_servicesession", "visits": "children_homeverification"}
_EVENTS = (("INSERT", "added", "NEW TABLE AS new_rows"), ("DELETE", "removed", "OLD TABLE AS old_rows"),
           ("UPDATE", "changed", "OLD TABLE AS old_rows NEW TABLE AS new_rows"))

POSTGRESQL = [
    pg_function("reports_case_areas_added", [_put(_cases("new_rows")),
                                             _earlier("child IN (SELECT child_id FROM new_rows)")]),
    pg_function("reports_case_areas_removed", [f"DELETE FROM {TABLE} USING old_rows o WHERE case_id = o.id",
                                               _earlier("child IN (SELECT child_id FROM old_rows)")]),
    pg_function("reports_case_area_moved", [_put(_ONE), _earlier("child IN (OLD.child_id, NEW.child_id)")],
                each_row=True),
    pg_function("reports_case_area_child_moved", [_CHILD_CHANGED], each_row=True),
    # Statement triggers, as the sessions' summary: seed_demo's million sessions are a few hundred statements.
    pg_function("reports_case_area_sessions_added", [
        f"""UPDATE {TABLE} SET last_session = n.day FROM (SELECT case_id, MAX(held_on) AS day FROM new_rows
            GROUP BY case_id) n WHERE {TABLE}.case_id = n.case_id
            AND ({TABLE}.last_session IS NULL OR {TABLE}.last_session < n.day)"""]),
    pg_function("reports_case_area_sessions_removed", [
        f"{_SESSIONS_RECOUNTED} WHERE case_id IN (SELECT case_id FROM old_rows)"]),
    pg_function("reports_case_area_sessions_changed", [
        f"{_SESSIONS_RECOUNTED} WHERE case_id IN ({_moved('case_id', 'held_on')})"]),
    pg_function("reports_case_area_visits_added", [
        f"""UPDATE {TABLE} SET last_visit = n.day FROM (SELECT child_id, MAX(visited_on) AS day FROM new_rows
            GROUP BY child_id) n WHERE {TABLE}.child = n.child_id
            AND ({TABLE}.last_visit IS NULL OR {TABLE}.last_visit < n.day)"""]),
    pg_function("reports_case_area_visits_removed", [
        f"{_VISITS_RECOUNTED} WHERE child IN (SELECT child_id FROM old_rows)"]),
    pg_function("reports_case_area_visits_changed", [
        f"{_VISITS_RECOUNTED} WHERE child IN ({_moved('child_id', 'visited_on')})"]),
    """CREATE TRIGGER reports_case_areas_added AFTER INSERT ON cases_case REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reports_case_areas_added()""",
    """CREATE TRIGGER reports_case_areas_removed AFTER DELETE ON cases_case REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reports_case_areas_removed()""",
    f"""CREATE TRIGGER reports_case_area_moved AFTER UPDATE OF {", ".join(_CASE_FIELDS)} ON cases_case FOR EACH ROW
        WHEN ({_changed(_CASE_FIELDS, "IS DISTINCT FROM")}) EXECUTE FUNCTION reports_case_area_moved()""",
    f"""CREATE TRIGGER reports_case_area_child_moved AFTER UPDATE OF {", ".join(_CHILD_FIELDS)} ON children_child
        FOR EACH ROW WHEN ({_changed(_CHILD_FIELDS, "IS DISTINCT FROM")})
        EXECUTE FUNCTION reports_case_area_child_moved()""",
    *(f"""CREATE TRIGGER reports_case_area_{rows}_{event[1]} AFTER {event[0]} ON {table}
        REFERENCING {event[2]} FOR EACH STATEMENT EXECUTE FUNCTION reports_case_area_{rows}_{event[1]}()"""
      for rows, table in _CONTACTS.items() for event in _EVENTS),
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reports_case_areas_added ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_areas_removed ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_area_moved ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_area_child_moved ON children_child",
    *(f"DROP TRIGGER IF EXISTS reports_case_area_{rows}_{event[1]} ON {table}"
      for rows, table in _CONTACTS.items() for event in _EVENTS),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name in ("reports_case_areas_added", "reports_case_areas_removed",
                                                     "reports_case_area_moved", "reports_case_area_child_moved")),
    *(f"DROP FUNCTION IF EXISTS reports_case_area_{rows}_{event[1]}()" for rows in _CONTACTS for event in _EVENTS),
]

# Every case placed afresh: the migration fills the table with it (and tests compare against it).
REBUILD = [f"DELETE FROM {TABLE}", _put(_cases("cases_case")), _earlier("1 = 1")]


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
