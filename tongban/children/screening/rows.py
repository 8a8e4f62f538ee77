"""Reading the data rows of a ledger: each row becomes the field values of a child and its family
members, or problems naming the row and the column."""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tongban.children import rules
from tongban.children.choices import LifeStatus, Relation, Welfare
from tongban.children.models import DifficultyCategory
from tongban.children.screening.columns import (
    BY_KEY,
    ETHNICITY_WORDS,
    HUKOU_WORDS,
    IGNORE,
    NO_WORDS,
    PARENT_STATE_WORDS,
    RELATION_WORDS,
    SEX_WORDS,
    WORD_SPLIT,
    YES_WORDS,
)
from tongban.children.screening.lookups import CategoryIndex, PlaceIndex
from tongban.children.screening.mapping import ColumnPlan
from tongban.children.screening.reading import Sheet
from tongban.children.screening.results import EXAMPLE_MARK, WARNING, Bad, Check, ParsedRow, Problem
from tongban.children.search import name_keys, normalise_name
from tongban.children.services import check_id_number
from tongban.core import crypto
from tongban.organisations.models import Project
from tongban.regions.models import Region

_EXCEL_EPOCH = date(1899, 12, 30)
_FULL_DATE = re.compile(
    r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*月?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class RowReader:
    """Reads the data rows of one sheet with one column plan."""

    def __init__(self, sheet: Sheet, plans: list[ColumnPlan], labels: dict[str, str], *, project: Project,
                 region: Region, today: date, check: Check) -> None:
        self.sheet, self.labels, self.check, self.today = sheet, labels, check, today
        self.project, self.region = project, region
        self.items = [(p.field, p.index) for p in plans if p.field and p.field != IGNORE]
        self.places = PlaceIndex(region)
        self.categories = CategoryIndex()
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
        problems: list[Bad] = []
        warnings: list[Bad] = []
        for key, value in text.items():
            if value.startswith("="):
                problems.append(Bad(key, _("This cell starts with “=” like a formula. Type the value itself.")))
        values: dict[str, Any] = {}
        for key, parse in self.parsers:
            try:
                values[key] = parse(self, raw, text)
            except Bad as exc:
                problems.append(exc)
        for key, limit in TEXT_LIMITS:
            value = text.get(key, "")
            if len(value) > limit:
                problems.append(Bad(key, _("This text is too long: at most %(limit)d characters.") % {"limit": limit}))
            values[key] = value
        id_number = self._id_number(raw, text, values, problems)
        family: list[dict[str, Any]] = []
        phone = ""
        try:
            phone = self._phone(text, warnings)
            family = self._family(text, bool(phone), warnings)
        except Bad as exc:
            problems.append(exc)
        recorded, claimed, welfare = self._categories(text, warnings)
        birth = values.get("birth_date")
        if birth and _age(birth, self.today) >= rules.ADULT_AGE:
            warnings.append(Bad("birth_date", _("This child is already 18 or older."), WARNING))
        for bad in problems + warnings:
            self.check.problems.append(Problem(row, self._label(bad.key), bad.message, bad.level))
        if problems:
            return
        if values.pop("dibao"):
            welfare.append(Welfare.DIBAO)
        values["welfare"] = sorted(set(welfare))
        values["region_id"] = values.pop("region")
        values["project_id"] = self.project.pk
        values.update(_name_keys(values["name"]))
        if id_number:
            values["id_digest"] = crypto.blind_index(id_number, "id")
        if not self._in_file_duplicate(row, values, id_number):
            self.check.rows.append(ParsedRow(row, values, family, recorded, claimed, id_number, phone))

    def _label(self, key: str) -> str:
        if key == "region":
            return self.labels.get("village") or self.labels.get("township", "")
        return self.labels.get(key, BY_KEY[key].header if key in BY_KEY else "")

    # One parser per field: each returns the value or raises Bad with the message for that cell.

    def _name(self, raw: dict[str, Any], text: dict[str, str]) -> str:
        name = normalise_name(text.get("name", ""))
        if not name:
            raise Bad("name", _("The name is empty."))
        if len(name) > 60:
            raise Bad("name", _("The name is too long: at most 60 characters."))
        return name

    def _sex(self, raw: dict[str, Any], text: dict[str, str]) -> str:
        value = text.get("sex", "")
        if not value:
            return ""
        sex = SEX_WORDS.get(value.lower())
        if sex is None:
            raise Bad("sex", _("The sex must be 男 or 女, not “%(value)s”.") % {"value": value})
        return sex

    def _birth_date(self, raw: dict[str, Any], text: dict[str, str]) -> date | None:
        value = raw.get("birth_date", "")
        if value in ("", None):
            return None
        day = read_date(value)
        if day is None:
            if _MONTH_ONLY.match(text["birth_date"]):
                return self._month_only(text)
            raise Bad("birth_date", _("“%(value)s” is not a date. Write dates like 2013-05-01 or 2013年5月1日.")
                       % {"value": text["birth_date"]})
        if isinstance(day, str):
            raise Bad("birth_date", _("“%(value)s” is not a real date: that month has no such day.")
                       % {"value": text["birth_date"]})
        if day > self.today:
            raise Bad("birth_date", _("The birth date %(date)s is in the future.") % {"date": day.isoformat()})
        if day.year < 1900:
            raise Bad("birth_date", _("The birth date %(date)s is impossible.") % {"date": day.isoformat()})
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
        raise Bad("birth_date", _("“%(value)s” has no day. Write the full birth date, e.g. 2013-05-01.")
                   % {"value": text["birth_date"]})

    def _ethnicity(self, raw: dict[str, Any], text: dict[str, str]) -> str:
        value = text.get("ethnicity", "").replace(" ", "")
        if not value:
            return "汉族"
        group = ETHNICITY_WORDS.get(value)
        if group is None:
            raise Bad("ethnicity", _("“%(value)s” is not one of the 56 ethnic groups. Write the full name, "
                                      "e.g. 汉族 or 蒙古族.") % {"value": value})
        return group

    def _hukou(self, raw: dict[str, Any], text: dict[str, str]) -> str:
        value = text.get("hukou", "").replace(" ", "")
        if not value:
            return ""
        hukou = HUKOU_WORDS.get(value)
        if hukou is None:
            raise Bad("hukou", _("The household registration must be 农业 or 非农业, not “%(value)s”.")
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
        raise Bad("dibao", _("Write 是 or 否 here, not “%(value)s”.") % {"value": value})

    parsers: tuple[tuple[str, Callable[..., Any]], ...] = (
        ("name", _name), ("sex", _sex), ("birth_date", _birth_date), ("ethnicity", _ethnicity), ("hukou", _hukou),
        ("region", _region), ("dibao", _dibao))

    def _id_number(self, raw: dict[str, Any], text: dict[str, str], values: dict[str, Any],
                   problems: list[Bad]) -> str:
        """Check the ID number against the typed birth date and sex; either may be taken from it."""
        failed = {bad.key for bad in problems}
        value = raw.get("id_number", "")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            problems.append(Bad("id_number", _("The ID number was stored as a number, and Excel has cut off its "
                                                "last digits. Format the column as text and type the number again.")))
            return ""
        try:
            ids = check_id_number(text.get("id_number", ""), birth_date=values.get("birth_date"),
                                  sex=values.get("sex") or "")
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                problems.append(Bad(key if key in ("birth_date", "sex") else "id_number", messages[0]))
            return ""
        if ids.number:
            values["birth_date"], values["sex"] = ids.birth_date, ids.sex
        if not values.get("birth_date") and "birth_date" not in failed:
            problems.append(Bad("birth_date", _("The birth date is empty, and there is no ID number to take it "
                                                 "from.")))
        if not values.get("sex") and "sex" not in failed:
            problems.append(Bad("sex", _("The sex is empty, and there is no ID number to take it from.")))
        return ids.number

    def _family(self, text: dict[str, str], has_phone: bool, warnings: list[Bad]) -> list[dict[str, Any]]:
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
                warnings.append(Bad(f"{prefix}_state", _(
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

    def _phone(self, text: dict[str, str], warnings: list[Bad]) -> str:
        value = text.get("guardian_phone", "")
        if not value:
            return ""
        parts = [p for p in WORD_SPLIT.split(value) if p]
        digits = "".join(ch for ch in parts[0] if ch.isdigit()) if parts else ""
        if not 7 <= len(digits) <= 12:
            # The number itself is not repeated: problems are kept in the database, phones only encrypted.
            raise Bad("guardian_phone", _("This is not a phone number: a phone number has 7 to 12 digits."))
        if len(parts) > 1:
            warnings.append(Bad("guardian_phone", _("The cell holds several phone numbers; only the first was kept."),
                                WARNING))
        return digits

    def _categories(self, text: dict[str, str], warnings: list[Bad]) -> tuple[list[int], list[str], list[str]]:
        value = text.get("categories", "")
        if value not in self.category_cache:  # a ledger uses a handful of spellings, row after row
            self.category_cache[value] = self._read_categories(value)
        recorded, claimed, welfare, unknown = self.category_cache[value]
        for word in unknown:
            warnings.append(Bad("categories", _("“%(word)s” is not a difficulty category Tongban knows; it was "
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
_name_keys = lru_cache(maxsize=100_000)(name_keys)


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
