"""The summaries of the children's files (ChildDay, ChildBirthMonth, ChildCategoryDay), kept exact by database
triggers on SQLite and PostgreSQL, as the sessions' summary is (session_days.py, which says why triggers).

A current file (not merged into another) counts once in each summary, under the local day it was opened (its
created_at in settings.TIME_ZONE), the area of its region (the region itself at county level or above, else the
county above it), its project, and: its sex and ethnicity (ChildDay); its month of birth (ChildBirthMonth); each of
its categories, a subtype under its category, and category 0 when it has any (ChildCategoryDay).

What changes a row:
- a file added, removed, or changed in its date of opening, region, project, sex, ethnicity, birth date or merger;
- a link of a child to a category added, removed or changed (merges move a dropped file's links);
- a category moved under another (rare): the categories' summary is then counted afresh.

On SQLite the local day is the UTC moment shifted by the zone's offset, taken when the triggers are installed (after
every migration run): exact for a zone without summer time, such as China's; the statistics read the summaries only
when exact() says so. A subtraction never creates a row; rows that drop to zero stay, and readers skip them.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from tongban.reports.session_days import _AREA_OF_REGION, _changed, pg_function

DAYS, BIRTHS, CATEGORIES = "reports_childday", "reports_childbirthmonth", "reports_childcategoryday"
_KEYS = {
    DAYS: ("day", "area", "project", "sex", "ethnicity"),
    BIRTHS: ("day", "area", "project", "born"),
    CATEGORIES: ("day", "area", "project", "category"),
}
TABLES = tuple(_KEYS)


def _offsets() -> set[Any]:
    zone = ZoneInfo(settings.TIME_ZONE)
    year = datetime.now().year
    return {datetime(year, month, 1, tzinfo=zone).utcoffset() for month in (1, 4, 7, 10)}


def exact(connection: BaseDatabaseWrapper) -> bool:
    """Whether the summaries' days are the local days of the files on this database (see the module's doc)."""
    return connection.vendor == "postgresql" or len(_offsets()) == 1


def _local_day(vendor: str, moment: str) -> str:
    if vendor == "postgresql":
        return f"(({moment}) AT TIME ZONE '{settings.TIME_ZONE}')::date"
    offset = next(iter(_offsets()))
    return f"date({moment}, '{int(offset.total_seconds() // 60):+d} minutes')"


def _born(vendor: str, day: str) -> str:
    return f"date_trunc('month', {day})::date" if vendor == "postgresql" else f"date({day}, 'start of month')"


def _top(category: str) -> str:
    """The category a link counts under: its parent for a subtype."""
    return f"(SELECT COALESCE(dc.parent_id, dc.id) FROM children_difficultycategory dc WHERE dc.id = {category})"


def _columns(vendor: str, table: str, row: str) -> str:
    """The key columns of a file row (NEW, OLD or an alias), but the category."""
    cols = [f"{_local_day(vendor, f'{row}.created_at')} AS day",
            f"{_AREA_OF_REGION.format(region=f'{row}.region_id')} AS area", f"{row}.project_id AS project"]
    if table == DAYS:
        cols += [f"{row}.sex AS sex", f"{row}.ethnicity AS ethnicity"]
    elif table == BIRTHS:
        cols.append(f"{_born(vendor, f'{row}.birth_date')} AS born")
    return ", ".join(cols)


def _add(table: str, select: str) -> str:
    keys = ", ".join(_KEYS[table])
    # The WHERE also keeps SQLite from reading "SELECT … ON CONFLICT" as a join's ON; a file whose region is not
    # there yet (a restore) counts nowhere until the rebuild.
    return f"""INSERT INTO {table} ({keys}, files) SELECT {keys}, n FROM ({select}) AS t WHERE t.area IS NOT NULL
        ON CONFLICT ({keys}) DO UPDATE SET files = {table}.files + excluded.files"""


def _subtract(table: str, select: str) -> str:
    match = " AND ".join(f"{table}.{k} = g.{k}" for k in _KEYS[table])
    return f"UPDATE {table} SET files = {table}.files - g.n FROM ({select}) g WHERE {match}"


def _groups_of_child(child: str) -> str:
    """The categories a file counts under, each once: its links' categories (subtypes as their category) and 0."""
    return f"""SELECT COALESCE(dc.parent_id, dc.id) AS category FROM children_childcategory l
        JOIN children_difficultycategory dc ON dc.id = l.category_id WHERE l.child_id = {child}
        UNION SELECT 0 FROM children_childcategory l WHERE l.child_id = {child}"""


# One file, in a row trigger (NEW or OLD) --------------------------------------------------------------------------

