"""Checking every row of a ledger before anything is written.

One pass over the rows turns each into an unsaved Child with its FamilyMembers
and categories, or into problems (Excel row number, column header, message).
Then duplicates are looked up in bulk: inside the file, and against the files
already on record (a handful of queries for the whole file, not one per row).

Levels: an "error" blocks the whole import; a "skip" row is already on file and
is left out (so importing the same ledger twice creates nothing twice); a
"warning" row is imported and flagged for a worker to look at.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.children import rules
from tongban.children.choices import LifeStatus, Relation, Welfare
from tongban.children.models import Child, DifficultyCategory
from tongban.children.screening.columns import (
    BY_KEY,
    CATEGORY_WORDS,
    ETHNICITY_WORDS,
    HUKOU_WORDS,
    IGNORE,
    NO_WORDS,
    PARENT_STATE_WORDS,
    RELATION_WORDS,
    SEX_WORDS,
    WORD_SPLIT,
    YES_WORDS,
    norm_header,
    place_key,
)
from tongban.children.screening.mapping import ColumnPlan, required_missing
from tongban.children.screening.reading import Sheet
from tongban.children.search import normalise_name, pinyin_keys
from tongban.children.services import check_id_number
from tongban.core import crypto
from tongban.organisations.models import Project
from tongban.regions.models import Region

ERROR, WARNING, SKIP = "error", "warning", "skip"
EXAMPLE_MARK = "示例"  # the template's example row says so in its 序号 cell; it is never imported
CHUNK = 900  # values per IN (...) query: below SQLite's classic limit of 999 parameters
_EXCEL_EPOCH = date(1899, 12, 30)
_FULL_DATE = re.compile(
    r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*月?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TOWNSHIP_SUFFIXES = ("街道办事处", "办事处", "街道", "苏木", "镇", "乡")


@dataclass
class Problem:
    row: int | None  # as numbered in Excel; None for the whole file
    column: str  # the column's header as written in the file; "" for the whole row
    message: str
    level: str = ERROR

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "level": self.level}


@dataclass
class ParsedRow:
    """A row ready to be written: the child's and family members' field values, by attribute name."""

    row: int
    child: dict[str, Any]
    family: list[dict[str, Any]]
    recorded: list[int]  # manual DifficultyCategory ids
    claimed: list[str]  # rules of computed categories the ledger states, checked against the rules
    id_number: str
    phone: str = ""  # the guardian's, kept on the family member marked as guardian
    findings: list[rules.Finding] = field(default_factory=list)


@dataclass
class Check:
    plans: list[ColumnPlan]
    labels: dict[str, str] = field(default_factory=dict)  # the file's header for each field
    today: date = field(default_factory=date.today)
    rows_total: int = 0
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum(1 for p in self.problems if p.level == level)

    def sort(self) -> None:
        self.problems.sort(key=lambda p: (p.row or 0, p.level != ERROR))

    @property
    def blocking(self) -> bool:
        return any(p.level == ERROR for p in self.problems)

    def summary(self) -> dict[str, int]:
        return {"rows": self.rows_total, "to_create": len(self.rows), "errors": self.count(ERROR),
                "warnings": self.count(WARNING), "skipped": self.count(SKIP),
                "error_rows": len({p.row for p in self.problems if p.level == ERROR})}


class _Bad(Exception):
    def __init__(self, key: str, message: str, level: str = ERROR) -> None:
        super().__init__(message)
        self.key, self.message, self.level = key, message, level


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


class RowReader:
    """Reads the data rows of one sheet with one column plan."""

    def __init__(self, sheet: Sheet, plans: list[ColumnPlan], labels: dict[str, str], *, project: Project,
                 region: Region, today: date, check: Check) -> None:
        self.sheet, self.labels, self.check, self.today = sheet, labels, check, today
        self.project, self.region = project, region
        self.items = [(p.field, p.index) for p in plans if p.field and p.field != IGNORE]
        self.places = _PlaceIndex(region)
        self.categories = _CategoryIndex()
        self.state_cache: dict[str, tuple[dict[str, Any], list[str]]] = {}
        self.category_cache: dict[str, tuple[list[int], list[str], list[str], list[str]]] = {}
        self.seen_ids: dict[str, int] = {}
        self.seen_names: dict[tuple[str, date], tuple[int, str]] = {}

    def run(self, progress: Callable[[int, int], None] | None) -> None:
        sheet, check, items = self.sheet, self.check, self.items
        first = sheet.header_row + 1
        data_rows = sheet.rows[first:]
        merged_rows = self._merged_rows()
        formula_rows: dict[int, list[int]] = {}
        for r, c in sheet.formulas:
            if r >= first:
                formula_rows.setdefault(r, []).append(c)
        used = {i for _key, i in items}
        total = len(data_rows)
        for offset, cells in enumerate(data_rows):
            index = first + offset
            if progress and offset % PROGRESS_EVERY == 0:
                progress(offset, total)
            width = len(cells)
            raw = {key: cells[i] for key, i in items if i < width}
            text = {key: _cell_text(value) for key, value in raw.items()}
            if not any(value for key, value in text.items() if key != "seq"):
                continue  # empty rows (or rows with only a 序号) are skipped silently
            if text.get("seq") == EXAMPLE_MARK:
                continue
            check.rows_total += 1
            if index in merged_rows:
                continue  # reported once per merged range
            bad = [c for c in formula_rows.get(index, ()) if c in used]
            for c in bad:
                check.problems.append(Problem(index + 1, sheet.headers[c] or sheet.letter(c), _(
                    "This cell holds a formula. Replace the formulas by their values (copy the column, then "
                    "“paste values”) and upload the file again.")))
            if not bad:
                self._row(index + 1, raw, text)
        if progress:
            progress(total, total)

    def _merged_rows(self) -> set[int]:
        rows: set[int] = set()
        for (r0, c0), (r1, c1) in self.sheet.merged:
            if r1 <= self.sheet.header_row:
                continue  # a merged title or header above the data is fine
            rows.update(range(max(r0, self.sheet.header_row + 1), r1 + 1))
            cells = f"{self.sheet.letter(c0)}{r0 + 1}:{self.sheet.letter(c1)}{r1 + 1}"
            self.check.problems.append(Problem(r0 + 1, self.sheet.headers[c0] if c0 < len(self.sheet.headers) else "",
                                               _("The cells %(cells)s are merged. Un-merge them and fill in every "
                                                 "row on its own, then upload the file again.") % {"cells": cells}))
        return rows

    def _row(self, row: int, raw: dict[str, Any], text: dict[str, str]) -> None:
        problems: list[_Bad] = []
        warnings: list[_Bad] = []
        for key, value in text.items():
            if value.startswith("="):
                problems.append(_Bad(key, _("This cell starts with “=” like a formula. Type the value itself.")))
        values: dict[str, Any] = {}
        for key, parse in self.parsers:
            try:
                values[key] = parse(self, raw, text)
            except _Bad as exc:
                problems.append(exc)
        for key, limit in TEXT_LIMITS:
            value = text.get(key, "")
            if len(value) > limit:
                problems.append(_Bad(key, _("This text is too long: at most %(limit)d characters.") % {"limit": limit}))
            values[key] = value
        id_number = self._id_number(raw, text, values, problems)
        family: list[dict[str, Any]] = []
        phone = ""
        try:
            phone = self._phone(text, warnings)
            family = self._family(text, bool(phone), warnings)
        except _Bad as exc:
            problems.append(exc)
        recorded, claimed, welfare = self._categories(text, warnings)
        birth = values.get("birth_date")
        if birth and _age(birth, self.today) >= rules.ADULT_AGE:
            warnings.append(_Bad("birth_date", _("This child is already 18 or older."), WARNING))
        for bad in problems + warnings:
            self.check.problems.append(Problem(row, self._label(bad.key), bad.message, bad.level))
        if problems:
            return
        if values.pop("dibao"):
            welfare.append(Welfare.DIBAO)
        values["welfare"] = sorted(set(welfare))
        values["region_id"] = values.pop("region")
        values["project_id"] = self.project.pk
        values["name_pinyin"], values["name_initials"] = _pinyin(values["name"])
        if id_number:
            values["id_digest"] = crypto.blind_index(id_number, "id")
        if not self._in_file_duplicate(row, values, id_number):
            self.check.rows.append(ParsedRow(row, values, family, recorded, claimed, id_number, phone))

    def _label(self, key: str) -> str:
        if key == "region":
            return self.labels.get("village") or self.labels.get("township", "")
        return self.labels.get(key, BY_KEY[key].header if key in BY_KEY else "")

    # One parser per field: each returns the value or raises _Bad with the message for that cell.

    def _name(self, raw: dict[str, Any], text: dict[str, str]) -> str:
        name = normalise_name(text.get("name", ""))
        if not name:
            raise _Bad("name", _("The name is empty."))
        if len(name) > 60:
            raise _Bad("name", _("The name is too long: at most 60 characters."))
        return name

    def _sex(self, raw: dict[str, Any], text: dict[str, str]) -> str:
        value = text.get("sex", "")
        if not value:
            return ""
        sex = SEX_WORDS.get(value.lower())
        if sex is None:
            raise _Bad("sex", _("The sex must be 男 or 女, not “%(value)s”.") % {"value": value})
        return sex

    def _birth_date(self, raw: dict[str, Any], text: dict[str, str]) -> date | None:
        value = raw.get("birth_date", "")
        if value in ("", None):
            return None
        day = read_date(value)
        if day is None:
            if _MONTH_ONLY.match(text["birth_date"]):
                return self._month_only(text)
            raise _Bad("birth_date", _("“%(value)s” is not a date. Write dates like 2013-05-01 or 2013年5月1日.")
                       % {"value": text["birth_date"]})
        if isinstance(day, str):
            raise _Bad("birth_date", _("“%(value)s” is not a real date: that month has no such day.")
                       % {"value": text["birth_date"]})
        if day > self.today:
            raise _Bad("birth_date", _("The birth date %(date)s is in the future.") % {"date": day.isoformat()})
        if day.year < 1900:
            raise _Bad("birth_date", _("The birth date %(date)s is impossible.") % {"date": day.isoformat()})
        return day

    def _month_only(self, text: dict[str, str]) -> date:
        """出生年月 often holds only year and month: the day then comes from the ID number, if there is one."""
        match = _MONTH_ONLY.match(text["birth_date"])
        assert match is not None
        try:
            ids = check_id_number(text.get("id_number", ""), birth_date=None, sex="")
        except ValidationError:
            ids = None
        if ids and ids.birth_date and (ids.birth_date.year, ids.birth_date.month) == (int(match[1]), int(match[2])):
            return ids.birth_date
        raise _Bad("birth_date", _("“%(value)s” has no day. Write the full birth date, e.g. 2013-05-01.")
                   % {"value": text["birth_date"]})

    def _ethnicity(self, raw: dict[str, Any], text: dict[str, str]) -> str:
        value = text.get("ethnicity", "").replace(" ", "")
        if not value:
            return "汉族"
        group = ETHNICITY_WORDS.get(value)
        if group is None:
            raise _Bad("ethnicity", _("“%(value)s” is not one of the 56 ethnic groups. Write the full name, "
                                      "e.g. 汉族 or 蒙古族.") % {"value": value})
        return group

    def _hukou(self, raw: dict[str, Any], text: dict[str, str]) -> str:
        value = text.get("hukou", "").replace(" ", "")
        if not value:
            return ""
        hukou = HUKOU_WORDS.get(value)
        if hukou is None:
            raise _Bad("hukou", _("The household registration must be 农业 or 非农业, not “%(value)s”.")
                       % {"value": value})
        return str(hukou)

    def _region(self, raw: dict[str, Any], text: dict[str, str]) -> int:
        return self.places.find(text.get("township", ""), text.get("village", ""))

    def _dibao(self, raw: dict[str, Any], text: dict[str, str]) -> bool:
        value = text.get("dibao", "").lower()
        if not value or value in NO_WORDS:
            return False
        if value in YES_WORDS:
            return True
        raise _Bad("dibao", _("Write 是 or 否 here, not “%(value)s”.") % {"value": value})

    parsers: tuple[tuple[str, Callable[..., Any]], ...] = (
        ("name", _name), ("sex", _sex), ("birth_date", _birth_date), ("ethnicity", _ethnicity), ("hukou", _hukou),
        ("region", _region), ("dibao", _dibao))

    def _id_number(self, raw: dict[str, Any], text: dict[str, str], values: dict[str, Any],
                   problems: list[_Bad]) -> str:
        """Check the ID number against the typed birth date and sex; either may be taken from it."""
        failed = {bad.key for bad in problems}
        value = raw.get("id_number", "")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            problems.append(_Bad("id_number", _("The ID number was stored as a number, and Excel has cut off its "
                                                "last digits. Format the column as text and type the number again.")))
            return ""
        try:
            ids = check_id_number(text.get("id_number", ""), birth_date=values.get("birth_date"),
                                  sex=values.get("sex") or "")
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                problems.append(_Bad(key if key in ("birth_date", "sex") else "id_number", messages[0]))
            return ""
        if ids.number:
            values["birth_date"], values["sex"] = ids.birth_date, ids.sex
        if not values.get("birth_date") and "birth_date" not in failed:
            problems.append(_Bad("birth_date", _("The birth date is empty, and there is no ID number to take it "
                                                 "from.")))
        if not values.get("sex") and "sex" not in failed:
            problems.append(_Bad("sex", _("The sex is empty, and there is no ID number to take it from.")))
        return ids.number

    def _family(self, text: dict[str, str], has_phone: bool, warnings: list[_Bad]) -> list[dict[str, Any]]:
        family: list[dict[str, Any]] = []
        parents: dict[str, dict[str, Any]] = {}
        for relation, prefix in ((Relation.FATHER, "father"), (Relation.MOTHER, "mother")):
            name = normalise_name(text.get(f"{prefix}_name", ""))
            state_text = text.get(f"{prefix}_state", "")
            if not name and not state_text:
                continue
            if state_text not in self.state_cache:
                self.state_cache[state_text] = _state(state_text)
            fields, unknown = self.state_cache[state_text]
            if unknown:
                warnings.append(_Bad(f"{prefix}_state", _(
                    "“%(words)s” is not a state Tongban understands (e.g. 健在, 死亡, 重病, 重残, 服刑在押, 失联, "
                    "外出务工); it was not recorded.") % {"words": "、".join(unknown)}, WARNING))
            member = {"relation": str(relation), "name": name[:60], **fields}
            parents[relation] = member
            family.append(member)
        guardian = normalise_name(text.get("guardian_name", ""))
        relation_text = text.get("guardian_relation", "").replace(" ", "")
        if not (guardian or relation_text or has_phone):
            return family
        relation = str(RELATION_WORDS.get(relation_text, Relation.OTHER))
        member = parents.get(relation) or {"relation": relation, "name": guardian[:60]}
        if member not in family:
            family.append(member)
        member["is_guardian"] = True
        return family

    def _phone(self, text: dict[str, str], warnings: list[_Bad]) -> str:
        value = text.get("guardian_phone", "")
        if not value:
            return ""
        parts = [p for p in WORD_SPLIT.split(value) if p]
        digits = "".join(ch for ch in parts[0] if ch.isdigit()) if parts else ""
        if not 7 <= len(digits) <= 12:
            raise _Bad("guardian_phone", _("“%(value)s” is not a phone number: it needs 7 to 12 digits.")
                       % {"value": value})
        if len(parts) > 1:
            warnings.append(_Bad("guardian_phone", _("Only the first phone number, %(phone)s, was kept.")
                                 % {"phone": digits}, WARNING))
        return digits

    def _categories(self, text: dict[str, str], warnings: list[_Bad]) -> tuple[list[int], list[str], list[str]]:
        value = text.get("categories", "")
        if value not in self.category_cache:  # a ledger uses a handful of spellings, row after row
            self.category_cache[value] = self._read_categories(value)
        recorded, claimed, welfare, unknown = self.category_cache[value]
        for word in unknown:
            warnings.append(_Bad("categories", _("“%(word)s” is not a difficulty category Tongban knows; it was "
                                                 "not recorded.") % {"word": word}, WARNING))
        return list(recorded), list(claimed), list(welfare)

    def _read_categories(self, value: str) -> tuple[list[int], list[str], list[str], list[str]]:
        recorded: list[int] = []
        claimed: list[str] = []
        welfare: list[str] = []
        unknown: list[str] = []
        for word in WORD_SPLIT.split(value):
            if not word:
                continue
            category = self.categories.find(word)
            if category is None:
                unknown.append(word)
            elif category.rule == DifficultyCategory.Rule.WELFARE_DIBAO:
                welfare.append(Welfare.DIBAO)
            elif category.rule == DifficultyCategory.Rule.WELFARE_TEKUN:
                welfare.append(Welfare.TEKUN)
            elif category.rule:
                claimed.append(category.rule)
            elif category.pk not in recorded:
                recorded.append(category.pk)
        return recorded, claimed, welfare, unknown

    def _in_file_duplicate(self, row: int, child: dict[str, Any], id_number: str) -> bool:
        """The same child twice in one file: the same ID number, or the same name and birth date without IDs."""
        if id_number:
            earlier = self.seen_ids.get(id_number)
            if earlier is not None:
                self.check.problems.append(Problem(row, self._label("id_number"), _(
                    "The same ID number is already in row %(row)d of this file. Delete one of the two rows.")
                    % {"row": earlier}))
                return True
            self.seen_ids[id_number] = row
        key = (child["name"], child["birth_date"])
        earlier_name = self.seen_names.get(key)
        if earlier_name is None:
            self.seen_names[key] = (row, id_number)
            return False
        earlier_row, earlier_id = earlier_name
        if id_number and earlier_id:
            self.check.problems.append(Problem(row, self._label("name"), _(
                "Row %(row)d has the same name and birth date, but another ID number; both are imported. "
                "Check that they are two children.") % {"row": earlier_row}, WARNING))
            return False
        self.check.problems.append(Problem(row, self._label("name"), _(
            "Row %(row)d has the same name and birth date, and no ID number tells them apart: it looks "
            "like the same child twice. Delete one row, or add the ID numbers.") % {"row": earlier_row}))
        return True


TEXT_LIMITS = (("address", 300), ("school", 100), ("grade", 30), ("health", 300), ("notes", 2000))
PROGRESS_EVERY = 1000
_pinyin = lru_cache(maxsize=100_000)(pinyin_keys)


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def read_date(value: Any) -> date | str | None:
    """A date from a date cell, an Excel serial number or text; "bad" for text that names no real day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if 19000101 <= number <= 21001231:
            value = str(number)
        elif 1 <= number < 2958466:
            return _EXCEL_EPOCH + timedelta(days=number)
        else:
            return None
    text = str(value).strip()
    match = _FULL_DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return "bad"


