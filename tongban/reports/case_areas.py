"""The area and project of each case, with what the statistics count the children served by (CaseArea), kept exact
by database triggers on SQLite and PostgreSQL, as the sessions' summary is (session_days.py says why triggers): a
case added, removed, moved to another child or project (merges, transfers), opened or closed on another day, handed
to another worker or moved to another stage; its child moved to another region or project, or corrected in sex,
ethnicity, birth date, day of opening or risk level; a session of the case, or a home visit of its child, recorded,
moved or removed (the days of the latest of each, which the dashboards' warning of cases without contact reads)."""

from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from tongban.reports.session_days import _AREA_OF_REGION, _changed, pg_function

TABLE = "reports_casearea"
_KEPT = ("area", "project", "child", "child_project", "opened_on", "closed_on", "sex", "ethnicity", "birth_date",
         "created_at", "worker", "stage", "risk", "last_session", "last_visit")


@dataclass(frozen=True)
class _Latest:
    """A day each row keeps: the latest `day` of the records of `table` whose `key` is the row's `row_key` (a case's
    sessions, a child's home visits). A record added moves the day forward only; one removed, or moved to another
    case (child) or day, has the latest day looked up again from the records' index. `one` and `many` name its
    triggers on SQLite (per row) and PostgreSQL (per statement, as the sessions' summary: seed_demo's million
    sessions are a few hundred statements)."""

    column: str
    table: str
    key: str
    day: str
    row_key: str
    one: str
    many: str

    def of(self, row: str) -> str:
        """The day, for the row whose key is `row`."""
        return f"(SELECT MAX(x.{self.day}) FROM {self.table} x WHERE x.{self.key} = {row})"

    def recounted(self, which: str) -> str:
        return f"UPDATE {TABLE} SET {self.column} = {self.of(f'{TABLE}.{self.row_key}')} WHERE {self.row_key} {which}"

    def later(self, key: str, day: str, source: str = "") -> str:
        """The day moved forward to `day` on the rows whose key is `key` (read from `source`, when named)."""
        return (f"UPDATE {TABLE} SET {self.column} = {day} {source} WHERE {TABLE}.{self.row_key} = {key} "
                f"AND ({TABLE}.{self.column} IS NULL OR {TABLE}.{self.column} < {day})")

    def sqlite(self) -> list[str]:
        name = f"reports_case_area_{self.one}"
        return [
            f"""CREATE TRIGGER {name}_added AFTER INSERT ON {self.table} BEGIN
                {self.later(f"NEW.{self.key}", f"NEW.{self.day}")}; END""",
            f"""CREATE TRIGGER {name}_removed AFTER DELETE ON {self.table} BEGIN
                {self.recounted(f"= OLD.{self.key}")}; END""",
            f"""CREATE TRIGGER {name}_moved AFTER UPDATE OF {self.key}, {self.day} ON {self.table}
                WHEN {_changed((self.key, self.day))} BEGIN
                {self.recounted(f"IN (OLD.{self.key}, NEW.{self.key})")}; END""",
        ]

    def sqlite_names(self) -> list[str]:
        return [f"reports_case_area_{self.one}_{event}" for event in ("added", "removed", "moved")]

    def postgresql(self) -> list[str]:
        moved = (f"FROM old_rows o JOIN new_rows n ON n.id = o.id "
                 f"WHERE o.{self.key} <> n.{self.key} OR o.{self.day} <> n.{self.day}")
        bodies = {
            "added": self.later(f"n.{self.key}", "n.day", f"FROM (SELECT {self.key}, MAX({self.day}) AS day "
                                                          f"FROM new_rows GROUP BY {self.key}) n"),
            "removed": self.recounted(f"IN (SELECT {self.key} FROM old_rows)"),
            "changed": self.recounted(f"IN (SELECT o.{self.key} {moved} UNION SELECT n.{self.key} {moved})"),
        }
        return [pg_function(f"reports_case_area_{self.many}_{event}", [sql]) for event, sql in bodies.items()] + [
            f"""CREATE TRIGGER reports_case_area_{self.many}_{event} AFTER {verb} ON {self.table}
                REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION reports_case_area_{self.many}_{event}()"""
            for event, verb, tables in _EVENTS]

    def postgresql_drop(self) -> list[str]:
        names = [f"reports_case_area_{self.many}_{event}" for event, _verb, _tables in _EVENTS]
        return [*(f"DROP TRIGGER IF EXISTS {name} ON {self.table}" for name in names),
                *(f"DROP FUNCTION IF EXISTS {name}()" for name in names)]


