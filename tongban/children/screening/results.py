"""What checking a ledger finds: problems by row and column, and the rows ready to be written.

Levels: an "error" blocks the whole import; a "skip" row is already on file and is left out (so
importing the same ledger twice creates nothing twice); a "warning" row is imported and flagged for
a worker to look at.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tongban.children import rules
from tongban.children.screening.mapping import ColumnPlan

ERROR, WARNING, SKIP = "error", "warning", "skip"
EXAMPLE_MARK = "示例"  # the template's example row says so in its 序号 cell; it is never imported
CHUNK = 900  # values per IN (...) query: below SQLite's classic limit of 999 parameters


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


class Bad(Exception):
    """What is wrong with one cell (by field), raised by the parser of that field."""

    def __init__(self, key: str, message: str, level: str = ERROR) -> None:
        super().__init__(message)
        self.key, self.message, self.level = key, message, level