def _state(text: str) -> tuple[dict[str, Any], list[str]]:
    """What a parent's state words say, as FamilyMember fields, and the words that were not understood."""
    fields: dict[str, Any] = {}
    unknown, health = [], []
    for word in WORD_SPLIT.split(text):
        if not word:
            continue
        state = PARENT_STATE_WORDS.get(word)
        if state is None:
            unknown.append(word)
            continue
        if state.life_status != LifeStatus.ALIVE:
            fields["life_status"] = str(state.life_status)
        if state.condition and "condition" not in fields:
            fields["condition"] = str(state.condition)
        if state.works_away:
            fields["works_away"] = True
        if state.health:
            health.append(state.health)
    if health:
        fields["health"] = "、".join(health)[:200]
    return fields, unknown


class _PlaceIndex:
    """The villages and townships of the batch region, loaded in one query, found by name."""

    def __init__(self, region: Region) -> None:
        self.region = region
        rows = list(Region.objects.filter(path__startswith=region.path, level__gte=Region.Level.TOWNSHIP)
                    .values_list("pk", "name", "level", "parent_id", "code"))
        self.names = {pk: name for pk, name, _level, _parent, _code in rows}
        self.by_code = {code: pk for pk, _name, _level, _parent, code in rows}
        self.parent = {pk: parent for pk, _name, _level, parent, _code in rows}
        self.villages: dict[str, list[int]] = {}
        for pk, name, level, _parent, _code in rows:
            if level == Region.Level.VILLAGE:
                for key in {name, place_key(name)}:
                    self.villages.setdefault(key, []).append(pk)
        self.cache: dict[tuple[str, str], int | _Bad] = {}

    def find(self, township: str, village: str) -> int:
        key = (township, village)
        if key not in self.cache:
            try:
                self.cache[key] = self._find(township, village)
            except _Bad as exc:
                self.cache[key] = exc
        found = self.cache[key]
        if isinstance(found, _Bad):
            raise found
        return found

    def _find(self, township: str, village: str) -> int:
        village = "".join(village.split())
        if not village:
            if self.region.level == Region.Level.VILLAGE:
                return self.region.pk
            raise _Bad("region", _("The village or community is empty."))
        if village.isdigit() and village in self.by_code:
            return self.by_code[village]
        candidates = self.villages.get(village) or self.villages.get(place_key(village)) or []
        if not candidates:
            raise _Bad("region", _("There is no village or community called “%(village)s” in %(region)s. "
                                   "Check the spelling against the official name.")
                       % {"village": village, "region": self.region.name})
        if township:
            wanted = _township_key(township)
            matching = [pk for pk in candidates if _township_key(self.names.get(self.parent[pk] or 0, "")) == wanted]
            if len(matching) == 1:
                return matching[0]
            if not matching:
                places = "、".join(sorted({self.names.get(self.parent[pk] or 0, "") for pk in candidates}))
                raise _Bad("region", _("“%(village)s” is not in %(township)s; Tongban knows it in %(places)s.")
                           % {"village": village, "township": township, "places": places})
        if len(candidates) > 1:
            places = "、".join(sorted({self.names.get(self.parent[pk] or 0, "") for pk in candidates}))
            raise _Bad("region", _("There are several places called “%(village)s” in %(region)s (in %(places)s). "
                                   "Fill in the township (乡镇/街道) so Tongban knows which one.")
                       % {"village": village, "region": self.region.name, "places": places})
        return candidates[0]