_EVENTS = (("added", "INSERT", "NEW TABLE AS new_rows"), ("removed", "DELETE", "OLD TABLE AS old_rows"),
           ("changed", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"))
_SESSION = _Latest("last_session", "cases_servicesession", "case_id", "held_on", "case_id", "session", "sessions")
_VISIT = _Latest("last_visit", "children_homeverification", "child_id", "visited_on", "child", "visit", "visits")


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
        {_SESSION.of(f"{case}.id")} AS last_session, {_VISIT.of(f"{case}.child_id")} AS last_visit {source}"""


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

SQLITE = [
    f"""CREATE TRIGGER reports_case_area_added AFTER INSERT ON cases_case BEGIN {_put(_ONE)};
        {_earlier("child = NEW.child_id")}; END""",
    f"""CREATE TRIGGER reports_case_area_removed AFTER DELETE ON cases_case BEGIN
        DELETE FROM {TABLE} WHERE case_id = OLD.id; {_earlier("child = OLD.child_id")}; END""",
    f"""CREATE TRIGGER reports_case_area_moved AFTER UPDATE OF {", ".join(_CASE_FIELDS)} ON cases_case
        WHEN {_changed(_CASE_FIELDS)} BEGIN {_put(_ONE)}; {_earlier("child IN (OLD.child_id, NEW.child_id)")}; END""",
    f"""CREATE TRIGGER reports_case_area_child_moved AFTER UPDATE OF {", ".join(_CHILD_FIELDS)} ON children_child
        WHEN {_changed(_CHILD_FIELDS)} BEGIN {_CHILD_CHANGED}; END""",
    *_SESSION.sqlite(),
    *_VISIT.sqlite(),
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "reports_case_area_added", "reports_case_area_removed", "reports_case_area_moved", "reports_case_area_child_moved",
    *_SESSION.sqlite_names(), *_VISIT.sqlite_names())]


POSTGRESQL = [
    pg_function("reports_case_areas_added", [_put(_cases("new_rows")),
                                             _earlier("child IN (SELECT child_id FROM new_rows)")]),
    pg_function("reports_case_areas_removed", [f"DELETE FROM {TABLE} USING old_rows o WHERE case_id = o.id",
                                               _earlier("child IN (SELECT child_id FROM old_rows)")]),
    pg_function("reports_case_area_moved", [_put(_ONE), _earlier("child IN (OLD.child_id, NEW.child_id)")],
                each_row=True),
    pg_function("reports_case_area_child_moved", [_CHILD_CHANGED], each_row=True),
    """CREATE TRIGGER reports_case_areas_added AFTER INSERT ON cases_case REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reports_case_areas_added()""",
    """CREATE TRIGGER reports_case_areas_removed AFTER DELETE ON cases_case REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reports_case_areas_removed()""",
    f"""CREATE TRIGGER reports_case_area_moved AFTER UPDATE OF {", ".join(_CASE_FIELDS)} ON cases_case FOR EACH ROW
        WHEN ({_changed(_CASE_FIELDS, "IS DISTINCT FROM")}) EXECUTE FUNCTION reports_case_area_moved()""",
    f"""CREATE TRIGGER reports_case_area_child_moved AFTER UPDATE OF {", ".join(_CHILD_FIELDS)} ON children_child
        FOR EACH ROW WHEN ({_changed(_CHILD_FIELDS, "IS DISTINCT FROM")})
        EXECUTE FUNCTION reports_case_area_child_moved()""",
    *_SESSION.postgresql(),
    *_VISIT.postgresql(),
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reports_case_areas_added ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_areas_removed ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_area_moved ON cases_case",
    "DROP TRIGGER IF EXISTS reports_case_area_child_moved ON children_child",
    *(f"DROP FUNCTION IF EXISTS {name}()" for name in ("reports_case_areas_added", "reports_case_areas_removed",
                                                     "reports_case_area_moved", "reports_case_area_child_moved")),
    *_SESSION.postgresql_drop(),
    *_VISIT.postgresql_drop(),
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
