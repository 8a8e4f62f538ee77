"""get_FOO_display() without rebuilding the field's choices on every call.

Django's version turns the field's whole list of choices into a dict on each call, hashing every label on the way;
a label is a lazy translation, so each hash translates it. The ethnicity of 56 groups, a session's kind, a child's
risk and status: a file or case page asked for several hundred labels and paid for tens of thousands of lookups.
Here the dict of a field is built once per process (its choices are fixed in the code) and the label looked up is
still translated at call time, in the language of the request.
"""

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db.models import Field
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _display(field: Field) -> Any:
    attname = field.attname
    labels: dict[Any, Any] = {}

    def display(self: Any) -> Any:
        if not labels:
            labels.update((make_hashable(value), label) for value, label in field.flatchoices)
        value = getattr(self, attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    return display


def install_displays() -> None:
    """Swap Django's generated get_FOO_display of our models' fields for the one above; a method a model defines
    itself, and choices computed by a callable (which may change), keep Django's way."""
    for model in apps.get_models():
        if not model.__module__.startswith("tongban."):
            continue
        for field in model._meta.get_fields():
            if getattr(field, "choices", None) is None or isinstance(field.choices, CallableChoiceIterator):
                continue
            name = f"get_{field.name}_display"
            if isinstance(model.__dict__.get(name), partialmethod):
                setattr(model, name, _display(field))