def _township_key(name: str) -> str:
    key = "".join(name.split())
    for suffix in _TOWNSHIP_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


class _CategoryIndex:
    """Difficulty categories by the words ledgers use and by their names (local sub-types included)."""

    def __init__(self) -> None:
        categories = list(DifficultyCategory.objects.filter(active=True))
        by_code = {c.code: c for c in categories}
        self.words: dict[str, DifficultyCategory] = {}
        for word, code in CATEGORY_WORDS.items():
            if code in by_code:
                self.words[word] = by_code[code]
        for category in categories:
            self.words[norm_header(category.name)] = category

    def find(self, word: str) -> DifficultyCategory | None:
        return self.words.get(norm_header(word))


def _duplicates_on_record(check: Check, labels: dict[str, str]) -> None:
    """Rows whose child already has a file are skipped; near matches are flagged. A few queries per 900 rows."""
    by_digest = {r.child["id_digest"]: r for r in check.rows if r.id_number}
    on_file: set[str] = set()
    digests = list(by_digest)
    for start in range(0, len(digests), CHUNK):
        on_file.update(Child.objects.current().filter(id_digest__in=digests[start:start + CHUNK])
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
    for start in range(0, max(len(names), len(sounds)), CHUNK):
        found = Child.objects.current().filter(
            Q(name__in=names[start:start + CHUNK]) | Q(name_pinyin__in=sounds[start:start + CHUNK])
        ).values_list("name", "name_pinyin", "birth_date", "region_id", "id_digest")
        for name, sound, birth, region_id, digest in found:
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


def apply_rules(check: Check) -> None:
    """Computed categories come from the rules; a category the ledger states but the rules do not find is flagged."""
    labels, today = check.labels, check.today
    with translation.override(settings.LANGUAGE_CODE):
        words = {str(v): str(label) for v, label in [*Relation.choices, *LifeStatus.choices]}
        for row in check.rows:
            row.findings = rules.evaluate(_RuleChild(row.child), [_RuleMember(m, words) for m in row.family], today)
    names = dict(DifficultyCategory.objects.exclude(rule="").values_list("rule", "name"))
    for row in check.rows:
        found = {f.rule for f in row.findings}
        missing = [rule for rule in row.claimed if rule not in found]
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
