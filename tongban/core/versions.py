"""Versions of records edited by several people: each saved change raises the stored version by one.

An edit made from a copy older than the stored one is refused (code "conflict"), not written over the other
person's change; pages and the API (ETag / If-Match) ask for it alike.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model


def version_raise(record: Model, *, message: Any, from_copy: bool = True) -> None:
    """Raise `record`'s stored version. With `from_copy`, only if the stored version is still the record's own.

    Call it inside the transaction that saves the change, before saving: the row stays locked until it commits.
    """
    stored = type(record)._default_manager.filter(pk=record.pk)
    if from_copy:
        stored = stored.filter(version=record.version)  # type: ignore[attr-defined]
    if not stored.update(version=F("version") + 1):
        raise ValidationError(message, code="conflict")
    record.version = stored.model._default_manager.values_list(  # type: ignore[attr-defined]
        "version", flat=True).get(pk=record.pk) if not from_copy else record.version + 1  # type: ignore[attr-defined]


def version_check(record: Model, version: int | None, *, message: Any) -> None:
    """Refuse an edit made from a copy (`version`) that is not the stored record's."""
    if version is not None and version != record.version:  # type: ignore[attr-defined]
        raise ValidationError(message, code="conflict")
