"""The summary of service sessions by day (SessionDay), kept exact by database triggers on SQLite and PostgreSQL.

Why triggers and not the services: the summary must equal a count of the sessions after every write, and sessions,
cases and children are written in many places (the case services, merges, transfers, a child's move, the importer,
seed_demo's bulk inserts, cascaded deletions, retention). A trigger sees every one of them, in the same
transaction, and needs no caller to remember it. They keep counts only; no rule of the domain lives in them.

What changes a row of the summary:
- a session added, removed or changed (its case, day, type or minutes);
- a case moved to another project, team or child (a transfer, a merge of two files);
- a child moved to another region (only the area matters: a move within a county changes nothing).

A subtraction updates rows that exist and never creates one: after the summary table is emptied (a test flush),
deleting the sessions leaves no negative rows behind. Rows that drop to zero stay; readers skip them.
"""

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# The nearest region at county level or above, starting from a child's region: levels strictly decrease towards
# the root (Region.clean), so a village's grandparent or a township's parent is at most a county.
_AREA_OF_REGION = """(SELECT CASE WHEN r.level <= 3 THEN r.id WHEN p.level <= 3 THEN p.id ELSE p.parent_id END
    FROM regions_region r LEFT JOIN regions_region p ON p.id = r.parent_id WHERE r.id = {region})"""
_AREA_OF_CHILD = _AREA_OF_REGION.format(region="(SELECT ch.region_id FROM children_child ch WHERE ch.id = {child})")


def _changed(fields: tuple[str, ...], same: str = "IS NOT") -> str:
    """A trigger's condition that one of `fields` changed ("IS NOT" on SQLite, "IS DISTINCT FROM" on PostgreSQL)."""
    return " OR ".join(f"OLD.{f} {same} NEW.{f}" for f in fields)


_ADD = """INSERT INTO reports_sessionday (day, area, project, team, kind, sessions, minutes)
    {select}
    ON CONFLICT (day, area, project, team, kind) DO UPDATE
    SET sessions = reports_sessionday.sessions + excluded.sessions,
        minutes = reports_sessionday.minutes + excluded.minutes"""

_SUBTRACT = """UPDATE reports_sessionday SET sessions = reports_sessionday.sessions - g.n,
        minutes = reports_sessionday.minutes - g.m
    FROM ({select}) g
    WHERE reports_sessionday.day = g.day AND reports_sessionday.area = g.area
      AND reports_sessionday.project = g.project AND reports_sessionday.team = g.team
      AND reports_sessionday.kind = g.kind"""


def _one_session(row: str) -> str:
    """The key and counts of the session in OLD or NEW (SQLite's row triggers)."""
    return f"""SELECT {row}.held_on AS day, {_AREA_OF_CHILD.format(child="c.child_id")} AS area,
        c.project_id AS project, c.team_id AS team, {row}.kind AS kind, 1 AS n, {row}.minutes AS m
        FROM cases_case c WHERE c.id = {row}.case_id"""


def _sessions_of_case(case: str, project: str, team: str, child: str) -> str:
    return f"""SELECT s.held_on AS day, {_AREA_OF_CHILD.format(child=child)} AS area, {project} AS project,
        {team} AS team, s.kind AS kind, COUNT(*) AS n, SUM(s.minutes) AS m
        FROM cases_servicesession s WHERE s.case_id = {case} GROUP BY s.held_on, s.kind"""


def _sessions_of_child(child: str, region: str) -> str:
    return f"""SELECT s.held_on AS day, {_AREA_OF_REGION.format(region=region)} AS area, c.project_id AS project,
        c.team_id AS team, s.kind AS kind, COUNT(*) AS n, SUM(s.minutes) AS m
        FROM cases_servicesession s JOIN cases_case c ON c.id = s.case_id WHERE c.child_id = {child}
        GROUP BY s.held_on, c.project_id, c.team_id, s.kind"""


