"""Request bodies read after the access door, not before it.

ninja validates a declared body before the endpoint runs, so a malformed request for a record outside the caller's
area would be answered 400/422 instead of 404. Like the pages (door first, then the form), endpoints that take a
body load the record through access_*() and only then read the body with read_body(); body_doc() puts the same
schema in the OpenAPI description.
"""

import json
from typing import Any, TypeVar

import pydantic
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

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
