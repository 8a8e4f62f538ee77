from typing import Any

from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def add_service_errors(form: Any, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
    return "".join(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
                   for name, value in attrs.items() if value is not False)


def select_html(widget: dict[str, Any]) -> SafeString:
    parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for o in options:
            parts += ['\n  <option value="', conditional_escape(str(o["value"])), '"', _attrs(o["attrs"]), ">",
                      conditional_escape(o["label"]), "</option>\n"]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
