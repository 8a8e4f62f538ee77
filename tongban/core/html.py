"""Escaping for the lines and options written in Python (children/wording.py, cases/wording.py, core/forms.py)."""

import html
from typing import Any


def esc(value: Any) -> str:
    """`value` escaped for HTML, as Django's conditional_escape: safe strings pass as they are, anything else goes
    through str() and html.escape (& < > " ' replaced). Django's wraps each call in a check for lazy strings that
    costs several times the escaping, and a list page escapes a thousand values."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))
