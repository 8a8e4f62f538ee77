from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.renderers import DjangoTemplates
from django.utils.choices import flatten_choices
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.core.html import esc

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def version_field() -> forms.IntegerField:
    """The version of the record the page was loaded with, sent back with the change: a change saved meanwhile by
    someone else is then refused instead of overwritten (tongban/core/versions.py)."""
    out_of_date = gettext_lazy("This page is out of date. Reload it, then make your change again.")
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, error_messages={
        "required": out_of_date, "invalid": out_of_date, "min_value": out_of_date})


def without_version(form: Any) -> tuple[int, dict[str, Any]]:
    """The version the page was loaded with, and the form's other fields for the service."""
    data = dict(form.cleaned_data)
    return data.pop("version"), data


Differences = list[tuple[Any, Any, Any]]


def show_refusal(form: Any, exc: ValidationError, *, saved_now: Callable[[], Model],
                 columns: dict[str, str] | None = None) -> Differences | None:
    """Show a service's refusal on the form. A save refused because the record changed meanwhile (code "conflict")
    keeps what was typed, takes the saved version (so saving again, after comparing, goes through) and returns
    what is saved now beside what was typed; None for any other refusal. `columns` names the record's column of a
    form field named otherwise."""
    if getattr(exc, "code", None) != "conflict":
        add_service_errors(form, exc)
        return None
    saved = saved_now()
    form.add_error(None, exc.messages)
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = str(saved.version)  # type: ignore[attr-defined]
    return differences(form, saved, columns)


def differences(form: Any, saved: Model, columns: dict[str, str] | None = None) -> Differences:
    """(label, saved now, typed) for the form's fields where the record as saved differs from what was typed.

    Only the record's own columns are compared: what a form takes but the record keeps hidden (a family member's
    encrypted phone) is never shown.
    """
    own = {f.name for f in saved._meta.concrete_fields}
    rows = []
    for name, typed in form.cleaned_data.items():
        column = (columns or {}).get(name, name)
        if name == "version" or column not in own or name not in form.fields:
            continue
        now = getattr(saved, column)
        if now != typed:
            field = form.fields[name]
            rows.append((field.label, _shown(field, now), _shown(field, typed)))
    return rows


def _shown(field: forms.Field, value: Any) -> Any:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    labels: dict[Any, Any] = {}
    if getattr(field, "choices", None) and not isinstance(field, forms.ModelChoiceField):
        labels = dict(flatten_choices(field.choices))  # type: ignore[attr-defined]
    if isinstance(value, list | tuple):
        return "、".join(str(labels.get(v, v)) for v in value)
    return labels.get(value, value)


class _Names(ModelChoiceIterator):
    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name in self.queryset.values_list("pk", "name"):
            yield (ModelChoiceIteratorValue(pk, None), name)


class NameChoiceField(forms.ModelChoiceField):
    """A choice of records labelled by their name (a model whose str() is its name), read from the database as
    (id, name) pairs: building a record for each of a city's hundred townships cost more than writing the select
    (children list 2-3 ms of 18). Cleaned as Django's own field: the chosen record."""

    iterator = _Names


class FormRenderer(DjangoTemplates):
    """Django's form renderer, but a select is written here instead of by the template engine, which renders every
    option as a template of its own: a region list of a city's townships, or a banner's villages, cost more than
    the rest of the page (same HTML as Django's own templates)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            widget = context["widget"]
            if all(o["template_name"] == OPTION for _name, options, _i in widget["optgroups"] for o in options):
                return select_html(widget)
        return super().render(template_name, context, request)


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(f" {esc(name)}" if value is True else f' {esc(name)}="{esc(value)}"'
                   for name, value in attrs.items() if value is not False)


def select_html(widget: dict[str, Any]) -> SafeString:
    parts = [f'<select name="{esc(widget["name"])}"', _attrs(widget["attrs"]), ">"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        for o in options:
            parts += ['\n  <option value="', esc(o["value"]), '"', _attrs(o["attrs"]), ">", esc(o["label"]),
                      "</option>\n"]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
