"""Which column of an uploaded ledger holds which field: proposed from the header names and from what
the organisation confirmed last time, corrected by the user, remembered for next time."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tongban.children.models import ImportMapping
from tongban.children.screening.columns import BY_KEY, COLUMNS, IGNORE, REQUIRED, field_for_header, norm_header
from tongban.children.screening.reading import Sheet


@dataclass(frozen=True)
class ColumnPlan:
    index: int
    letter: str
    header: str
    field: str  # a column key, IGNORE, or "" when nobody has said what the column holds
    source: str  # "header", "remembered", "chosen" or "unknown"

    @property
    def label(self) -> str:
        return self.header or _("column %(letter)s (no name)") % {"letter": self.letter}


def field_choices() -> list[tuple[str, str]]:
    """For the select next to each column: every field by its template header, and "ignore"."""
    return [("", _("— choose —")), *[(c.key, c.header) for c in COLUMNS], (IGNORE, _("ignore this column"))]


def remembered_for(organisation_id: int | None) -> dict[str, str]:
    if organisation_id is None:
        return {}
    found = ImportMapping.objects.filter(organisation_id=organisation_id).values_list("headers", flat=True).first()
    return dict(found or {})


def propose(sheet: Sheet, remembered: dict[str, str], chosen: dict[str, str] | None = None) -> list[ColumnPlan]:
    """One plan per column that has a header or data. `chosen` (by column letter) wins over the rest."""
    chosen = chosen or {}
    plans: list[ColumnPlan] = []
    for index, header in enumerate(sheet.headers):
        letter = sheet.letter(index)
        if letter in chosen and (chosen[letter] in BY_KEY or chosen[letter] == IGNORE):
            plans.append(ColumnPlan(index, letter, header, chosen[letter], "chosen"))
            continue
        if not header:
            if _column_has_data(sheet, index):
                plans.append(ColumnPlan(index, letter, header, "", "unknown"))
            continue
        key = norm_header(header)
        if key in remembered and (remembered[key] in BY_KEY or remembered[key] == IGNORE):
            plans.append(ColumnPlan(index, letter, header, remembered[key], "remembered"))
            continue
        found = field_for_header(header)
        plans.append(ColumnPlan(index, letter, header, found or "", "header" if found else "unknown"))
    return plans


def _column_has_data(sheet: Sheet, index: int) -> bool:
    return any(index < len(row) and row[index] not in ("", None) for row in sheet.rows[sheet.header_row + 1:])


def as_stored(plans: list[ColumnPlan]) -> dict[str, str]:
    return {p.letter: p.field for p in plans}


def remember(organisation_id: int | None, plans: list[ColumnPlan]) -> None:
    """Keep this organisation's header names for its next upload; other headers it used before stay."""
    if organisation_id is None:
        return
    mapping, _created = ImportMapping.objects.get_or_create(organisation_id=organisation_id)
    headers: dict[str, Any] = dict(mapping.headers or {})
    for plan in plans:
        if plan.header and plan.field:
            headers[norm_header(plan.header)] = plan.field
    mapping.headers = headers
    mapping.save(update_fields=["headers"])


def required_missing(plans: list[ColumnPlan], *, village_optional: bool = False) -> list[str]:
    """Template headers of the required fields that no column holds."""
    mapped = {p.field for p in plans}
    missing = []
    for key, alternative in REQUIRED:
        if key == "village" and village_optional:
            continue
        if key not in mapped and (not alternative or alternative not in mapped):
            missing.append(BY_KEY[key].header if not alternative else
                           f"{BY_KEY[key].header} / {BY_KEY[alternative].header}")
    return missing
