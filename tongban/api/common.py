"""What every router shares: error bodies, the refusals each operation documents, ETags and If-Match."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Schema
from ninja.errors import HttpError

from tongban.api.security import require_write_token

# Record ids are positive and fit the databases' integer columns; anything else is refused as invalid (422) before
# a database is asked (SQLite and PostgreSQL raise on integers beyond 64 bits).
RECORD_ID = Path(..., ge=1, le=2**63 - 1)


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


REFUSALS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: ValidationErrorOut, 429: Error}
WRITE_REFUSALS: dict[int, Any] = {**REFUSALS, 412: Error}


def etag(obj: Any) -> str:
    return f'"{type(obj).__name__.lower()}-{obj.pk}-v{obj.version}"'


def check_if_match(request: HttpRequest, obj: Any) -> int | None:
    """412 when the client's copy (If-Match) is not the saved one; the version to pass on to the service."""
    wanted = request.headers.get("If-Match")
    if wanted is None or wanted.strip() == "*":
        return None
    if etag(obj) not in [tag.strip() for tag in wanted.split(",")]:
        raise HttpError(412, _("The record was changed by someone else; fetch it again."))
    return int(obj.version)


@contextmanager
def conflicts_as_412() -> Iterator[None]:
    """A service's refusal of a save made from a stale copy (code "conflict") is the API's 412."""
    try:
        yield
    except ValidationError as exc:
        if getattr(exc, "code", None) == "conflict":
            raise HttpError(412, str(exc.messages[0])) from None
        raise


def writing(request: HttpRequest, kind: str | None = None) -> None:
    """A write by this caller: a read-only token is refused; with `kind` ("case", "pairing"…), a role that may not
    write that kind of record is refused first, as the pages' create views do."""
    if kind is not None:
        from django.core.exceptions import PermissionDenied

        from tongban.accounts.access import scope_for

        if not scope_for(request.user).may_write(kind):
            raise PermissionDenied
    require_write_token(request)


def staff_only(request: HttpRequest) -> None:
    """Like the pages' _staff_only: lists of community work are for those who work with children's files;
    volunteers reach their own pairings only."""
    from django.core.exceptions import PermissionDenied

    from tongban.accounts.access import sees_child_files

    if not sees_child_files(request.user):
        raise PermissionDenied


def page(rows: list[Any], next_cursor: str | None) -> dict[str, Any]:
    return {"items": rows, "next_cursor": next_cursor}