def _file(vendor: str, table: str, row: str) -> str:
    if table == CATEGORIES:
        return f"""SELECT {_columns(vendor, table, row)}, g.category AS category, 1 AS n
            FROM ({_groups_of_child(f"{row}.id")}) g WHERE {row}.merged_into_id IS NULL"""
    return f"SELECT {_columns(vendor, table, row)}, 1 AS n WHERE {row}.merged_into_id IS NULL"


def _file_changes(vendor: str, row: str, change: str) -> list[str]:
    return [(_add if change == "add" else _subtract)(table, _file(vendor, table, row)) for table in TABLES]


_FILE_KEY_FIELDS = ("created_at", "region_id", "project_id", "sex", "ethnicity", "birth_date", "merged_into_id")


def _file_changed(same: str) -> str:
    return _changed(_FILE_KEY_FIELDS, same)


# Links of a child to categories --------------------------------------------------------------------------------

def _key_of_child(vendor: str, child: str) -> str:
    return f"""SELECT {_columns(vendor, CATEGORIES, "ch")} FROM children_child ch
        WHERE ch.id = {child} AND ch.merged_into_id IS NULL"""


def _has_group(child: str, group: str, extra: str = "") -> str:
    """Whether the child has a link counting under `group` (0: any link)."""
    return f"""EXISTS (SELECT 1 FROM children_childcategory l
        JOIN children_difficultycategory dc ON dc.id = l.category_id
        WHERE l.child_id = {child} AND ({group} = 0 OR COALESCE(dc.parent_id, dc.id) = {group}) {extra})"""


def _link_rows(vendor: str, row: str, condition: str) -> str:
    """The groups of the link in OLD or NEW under its child's key, where `condition` (on g.category) holds."""
    return f"""SELECT k.day, k.area, k.project, g.category, 1 AS n
        FROM ({_key_of_child(vendor, f"{row}.child_id")}) k,
        (SELECT {_top(f"{row}.category_id")} AS category UNION ALL SELECT 0) g WHERE {condition}"""


def _link_added(vendor: str) -> str:
    # Counted when the child had no other link under the group.
    return _add(CATEGORIES, _link_rows(vendor, "NEW", "NOT " + _has_group("NEW.child_id", "g.category",
                                                                           "AND l.id <> NEW.id")))


def _link_removed(vendor: str) -> str:
    return _subtract(CATEGORIES, _link_rows(vendor, "OLD", "NOT " + _has_group("OLD.child_id", "g.category")))


def _link_moved(vendor: str) -> list[str]:
    # The row already holds its new values: the old group is left when nothing under it remains; the new one is
    # entered when no other link held it and the row itself did not before.
    held_before = f"(OLD.child_id = NEW.child_id AND (g.category = 0 OR g.category = {_top('OLD.category_id')}))"
    return [_link_removed(vendor),
            _add(CATEGORIES, _link_rows(vendor, "NEW", "NOT " + _has_group("NEW.child_id", "g.category",
                                                                            "AND l.id <> NEW.id")
                                        + f" AND NOT {held_before}"))]


def _link_statement(vendor: str, old: str, new: str) -> list[str]:
    """PostgreSQL's statement triggers: each (child, group) a statement touched, counted when it holds now and did not
    before, or held before and does not now. The links under it before the statement are those now, less the rows
    the statement wrote, plus those it removed or changed: counts, so that no row is looked up in a transition table
    (which has no index) once per link."""
    rows = f"""SELECT n1.child_id, {_top("n1.category_id")} AS category, 1 AS written, 0 AS removed FROM {new} AS n1
        UNION ALL SELECT n2.child_id, 0, 1, 0 FROM {new} AS n2
        UNION ALL SELECT o1.child_id, {_top("o1.category_id")}, 0, 1 FROM {old} AS o1
        UNION ALL SELECT o2.child_id, 0, 0, 1 FROM {old} AS o2"""
    now = """(SELECT COUNT(*) FROM children_childcategory l JOIN children_difficultycategory dc ON dc.id = l.category_id
        WHERE l.child_id = t.child_id AND (t.category = 0 OR COALESCE(dc.parent_id, dc.id) = t.category))"""
    touched = f"""SELECT t.child_id, t.category, SUM(t.written) AS written, SUM(t.removed) AS removed, {now} AS now
        FROM ({rows}) t GROUP BY t.child_id, t.category"""
    changes = f"""SELECT k.day, k.area, k.project, pc.category, CASE WHEN pc.now > 0 THEN 1 ELSE 0 END
            - CASE WHEN pc.now - pc.written + pc.removed > 0 THEN 1 ELSE 0 END AS delta
        FROM ({touched}) pc, LATERAL ({_key_of_child(vendor, "pc.child_id")}) k"""
    grouped = ("SELECT day, area, project, category, {n} AS n FROM (" + changes + ") c WHERE delta = {d} "
               "GROUP BY day, area, project, category")
    return [_subtract(CATEGORIES, grouped.format(n="COUNT(*)", d=-1)),
            _add(CATEGORIES, grouped.format(n="COUNT(*)", d=1))]


