"""Checking every row of a ledger before anything is written.

One pass over the rows turns each into an unsaved Child with its FamilyMembers
and categories, or into problems (Excel row number, column header, message).
Then duplicates are looked up in bulk: inside the file, and against the files
already on record (a handful of queries for the whole file, not one per row).

Levels: an "error" blocks the whole import; a "skip" row is already on file and
is left out (so importing the same ledger twice creates nothing twice); a
"warning" row is imported and flagged for a worker to look at.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.children import rules
from tongban.children.choices import LifeStatus, Relation
from tongban.children.models import Child, DifficultyCategory
from tongban.children.screening.columns import (
    BY_KEY,
    IGNORE,
)
from tongban.children.screening.mapping import ColumnPlan, required_missing
from tongban.children.screening.reading import Sheet
from tongban.children.screening.results import CHUNK, SKIP, WARNING, Check, Problem
from tongban.children.screening.rows import RowReader
from tongban.organisations.models import Project
from tongban.regions.models import Region


def check_sheet(sheet: Sheet, plans: list[ColumnPlan], *, project: Project, region: Region,
                today: date | None = None, progress: Callable[[int, int], None] | None = None) -> Check:
    """Every problem of the ledger, and the rows that can be imported."""
    check = check_file(sheet, plans, project=project, region=region, today=today, progress=progress)
    if not check.blocking:
        check_record(check)
    return check


def check_file(sheet: Sheet, plans: list[ColumnPlan], *, project: Project, region: Region,
               today: date | None = None, progress: Callable[[int, int], None] | None = None) -> Check:
    """What the file alone says: its columns, every row, duplicates inside it, and the computed categories."""
    today = today or date.today()
    labels = {p.field: p.label for p in plans if p.field and p.field != IGNORE}
    check = Check(plans=plans, labels=labels, today=today)
    header_row = sheet.header_row + 1
    for plan in plans:
        if not plan.field:
            check.problems.append(Problem(header_row, plan.label, _(
                "Tongban does not know what this column holds. Choose its field below, or choose "
                "“ignore this column”.")))
    seen: dict[str, ColumnPlan] = {}
    for plan in plans:
        if plan.field and plan.field != IGNORE:
            if plan.field in seen:
                check.problems.append(Problem(header_row, plan.label, _(
                    "This column and column “%(other)s” both hold %(field)s. Keep one and ignore the other.")
                    % {"other": seen[plan.field].label, "field": BY_KEY[plan.field].header}))
            seen[plan.field] = plan
    for missing in required_missing(plans, village_optional=region.level == Region.Level.VILLAGE):
        check.problems.append(Problem(header_row, missing, _(
            "This column is required and was not found. Add it to the ledger, or choose which column holds it.")))
    if check.blocking:
        return check
    RowReader(sheet, plans, labels, project=project, region=region, today=today, check=check).run(progress)
    apply_rules(check)
    check.sort()
    return check


def check_record(check: Check) -> None:
    """What the files already on record say: rows already on file are skipped, near matches flagged."""
    _duplicates_on_record(check, check.labels)
    check.sort()


def _duplicates_on_record(check: Check, labels: dict[str, str]) -> None:
    """Rows whose child already has a file are skipped; near matches are flagged. A few queries per 900 rows."""
    by_digest = {r.child["id_digest"]: r for r in check.rows if r.id_number}
    on_file: set[str] = set()
    digests = list(by_digest)
    for start in range(0, len(digests), CHUNK):
        on_file.update(Child.objects.with_id_digest(*digests[start:start + CHUNK]).order_by()
                       .values_list("id_digest", flat=True))
    name_label = labels.get("name", "")
    skipped: set[int] = set()
    for digest in on_file:
        row = by_digest[digest]
        skipped.add(row.row)
        check.problems.append(Problem(row.row, labels.get("id_number", ""), _(
            "Already on file: a file with this ID number exists. This row is skipped."), SKIP))
    remaining = [r for r in check.rows if r.row not in skipped]
    names = sorted({r.child["name"] for r in remaining})
    sounds = sorted({r.child["name_pinyin"] for r in remaining})
    known: dict[tuple[str, date], list[tuple[int, str]]] = {}
    heard: dict[tuple[str, date], list[str]] = {}
    for name, sound, birth, region_id, digest in _same_names_on_record(names, sounds):
        known.setdefault((name, birth), []).append((region_id, digest))
        heard.setdefault((sound, birth), []).append(name)
    for row in remaining:
        child = row.child
        same = known.get((child["name"], child["birth_date"]), [])
        if same and not row.id_number and any(region_id == child["region_id"] for region_id, _d in same):
            skipped.add(row.row)
            check.problems.append(Problem(row.row, name_label, _(
                "Already on file: a file with the same name, birth date and village exists. This row is skipped."),
                SKIP))
        elif same and (not row.id_number or any(not digest for _r, digest in same)):
            check.problems.append(Problem(row.row, name_label, _(
                "Another file has the same name and birth date; they may be the same child. Check the suspected "
                "duplicates after the import."), WARNING))
        elif any(name != child["name"] for name in heard.get((child["name_pinyin"], child["birth_date"]), [])):
            check.problems.append(Problem(row.row, name_label, _(
                "Another file has a name that sounds the same and the same birth date; they may be the same child. "
                "Check the suspected duplicates after the import."), WARNING))
    check.rows = [r for r in check.rows if r.row not in skipped]
    # A skipped row is not imported: what it would have needed checking no longer matters.
    check.problems = [p for p in check.problems if not (p.level == WARNING and p.row in skipped)]


def _same_names_on_record(names: list[str], sounds: list[str]) -> list[tuple[str, str, date, int, str]]:
    """Current files whose name, or whose full pinyin, is one of the given: each file once.

    PostgreSQL takes each list as one array and reads the table once, testing every row against both lists
    (hashed). SQLite takes at most 999 values per query, so it looks them up by index, a list at a time:
    one query for names and one for sounds, because SQLite answers "name IN (...) OR name_pinyin IN (...)"
    by merging two index searches row by row, some fifteen times slower for a whole ledger.
    """
    fields = ("pk", "name", "name_pinyin", "birth_date", "region_id", "id_digest")
    current = Child.objects.current()
    if connection.vendor == "postgresql":
        where = RawSQL("(name = ANY(%s) OR name_pinyin = ANY(%s))", (names, sounds),
                       output_field=BooleanField())
        return [row[1:] for row in current.filter(where).values_list(*fields)]
    found: dict[int, tuple[str, str, date, int, str]] = {}
    for field, values in (("name", names), ("name_pinyin", sounds)):
        for start in range(0, len(values), CHUNK):
            for pk, *row in current.filter(**{f"{field}__in": values[start:start + CHUNK]}).values_list(*fields):
                found[pk] = tuple(row)  # type: ignore[assignment]
    return list(found.values())


class _RuleChild:
    """What rules.evaluate reads of a child: the import records no disability, so no labels are needed."""

    __slots__ = ("birth_date", "hukou", "school", "disability", "disability_grade", "welfare")

    def __init__(self, child: dict[str, Any]) -> None:
        self.birth_date, self.hukou, self.school = child["birth_date"], child["hukou"], child["school"]
        self.disability, self.disability_grade, self.welfare = "", None, child["welfare"]

    def get_disability_display(self) -> str:
        return ""

    def get_disability_grade_display(self) -> str:
        return ""


class _RuleMember:
    """What rules.evaluate reads of a family member. Labels come from a dict made once: Django's
    get_FOO_display() rebuilds the choices for every call, which would be most of the time of an import."""

    __slots__ = ("relation", "life_status", "disability", "disability_grade", "condition", "condition_since",
                 "works_away", "labels")

    def __init__(self, member: dict[str, Any], labels: dict[str, str]) -> None:
        self.relation, self.labels = member["relation"], labels
        self.life_status = member.get("life_status", LifeStatus.ALIVE)
        self.condition, self.works_away = member.get("condition", ""), member.get("works_away", False)
        self.disability, self.disability_grade, self.condition_since = "", None, None

    def get_relation_display(self) -> str:
        return self.labels[self.relation]

    def get_life_status_display(self) -> str:
        return self.labels[self.life_status]


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def apply_rules(check: Check) -> None:
    """Computed categories come from the rules; a category the ledger states but the rules do not find is flagged."""
    labels, today = check.labels, check.today
    # The rules read the child's age (not the day of birth), household, schooling and welfare, and each
    # parent's situation. Rows alike in these get the same findings, so each combination is evaluated once:
    # a ledger of 50,000 children has a few thousand.
    found: dict[tuple[Any, ...], list[rules.Finding]] = {}
    with translation.override(settings.LANGUAGE_CODE):
        words = {str(v): str(label) for v, label in [*Relation.choices, *LifeStatus.choices]}
        for row in check.rows:
            child = row.child
            key = (_age(child["birth_date"], today), child["hukou"], bool(child["school"]), tuple(child["welfare"]),
                   tuple((m["relation"], m.get("life_status"), m.get("condition"), m.get("works_away"))
                         for m in row.family))
            if key not in found:
                found[key] = rules.evaluate(_RuleChild(child), [_RuleMember(m, words) for m in row.family], today)
            row.findings = found[key]
    names = dict(DifficultyCategory.objects.exclude(rule="").values_list("rule", "name"))
    for row in check.rows:
        rules_found = {f.rule for f in row.findings}
        missing = [rule for rule in row.claimed if rule not in rules_found]
        if DifficultyCategory.Rule.OWN_DISABILITY in missing:
            missing.remove(DifficultyCategory.Rule.OWN_DISABILITY)
            check.problems.append(Problem(row.row, labels.get("categories", ""), _(
                "The ledger says %(category)s. After the import, record the child's disability (kind and grade) in "
                "the file, and Tongban will place the child in this category.")
                % {"category": names.get(DifficultyCategory.Rule.OWN_DISABILITY, "")}, WARNING))
        if missing:
            check.problems.append(Problem(row.row, labels.get("categories", ""), _(
                "The ledger says %(categories)s, but the parents' situation in this row does not show it. Tongban "
                "decides this category from the parents' situation: check 父亲状况 and 母亲状况.")
                % {"categories": "、".join(names.get(rule, rule) for rule in missing)}, WARNING))