def _insert(select: str) -> str:
    # The WHERE also keeps SQLite from reading "SELECT … ON CONFLICT" as a join's ON. A session whose child is not
    # there yet (a restore loads cases_servicesession before children_child, then rebuilds) counts nowhere.
    return _ADD.format(select=f"SELECT day, area, project, team, kind, n, m FROM ({select}) AS t "
                              "WHERE t.area IS NOT NULL")


_CASE_MOVED = ("project_id", "team_id", "child_id")

SQLITE = [
    f"""CREATE TRIGGER reports_session_added AFTER INSERT ON cases_servicesession BEGIN
        {_insert(_one_session("NEW"))}; END""",
    f"""CREATE TRIGGER reports_session_removed AFTER DELETE ON cases_servicesession BEGIN
        {_SUBTRACT.format(select=_one_session("OLD"))}; END""",
    f"""CREATE TRIGGER reports_session_changed AFTER UPDATE OF case_id, held_on, kind, minutes
        ON cases_servicesession BEGIN
        {_SUBTRACT.format(select=_one_session("OLD"))};
        {_insert(_one_session("NEW"))}; END""",
    f"""CREATE TRIGGER reports_case_moved AFTER UPDATE OF {", ".join(_CASE_MOVED)} ON cases_case
        WHEN {_changed(_CASE_MOVED)} BEGIN
        {_SUBTRACT.format(select=_sessions_of_case("OLD.id", "OLD.project_id", "OLD.team_id", "OLD.child_id"))};
        {_insert(_sessions_of_case("NEW.id", "NEW.project_id", "NEW.team_id", "NEW.child_id"))}; END""",
    f"""CREATE TRIGGER reports_child_moved AFTER UPDATE OF region_id ON children_child
        WHEN {_changed(("region_id",))} BEGIN
        {_SUBTRACT.format(select=_sessions_of_child("OLD.id", "OLD.region_id"))};
        {_insert(_sessions_of_child("NEW.id", "NEW.region_id"))}; END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "reports_session_added", "reports_session_removed", "reports_session_changed", "reports_case_moved",
    "reports_child_moved")]


def _statement_rows(table: str) -> str:
    """PostgreSQL's statement triggers see every row a statement touched at once: one grouped upsert per statement,
    which keeps a bulk insert of a million sessions cheap."""
    return f"""SELECT s.held_on AS day, {_AREA_OF_CHILD.format(child="c.child_id")} AS area, c.project_id AS project,
        c.team_id AS team, s.kind AS kind, COUNT(*) AS n, SUM(s.minutes) AS m
        FROM {table} s JOIN cases_case c ON c.id = s.case_id
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"""


def pg_function(name: str, statements: list[str], *, each_row: bool = False, guard: str = "") -> str:
    """A PL/pgSQL trigger function running `statements` in order (after `guard`, PL/pgSQL of its own).

    A statement trigger's statements are planned each time they run (EXECUTE), with the sizes of the tables then:
    PL/pgSQL otherwise plans a statement without parameters once per connection and keeps that plan. Planned while
    a table was still empty (the first files of a new database), it kept reading the whole table for each row of
    every later statement (seed_demo --children 100000 on PostgreSQL stalled on it). A row trigger's statements
    name NEW and OLD, which PL/pgSQL passes as parameters; it re-plans those as their values come.

    Without JIT compilation: a bulk insert's statements are estimated dear enough for PostgreSQL to compile them,
    which took longer than running them (seed_demo's 20,000 children 55 → 46 s without)."""
    if not each_row:
        statements = [f"EXECUTE $sql${sql}$sql$" for sql in statements]
    body = ";\n".join(statements)
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql SET jit = off AS $$
        BEGIN {guard}{body}; RETURN NULL; END $$"""


POSTGRESQL = [
    pg_function("reports_sessions_added", [_insert(_statement_rows("new_rows"))]),
    pg_function("reports_sessions_removed", [_SUBTRACT.format(select=_statement_rows("old_rows"))]),
    pg_function("reports_sessions_changed", [_SUBTRACT.format(select=_statement_rows("old_rows")),
                                             _insert(_statement_rows("new_rows"))]),
    pg_function("reports_case_moved",
                [_SUBTRACT.format(select=_sessions_of_case("OLD.id", "OLD.project_id", "OLD.team_id", "OLD.child_id")),
                 _insert(_sessions_of_case("NEW.id", "NEW.project_id", "NEW.team_id", "NEW.child_id"))],
                each_row=True),
    pg_function("reports_child_moved",
                [_SUBTRACT.format(select=_sessions_of_child("OLD.id", "OLD.region_id")),
                 _insert(_sessions_of_child("NEW.id", "NEW.region_id"))], each_row=True),
    """CREATE TRIGGER reports_sessions_added AFTER INSERT ON cases_servicesession
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_sessions_added()""",
    """CREATE TRIGGER reports_sessions_removed AFTER DELETE ON cases_servicesession
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_sessions_removed()""",
    """CREATE TRIGGER reports_sessions_changed AFTER UPDATE ON cases_servicesession
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
        EXECUTE FUNCTION reports_sessions_changed()""",
    f"""CREATE TRIGGER reports_case_moved AFTER UPDATE OF {", ".join(_CASE_MOVED)} ON cases_case
        FOR EACH ROW WHEN ({_changed(_CASE_MOVED, "IS DISTINCT FROM")})
        EXECUTE FUNCTION reports_case_moved()""",
    f"""CREATE TRIGGER reports_child_moved AFTER UPDATE OF region_id ON children_child
        FOR EACH ROW WHEN ({_changed(("region_id",), "IS DISTINCT FROM")}) EXECUTE FUNCTION reports_child_moved()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS reports_sessions_added ON cases_servicesession",
    "DROP TRIGGER IF EXISTS reports_sessions_removed ON cases_servicesession",
    "DROP TRIGGER IF EXISTS reports_sessions_changed ON cases_servicesession",
    "DROP TRIGGER IF EXISTS reports_case_moved ON cases_case",
    "DROP TRIGGER IF EXISTS reports_child_moved ON children_child",
    *(f"DROP FUNCTION IF EXISTS {name}()" for name in ("reports_sessions_added", "reports_sessions_removed",
                                                     "reports_sessions_changed", "reports_case_moved",
                                                     "reports_child_moved")),
]

# Every session counted afresh: the migration fills the summary with it (and tests compare against it).
REBUILD = _insert(f"""SELECT s.held_on AS day, {_AREA_OF_CHILD.format(child="c.child_id")} AS area,
        c.project_id AS project, c.team_id AS team, s.kind AS kind, COUNT(*) AS n, SUM(s.minutes) AS m
    FROM cases_servicesession s JOIN cases_case c ON c.id = s.case_id GROUP BY 1, 2, 3, 4, 5""")


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Count every session afresh (after a restore, which loads the sessions before their children)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_sessionday")
        cursor.execute(REBUILD)


def install(connection: BaseDatabaseWrapper) -> None:
    """Fill the summary from the sessions on record and create the triggers that keep it."""
    statements = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    uninstall(connection)
    rebuild(connection)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in POSTGRESQL_DROP if connection.vendor == "postgresql" else SQLITE_DROP:
            cursor.execute(sql)


# Around migrations ---------------------------------------------------------------------------------------------
# SQLite changes a table by copying it, dropping the old one and renaming the copy, and refuses the rename while a
# trigger elsewhere names the table (and dropping a table drops its own triggers). So the triggers are taken down
# before any migration runs and put back, with the summary counted afresh, once all have run: whatever a
# migration did to sessions, cases or children is then counted too.

def _has_summary(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return "reports_sessionday" in connection.introspection.table_names(cursor)


def before_migrations(*, using: str, plan: Any = None, **kwargs: Any) -> None:
    connection = connections[using]
    if plan != [] and _has_summary(connection):
        uninstall(connection)


def after_migrations(*, using: str, plan: Any = None, **kwargs: Any) -> None:
    connection = connections[using]
    if plan != [] and _has_summary(connection):
        install(connection)