# Whole statements of files (PostgreSQL) -------------------------------------------------------------------------

def _files_of(vendor: str, table: str, rows: str) -> str:
    """The files of `rows` (a transition table, or children_child itself) grouped by the summary's key.

    For categories each file is joined to its own links (by the links' index on the child), each (file, group)
    once: whatever size the planner guesses for `rows` (an import's new files, not yet analysed, are guessed as
    one), the plan stays right. Choosing the links "of any file in `rows`" and joining them back made PostgreSQL
    scan all those links again for each of an import's 50,000 files."""
    keys = ", ".join(_KEYS[table])
    if table == CATEGORIES:
        keyed = f"SELECT f.id AS child, {_columns(vendor, table, 'f')}"
        groups = f"""{keyed}, COALESCE(dc.parent_id, dc.id) AS category FROM {rows} f
            JOIN children_childcategory l ON l.child_id = f.id
            JOIN children_difficultycategory dc ON dc.id = l.category_id WHERE f.merged_into_id IS NULL
            UNION {keyed}, 0 FROM {rows} f JOIN children_childcategory l ON l.child_id = f.id
            WHERE f.merged_into_id IS NULL"""
        return f"SELECT {keys}, COUNT(*) AS n FROM ({groups}) t GROUP BY {keys}"
    return f"""SELECT {keys}, COUNT(*) AS n FROM (SELECT {_columns(vendor, table, "f")} FROM {rows} f
        WHERE f.merged_into_id IS NULL) t GROUP BY {keys}"""


def _rebuild_categories(vendor: str) -> list[str]:
    return [f"DELETE FROM {CATEGORIES}", _add(CATEGORIES, _files_of(vendor, CATEGORIES, "children_child"))]


def _sqlite_triggers() -> dict[str, str]:
    v = "sqlite"
    body = ";\n".join
    return {
        "reports_file_added": f"""CREATE TRIGGER reports_file_added AFTER INSERT ON children_child
            WHEN NEW.merged_into_id IS NULL BEGIN {body(_file_changes(v, "NEW", "add"))}; END""",
        "reports_file_removed": f"""CREATE TRIGGER reports_file_removed AFTER DELETE ON children_child
            WHEN OLD.merged_into_id IS NULL BEGIN {body(_file_changes(v, "OLD", "subtract"))}; END""",
        "reports_file_changed": f"""CREATE TRIGGER reports_file_changed AFTER UPDATE OF {", ".join(_FILE_KEY_FIELDS)}
            ON children_child WHEN {_file_changed("IS NOT")} BEGIN
            {body(_file_changes(v, "OLD", "subtract") + _file_changes(v, "NEW", "add"))}; END""",
        "reports_link_added": f"""CREATE TRIGGER reports_link_added AFTER INSERT ON children_childcategory BEGIN
            {_link_added(v)}; END""",
        "reports_link_removed": f"""CREATE TRIGGER reports_link_removed AFTER DELETE ON children_childcategory BEGIN
            {_link_removed(v)}; END""",
        "reports_link_changed": f"""CREATE TRIGGER reports_link_changed AFTER UPDATE OF child_id, category_id
            ON children_childcategory WHEN {_changed(("child_id", "category_id"))}
            BEGIN {body(_link_moved(v))}; END""",
        "reports_category_moved": f"""CREATE TRIGGER reports_category_moved AFTER UPDATE OF parent_id
            ON children_difficultycategory WHEN {_changed(("parent_id",))} BEGIN
            {body(_rebuild_categories(v))}; END""",
    }


def sqlite_statements() -> tuple[list[str], list[str]]:
    triggers = _sqlite_triggers()
    return list(triggers.values()), [f"DROP TRIGGER IF EXISTS {name}" for name in triggers]


# The triggers of added files and links, which stand aside while an import writes (counted_together): SQLite's are
# dropped; PostgreSQL's return at once while this setting, local to the import's transaction, is on.
_SQLITE_DEFERRED = ("reports_file_added", "reports_link_added")
_PG_DEFERRED = ("reports_files_added", "reports_links_added")
_LATER = "tongban.files_counted_later"
_STAND_ASIDE = f"IF current_setting('{_LATER}', true) = 'on' THEN RETURN NULL; END IF;\n"


