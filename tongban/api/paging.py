"""Cursor pagination: each page ends with an opaque cursor naming the last row's sort key and id.

Keyset paging stays as fast on the last page of a city's ledger as on the first (no OFFSET), and rows added while
a client walks the list are neither skipped nor repeated.
"""

import base64
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def _encode(value: Any, pk: int) -> str:
    raw = json.dumps([value if isinstance(value, (int, str)) or value is None else str(value), pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[Any, int]:
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationError({"cursor": _("This cursor is not one the API gave out.")}) from None
    return value, pk


def cursor_page(qs: QuerySet[Any], *, ordering: str, allowed: tuple[str, ...], cursor: str | None,
                limit: int) -> tuple[list[Any], str | None]:
    """One page of `qs` in `ordering` (a field, "-" for descending, always tied by id) after `cursor`."""
    if ordering.lstrip("-") not in allowed:
        raise ValidationError({"ordering": _("Order by one of: %(fields)s.") % {
            "fields": ", ".join(f"{f}, -{f}" for f in allowed)}})
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": _("Ask for between 1 and %(max)d rows.") % {"max": MAX_LIMIT}})
    desc = ordering.startswith("-")
    field = ordering.lstrip("-")
    op = "lt" if desc else "gt"
    if field == "id":
        qs = qs.order_by(ordering)
    else:
        qs = qs.order_by(ordering, "-pk" if desc else "pk")
    if cursor:
        value, pk = _decode(cursor)
        if field == "id":
            qs = qs.filter(**{f"pk__{op}": pk})
        else:
            qs = qs.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"pk__{op}": pk}))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    last = rows[-1]
    return rows, _encode(last.pk if field == "id" else getattr(last, field), last.pk)
