"""{{ pk|link:"app:view" }}: a record's page, for lists of records in templates, without reversing the URL pattern
once per row ({% url %} costs ~20 µs a row; a dashboard of seven lists reversed 140 a page)."""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django import template
from django.urls import get_script_prefix, get_urlconf

from tongban.core.links import link_maker

register = template.Library()


@lru_cache(maxsize=64)
def _maker(viewname: str, prefix: str, urlconf: Any) -> Callable[[Any], str]:
    # Keyed by what reverse() reads besides the pattern: the script prefix and the request's URLconf.
    return link_maker(viewname)


@register.filter
def link(pk: Any, viewname: str) -> str:
    """reverse(viewname, args=[pk]) for a view whose last argument is the record's integer id."""
    return _maker(viewname, get_script_prefix(), get_urlconf())(pk)
