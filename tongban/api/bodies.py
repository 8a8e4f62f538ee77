"""Request bodies read after the access door, not before it.

ninja validates a declared body before the endpoint runs, so a malformed request for a record outside the caller's
area would be answered 400/422 instead of 404. Like the pages (door first, then the form), endpoints that take a
body load the record through access_*() and only then read the body with read_body(); body_doc() puts the same
schema in the OpenAPI description.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pydantic
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

S = TypeVar("S", bound=Schema)


def body_doc(schema: type[Schema]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema.model_json_schema()}}}}


def read_body(request: HttpRequest, schema: type[S]) -> S:
    try:
        data = json.loads(request.body or b"{}")
        # JSON may escape lone surrogates (\\udc00) that no database can store: refused here, not as a crash.
        json.dumps(data, ensure_ascii=False).encode()
    except (ValueError, UnicodeError):
        data = None
    if not isinstance(data, dict):
        raise ValidationError({"__all__": _("Send the fields as a JSON object.")})
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "__all__"
            errors.setdefault(field, []).append(_("This value is not valid: %(problem)s") % {"problem": error["msg"]})
        raise ValidationError(errors) from None


def renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The same refusal with the form's field names replaced by the API's (region → region_id)."""
    if not names or not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})


def read_form(request: HttpRequest, schema: type[Schema], form_class: type[forms.BaseForm], *,
              initial: dict[str, Any] | None = None, names: dict[str, str] | None = None,
              **form_kwargs: Any) -> Any:
    """The body checked for its types (schema), then by the page's own form: the same rules and messages.

    `initial` holds the record's current values, so that a PATCH changes only the fields it sends. `names` maps
    the form's field names to the API's; refusals come back under the API's names.
    """
    names = names or {}
    to_form = {api_name: form_name for form_name, api_name in names.items()}
    sent = read_body(request, schema).model_dump(exclude_unset=True)
    data = {**(initial or {}), **{to_form.get(key, key): value for key, value in sent.items()}}
    return checked(form_class(data=data, **form_kwargs), names)


def checked(form: Any, names: dict[str, str] | None = None) -> Any:
    """The bound form if valid; its refusals as a ValidationError (422) under the API's field names otherwise."""
    if not form.is_valid():
        raise renamed(ValidationError(form.errors.as_data()), names or {})
    return form


@contextmanager
def api_names(names: dict[str, str]) -> Iterator[None]:
    """A service's refusal of a form field, said under the API's name for it."""
    try:
        yield
    except ValidationError as exc:
        if type(exc) is not ValidationError:  # carries more than messages (a conflict, duplicates): left as it is
            raise
        raise renamed(exc, names) from None


def date_field(default: Any = ...) -> Any:
    """A date as the pages take it (YYYY-MM-DD), checked by the form so that its message is the pages' message."""
    return Field(default, json_schema_extra={"format": "date"})


def choices_of(values: Any, *, blank: bool = False) -> dict[str, Any]:
    """The allowed values of a choice field, published in the schema (the form checks them)."""
    allowed = [v if isinstance(v, int) else str(v) for v in values]
    return {"enum": ([""] if blank and "" not in allowed else []) + allowed}