# name, table, the function's statements, the trigger's timing
def _pg_triggers() -> list[tuple[str, str, list[str], str]]:
    v = "postgresql"
    none_new, none_old = "(SELECT * FROM old_rows WHERE false)", "(SELECT * FROM new_rows WHERE false)"
    return [
        ("reports_files_added", "children_child",
         [_add(t, _files_of(v, t, "new_rows")) for t in TABLES],
         "AFTER INSERT ON children_child REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"),
        ("reports_files_removed", "children_child",
         [_subtract(t, _files_of(v, t, "old_rows")) for t in TABLES],
         "AFTER DELETE ON children_child REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT"),
        ("reports_file_changed", "children_child",
         _file_changes(v, "OLD", "subtract") + _file_changes(v, "NEW", "add"),
         f"AFTER UPDATE OF {', '.join(_FILE_KEY_FIELDS)} ON children_child FOR EACH ROW "
         f"WHEN ({_file_changed('IS DISTINCT FROM')})"),
        ("reports_links_added", "children_childcategory", _link_statement(v, none_old, "new_rows"),
         "AFTER INSERT ON children_childcategory REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT"),
        ("reports_links_removed", "children_childcategory", _link_statement(v, "old_rows", none_new),
         "AFTER DELETE ON children_childcategory REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT"),
        ("reports_links_changed", "children_childcategory", _link_statement(v, "old_rows", "new_rows"),
         "AFTER UPDATE ON children_childcategory REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
         "FOR EACH STATEMENT"),
        ("reports_category_moved", "children_difficultycategory", _rebuild_categories(v),
         "AFTER UPDATE OF parent_id ON children_difficultycategory FOR EACH ROW "
         f"WHEN ({_changed(('parent_id',), 'IS DISTINCT FROM')})"),
    ]


def postgresql_statements() -> tuple[list[str], list[str]]:
    create, drop = [], []
    for name, table, statements, timing in _pg_triggers():
        guard = _STAND_ASIDE if name in _PG_DEFERRED else ""
        create += [pg_function(name, statements, each_row="FOR EACH ROW" in timing, guard=guard),
                   f"CREATE TRIGGER {name} {timing} EXECUTE FUNCTION {name}()"]
        drop += [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return create, drop


def _statements(connection: BaseDatabaseWrapper) -> tuple[list[str], list[str]]:
    return postgresql_statements() if connection.vendor == "postgresql" else sqlite_statements()


def rebuild_statements(vendor: str) -> list[str]:
    """Every current file counted afresh: the summaries filled from nothing (the migration; tests compare)."""
    return [*(f"DELETE FROM {t}" for t in TABLES), *(_add(t, _files_of(vendor, t, "children_child")) for t in TABLES)]


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Count every file afresh (after a restore, which loads the links before their files)."""
    with connection.cursor() as cursor:
        for sql in rebuild_statements(connection.vendor):
            cursor.execute(sql)


@contextmanager
def counted_together(connection: BaseDatabaseWrapper, files: str) -> Iterator[None]:
    """Around a bulk insert of new files and their links (the screening import), inside its transaction: `files`
    is a table expression of the files written (SELECT * FROM children_child WHERE …). Their triggers stand aside
    while the rows are written; then the files written are counted in each summary by one grouped statement.

    On SQLite the row triggers of added files and links are dropped and made again afterwards: counted row by row,
    they took a quarter of an import's time. It all happens inside the transaction, which holds SQLite's only write
    lock: no other write can pass uncounted meanwhile, and a failure rolls the triggers back with the rows.
    PostgreSQL's statement triggers count each statement's rows together, but an import writes a statement per few
    hundred rows and the links' trigger looks up every child's links again (3 of a 50,000-row import's 22 s): they
    return at once while a setting local to this transaction says so, which no other session sees and a rollback
    undoes."""
    if not connection.in_atomic_block:
        raise RuntimeError("counted_together() needs the transaction of the rows it counts")
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            for name in _SQLITE_DEFERRED:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            cursor.execute("SELECT set_config(%s, 'on', true)", [_LATER])
    yield
    with connection.cursor() as cursor:
        if not sqlite:
            cursor.execute("SELECT set_config(%s, 'off', true)", [_LATER])
        for table in TABLES:
            cursor.execute(_add(table, _files_of(connection.vendor, table, f"({files})")))
        if sqlite:
            triggers = _sqlite_triggers()
            for name in _SQLITE_DEFERRED:
                cursor.execute(triggers[name])


def install(connection: BaseDatabaseWrapper) -> None:
    """Fill the summaries from the files on record and create the triggers that keep them."""
    uninstall(connection)
    rebuild(connection)
    with connection.cursor() as cursor:
        for sql in _statements(connection)[0]:
            cursor.execute(sql)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection)[1]:
            cursor.execute(sql)


# Around migrations: as session_days does, and for the same reasons.

def _has_summaries(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return DAYS in connection.introspection.table_names(cursor)


def before_migrations(*, using: str, plan: Any = None, **kwargs: Any) -> None:
    connection = connections[using]
    if plan != [] and _has_summaries(connection):
        uninstall(connection)


def after_migrations(*, using: str, plan: Any = None, **kwargs: Any) -> None:
    connection = connections[using]
    if plan != [] and _has_summaries(connection):
        install(connection)
